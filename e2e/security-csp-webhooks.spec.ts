/**
 * Security in the browser and over HTTP (issue 7): every page carries a CSP with a fresh script
 * nonce and `frame-ancestors 'none'` and still works (sign-in, navigation, forms) with no CSP
 * violation; signed webhooks start a run once per `webhook-id`; the admin page creates and
 * rotates a webhook secret and shows it once.
 */
import { expect, test, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { admin, baseURL, bearer, LoginPage, unique } from "./pages/console";

function directives(policy: string | null): Record<string, string[]> {
  return Object.fromEntries((policy ?? "").split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((d) => [d[0], d.slice(1)]));
}

/** Collects CSP violations the page reports (console messages and securitypolicyviolation events). */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Refused to execute (CSP ${event.violatedDirective}): ${event.blockedURI}`);
    });
  });
  return violations;
}

test("pages carry a nonce CSP with frame-ancestors 'none', and the console works under it", async ({ browser }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const violations = await watchViolations(page);

  const loginResponse = await page.goto("/login");
  const loginPolicy = directives(loginResponse!.headers()["content-security-policy"]);
  expect(loginPolicy["frame-ancestors"]).toEqual(["'none'"]);
  const scriptSrc = loginPolicy["script-src"] ?? [];
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  const nonce = scriptSrc.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
  expect(nonce, `script-src: ${scriptSrc.join(" ")}`).toBeTruthy();
  // Next put the nonce on its own scripts.
  const scriptNonces = await page.locator("script").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  for (const n of scriptNonces) expect(n).toBe(nonce);

  // Signing in needs hydrated React (the form posts with fetch): proof that scripts ran.
  await new LoginPage(page).signIn(admin.email, admin.password, "/runs");
  const runs = await page.goto("/runs");
  const runsNonce = directives(runs!.headers()["content-security-policy"])["script-src"]?.find((s) => s.startsWith("'nonce-"));
  expect(runsNonce).toBeTruthy();
  expect(runsNonce).not.toBe(`'nonce-${nonce}'`);
  await page.goto("/workflows");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Webhooks" })).toBeVisible();
  expect(violations).toEqual([]);

  await context.close();
});

test("an admin creates and rotates a webhook secret on the admin page; each is shown once", async ({ browser }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await new LoginPage(page).signIn(admin.email, admin.password, "/admin");
  const form = page.getByRole("form", { name: "Create or rotate a webhook secret" });
  await form.getByLabel("Workflow").selectOption("support-triage");
  await form.getByRole("button", { name: "Create or rotate" }).click();
  const shown = page.getByTestId("webhook-secret");
  await expect(shown).toHaveText(/^whsec_/);
  const first = await shown.textContent();
  await page.reload();
  await expect(page.locator('[data-webhook-workflow="support-triage"]')).toBeVisible();
  expect(await page.content()).not.toContain(first!);
  await context.close();
});

test("signed webhooks: one run per webhook-id, bad or missing signatures refused", async ({ request }) => {
  const created = await request.post("/api/v1/admin/webhooks/freight-quote/secret", { headers: bearer(admin.apiKey) });
  expect(created.status(), await created.text()).toBe(201);
  const { secret } = (await created.json()) as { secret: string };
  const body = JSON.stringify({ customer: `Hook ${unique()}`, email: "ops@example.com", lane: "Rotterdam → Chicago", weightKg: 100 });
  const id = `msg_${unique()}`;
  const now = new Date();
  const headers = {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, now, body),
  };

  const first = await request.post("/api/v1/hooks/freight-quote", { headers, data: body });
  expect(first.status(), await first.text()).toBe(201);
  const { runId } = (await first.json()) as { runId: string };
  const replay = await request.post("/api/v1/hooks/freight-quote", { headers, data: body });
  expect(replay.status()).toBe(200);
  expect(await replay.json()).toEqual({ runId, created: false });

  const tampered = await request.post("/api/v1/hooks/freight-quote", { headers, data: `${body} ` });
  expect(tampered.status()).toBe(401);
  expect(((await tampered.json()) as { error: string }).error).toBe("invalid_signature");
  const unsigned = await request.post("/api/v1/hooks/freight-quote", { headers: { "content-type": "application/json" }, data: body });
  expect(unsigned.status()).toBe(400);
  expect(((await unsigned.json()) as { error: string }).error).toBe("missing_signature_headers");
  const noHook = await request.post("/api/v1/hooks/research-agent", { headers, data: body });
  expect(noHook.status()).toBe(404);

  // Exactly one run came from this delivery id.
  const list = await request.get(`/api/v1/runs?workflow=freight-quote&limit=200`, { headers: bearer(admin.apiKey) });
  const ids = ((await list.json()) as { runs: Array<{ id: string }> }).runs.map((r) => r.id);
  expect(ids.filter((r) => r === runId)).toHaveLength(1);
  // The secret never appears in the API's own answers after creation.
  const listed = await request.get("/api/v1/admin/webhooks", { headers: bearer(admin.apiKey) });
  expect(await listed.text()).not.toContain(secret.slice(6));
});
