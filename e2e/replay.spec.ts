/**
 * Issue 4's proof in Chromium: a demo run fails at a tool step because of a flag the test sets
 * (a `demo_tool_flags` row the worker reads); the test clears the flag, replays from the failed
 * step in the console, checks the preview, confirms; the new run succeeds and both runs show the
 * link. Plus bulk replay and the compatibility check pages.
 */
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { processEnv } from "../lib/config/env";
import { setDemoToolFailing } from "../lib/demo/tool-flag-store";
import { RunPage, signedInPage, startFreightRunByApi, unique } from "./pages/console";

const pool = new pg.Pool({ connectionString: processEnv().DATABASE_URL, max: 2 });
test.afterAll(async () => {
  await setDemoToolFailing(pool, "sendEmail", false);
  await pool.end();
});

/** A small freight quote (no approval) whose send-email step fails while the flag is set; resolves once it failed. */
async function failedFreightRun(page: Page, customer: string): Promise<string> {
  await setDemoToolFailing(pool, "sendEmail", true);
  try {
    const runId = await startFreightRunByApi(page.request, { customer, email: "ops@example.com", lane: "Rotterdam → Chicago", weightKg: 200 });
    const run = new RunPage(page);
    await run.open(runId);
    const why = "the run fails at send-email while demo_tool_flags names sendEmail (a worker applies the flags with withDemoToolFlags, lib/demo/tool-flag-store.ts)";
    await expect(page.locator("[data-run-status]"), why).toHaveAttribute("data-run-status", "failed", { timeout: 60_000 });
    await run.expectStepStatus("send-email", "failed");
    return runId;
  } finally {
    await setDemoToolFailing(pool, "sendEmail", false);
  }
}

async function sinkDeliveries(runId: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ idempotency_key: string; deliveries: number }>(
    "SELECT idempotency_key, deliveries FROM sink_effects WHERE starts_with(idempotency_key, $1)",
    [`${runId}:`],
  );
  return Object.fromEntries(rows.map((row) => [row.idempotency_key.slice(runId.length + 1), row.deliveries]));
}

const runIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);

test("replay a failed run from its failed step: preview, confirm, the fork succeeds and both runs show the link", async ({ browser }) => {
  const page = await signedInPage(browser);
  const sourceId = await failedFreightRun(page, `Replay Co ${unique()}`);
  expect(await sinkDeliveries(sourceId)).toEqual({});

  const run = new RunPage(page);
  await run.selectStep("send-email");
  await run.stepDetail.getByRole("button", { name: "Replay from here" }).click();

  const dialog = page.getByRole("dialog", { name: "Replay from send-email" });
  await expect(dialog.getByTestId("replay-totals")).toContainText("Reuses 3 steps. Runs 1 again: 1 with side effects, 0 LLM calls");
  for (const reused of ["fetch-rates", "lookup-capacity", "draft-quote"]) {
    await expect(dialog.locator(`tr[data-step-id="${reused}"]`)).toHaveAttribute("data-action", "reuse");
  }
  const again = dialog.locator('tr[data-step-id="send-email"]');
  await expect(again).toHaveAttribute("data-action", "rerun");
  await expect(again).toContainText("happens again");
  await expect(dialog.getByRole("combobox", { name: "Version" })).toHaveValue("1");
  await expect(dialog.getByRole("textbox", { name: "Input (JSON)" })).toHaveValue(/"weightKg": 200/);

  await dialog.getByRole("button", { name: "Replay from send-email" }).click();
  await page.waitForURL((url) => /\/runs\/run_[A-Za-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith(sourceId));
  const forkId = runIdOf(page);
  await expect(page.locator("[data-run-status]")).toHaveAttribute("data-run-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByText("Forked from")).toBeVisible();
  await expect(page.getByRole("link", { name: sourceId })).toBeVisible();
  await expect(page.getByText("at step send-email")).toBeVisible();

  // Steps before the fork point say where their result comes from; the re-run step does not.
  await run.selectStep("fetch-rates");
  await expect(run.stepDetail.getByTestId("reused-from")).toContainText(sourceId);
  await run.selectStep("send-email");
  await expect(run.stepDetail.getByTestId("reused-from")).toHaveCount(0);

  // The fork sent the email once, under its own key; the failed run sent nothing.
  expect(await sinkDeliveries(forkId)).toEqual({ "send-email": 1 });
  expect(await sinkDeliveries(sourceId)).toEqual({});

  await run.open(sourceId);
  const forks = page.getByRole("list", { name: "Forks of this run" });
  await expect(forks.locator(`li[data-fork-id="${forkId}"]`)).toContainText("from step send-email");
  await expect(forks.locator(`li[data-fork-id="${forkId}"]`)).toContainText("succeeded");
});

test("an edited input that the version's schema refuses is named in the replay preview", async ({ browser }) => {
  const page = await signedInPage(browser);
  await failedFreightRun(page, `Edit Co ${unique()}`);
  await new RunPage(page).selectStep("lookup-capacity");
  await page.getByRole("complementary", { name: "Step detail" }).getByRole("button", { name: "Replay from here" }).click();
  const dialog = page.getByRole("dialog", { name: "Replay from lookup-capacity" });
  await expect(dialog.getByTestId("replay-totals")).toBeVisible();
  const editor = dialog.getByRole("textbox", { name: "Input (JSON)" });
  await editor.fill((await editor.inputValue()).replace('"weightKg": 200', '"weightKg": -3'));
  await expect(dialog.getByRole("button", { name: "Replay from lookup-capacity" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Update preview" }).click();
  await expect(dialog.getByRole("alert").filter({ hasText: "weightKg" })).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("bulk replay previews the failed runs in a range and replays them; the compatibility check finds nothing broken", async ({ browser }) => {
  const page = await signedInPage(browser);
  const startedAt = new Date(Date.now() - 1_000);
  const sourceId = await failedFreightRun(page, `Bulk Co ${unique()}`);

  await page.goto("/workflows/freight-quote/replay");
  await expect(page.getByRole("heading", { level: 1, name: "Bulk replay" })).toBeVisible();
  await page.getByLabel("Created after").fill(localDateTime(startedAt));
  await page.getByRole("button", { name: "Preview" }).click();
  const row = page.locator(`tr[data-run-id="${sourceId}"]`);
  await expect(row).toContainText("send-email");
  await expect(page.getByTestId("bulk-totals")).toContainText("1 failed run to replay on v1");
  await page.getByRole("button", { name: "Replay 1 run" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 run replayed" })).toBeVisible();
  await page.getByRole("region", { name: "Replayed runs" }).getByRole("link").first().click();
  await expect(page.locator("[data-run-status]")).toHaveAttribute("data-run-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByText("at step send-email")).toBeVisible();

  await page.goto("/workflows/freight-quote/compat");
  await expect(page.getByTestId("compat-summary")).toContainText(/in-flight runs? checked: 0 would break/);
});

/** The value a datetime-local input takes, in the browser's (= this machine's) local time, to the second. */
function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
