/**
 * Security checklist items a browser or an HTTP client can observe (S5, S6, S21, S27; the rest are
 * in api-contract, console-roles, console-xss and lib/security/*.int.test.ts): server actions
 * refuse a foreign, `null` or missing Origin and change nothing; a canary secret sent as a bearer
 * key, a password, a bad webhook body and a malformed JSON body is in no response, no page and
 * nowhere in a dump of the database (runs, journal, spans, audit).
 */
import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { processEnv } from "../lib/config/env";
import { admin, baseURL, bearer, LoginPage, unique } from "./pages/console";

const CANARY = `sk-CANARY-${unique()}${unique()}`;

test("server actions from a foreign, null or missing Origin are refused and change nothing", async ({ browser, request }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new LoginPage(page).signIn(admin.email, admin.password, "/admin");

  // Capture the real "Create key" server action request (and stop it), then send it again with
  // other Origins: the browser would not let a page forge them, an attacker's client would.
  const name = `csrf ${unique()}`;
  let captured: { headers: Record<string, string>; body: Buffer } | null = null;
  await page.route("**/admin", async (route) => {
    const sent = route.request();
    if (sent.method() !== "POST" || !(await sent.headerValue("next-action"))) return route.continue();
    captured = { headers: await sent.allHeaders(), body: sent.postDataBuffer() ?? Buffer.alloc(0) };
    await route.abort();
  });
  const form = page.getByRole("form", { name: "Create an API key" });
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Create key" }).click();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unroute("**/admin");

  const replay = (origin: string | undefined) => {
    const headers = Object.fromEntries(
      Object.entries(captured!.headers).filter(([key]) => !key.startsWith(":") && !["origin", "content-length", "host", "cookie"].includes(key)),
    );
    if (origin !== undefined) headers.origin = origin;
    return page.request.post("/admin", { headers, data: captured!.body });
  };
  const keyNames = async () => {
    const keys = await request.get("/api/v1/admin/api-keys", { headers: bearer(admin.apiKey) });
    return ((await keys.json()) as { apiKeys: Array<{ name: string }> }).apiKeys.map((k) => k.name);
  };

  for (const origin of ["https://evil.example", "null", undefined]) {
    const response = await replay(origin);
    expect(await response.text(), `Origin ${origin}`).not.toContain("wm_");
    expect(await keyNames(), `Origin ${origin}`).not.toContain(name);
  }
  // Without a session (S1), from the console's own Origin: refused, nothing created.
  const headers = Object.fromEntries(
    Object.entries(captured!.headers).filter(([key]) => !key.startsWith(":") && !["content-length", "host", "cookie"].includes(key)),
  );
  const sessionless = await request.post("/admin", { headers: { ...headers, origin: baseURL }, data: captured!.body, maxRedirects: 0 });
  expect(await sessionless.text()).not.toContain("wm_");
  expect(await keyNames()).not.toContain(name);

  // The same request from the console's own Origin works: the check refuses only what it should.
  const own = await replay(baseURL);
  expect(own.status()).toBe(200);
  expect((await keyNames()).filter((n) => n === name)).toHaveLength(1);
  await context.close();
});

test("a canary secret never comes back in responses or pages and is not stored anywhere", async ({ browser, request }) => {
  const answers: string[] = [];
  const asKey = await request.get("/api/v1/runs", { headers: bearer(CANARY) });
  expect(asKey.status()).toBe(401);
  answers.push(await asKey.text());

  const asPassword = await request.post("/api/auth/login", {
    headers: { origin: baseURL },
    data: { email: admin.email.replace("@", "+nobody@"), password: CANARY },
  });
  expect(asPassword.status()).toBe(401);
  answers.push(await asPassword.text());

  const malformed = await request.post("/api/v1/runs", {
    headers: { ...bearer(admin.apiKey), "content-type": "application/json" },
    data: `{"workflow": "freight-quote", "input": ${CANARY}}`,
  });
  expect(malformed.status()).toBe(400);
  answers.push(await malformed.text());

  // A webhook body signed with the wrong secret: refused before anything is stored.
  const created = await request.post("/api/v1/admin/webhooks/support-triage/secret", { headers: bearer(admin.apiKey) });
  expect(created.status()).toBe(201);
  const body = JSON.stringify({ ticketId: CANARY });
  const now = new Date();
  const forged = await request.post("/api/v1/hooks/support-triage", {
    headers: {
      "content-type": "application/json",
      "webhook-id": `msg_${unique()}`,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).sign("x", now, body),
    },
    data: body,
  });
  expect(forged.status()).toBe(401);
  answers.push(await forged.text());
  for (const answer of answers) expect(answer).not.toContain(CANARY);

  // Pages an admin can see (audit log included) do not show it.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new LoginPage(page).signIn(admin.email, admin.password, "/audit");
  for (const path of ["/audit", "/runs", "/admin"]) {
    await page.goto(path);
    expect(await page.content(), path).not.toContain(CANARY);
  }
  await context.close();

  // Nor does the database: every table, spans and audit rows included.
  const databaseUrl = processEnv().DATABASE_URL ?? "";
  const dump = execFileSync("pg_dump", ["--data-only", databaseUrl], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  expect(dump.length).toBeGreaterThan(0);
  expect(dump.includes(CANARY), "canary found in pg_dump").toBe(false);
});
