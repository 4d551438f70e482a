/**
 * Issue #7 (S21/S22) against the whole stack (`npm start`: console, worker, demo LLM): a canary in
 * a run's input, its LLM prompt, its approval and the decision comment is in no `pg_dump` of the
 * database and in none of the run's spans, while the run page shows it to a signed-in reader (a
 * key-like secret redacted), and the runs search still finds the run by it.
 */
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { admin, bearer, bigShipment, pendingApprovalOf, signedInPage, startFreightRunByApi, unique } from "./pages/console";

function pgDump(): string {
  const url = new URL(process.env.DATABASE_URL!);
  const args = ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username) || "postgres", url.pathname.slice(1)];
  return execFileSync("pg_dump", args, { maxBuffer: 512 * 1024 * 1024 }).toString("utf8");
}

test("a canary is in no database dump and no span, yet an authorised reader sees and finds it", async ({ browser, request }) => {
  const note = `CANARYNOTE${unique()}`;
  const secret = `sk-CANARY-${unique()}${unique()}`;
  const runId = await startFreightRunByApi(request, { ...bigShipment(`Canary Co ${note}`), notes: `use ${secret}` });
  const approval = await pendingApprovalOf(request, runId);
  const decided = await request.post(`/api/v1/approvals/${approval.id}/decision`, {
    headers: bearer(admin.apiKey),
    data: { decision: "reject", comment: `not for ${note}`, payloadHash: approval.payloadHash },
  });
  expect(decided.status(), await decided.text()).toBe(200);

  // Every span of the run is stored (the root span arrives when the run ends) and holds no canary.
  let trace = "";
  await expect
    .poll(async () => {
      trace = await (await request.get(`/api/v1/runs/${runId}/trace`, { headers: bearer(admin.apiKey) })).text();
      return trace.includes(`"invoke_workflow freight-quote"`) && trace.includes("chat gpt-4o-mini");
    }, { message: "the run's spans are stored", timeout: 30_000 })
    .toBe(true);
  expect(trace).not.toContain(note);
  expect(trace).not.toContain("CANARY");

  const dump = pgDump();
  expect(dump).toContain(runId);
  expect(dump).not.toContain(note);
  expect(dump).not.toContain(secret);

  // Plaintext only behind the console's access control: the run page shows the input and the decision.
  const page = await signedInPage(browser);
  await page.goto(`/runs/${runId}`);
  await expect(page.getByText(`Canary Co ${note}`).first()).toBeVisible();
  await expect(page.getByText(`not for ${note}`).first()).toBeVisible();
  // …but a key-like secret in a payload is redacted wherever people read it: the page and the API.
  await expect(page.getByText("use [REDACTED]").first()).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  const shown = await request.get(`/api/v1/runs/${runId}`, { headers: bearer(admin.apiKey) });
  expect(await shown.text()).toContain(note);
  expect(await shown.text()).not.toContain(secret);

  // …and the runs search still finds the run by a word of its sealed input.
  await page.goto(`/runs?q=${note}`);
  await expect(page.locator(`tr[data-run-id="${runId}"]`)).toBeVisible();
});
