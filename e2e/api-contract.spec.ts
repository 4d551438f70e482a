/**
 * HTTP API v1 contract (DESIGN.md), against the real server started by playwright.config.ts:
 * status codes, JSON shapes and the security checklist items a client can observe.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { processEnv } from "../lib/config/env";

const adminKey = processEnv().WAYMARK_ADMIN_API_KEY ?? "";
const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const admin = () => auth(adminKey);
const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** The demo freight-quote workflow: a valid input, and a required numeric field to break. */
const wf = {
  name: "freight-quote",
  input: { customer: "Acme", email: "e2e@example.com", lane: "Rotterdam → Chicago", weightKg: 1200 },
  field: "weightKg",
};

async function createKey(request: APIRequestContext, role: string) {
  const response = await request.post("/api/v1/admin/api-keys", { headers: admin(), data: { name: `e2e ${role} ${unique()}`, role } });
  expect(response.status()).toBe(201);
  return (await response.json()) as { key: string; apiKey: { id: string; prefix: string } };
}

test.describe("HTTP API v1", () => {
  test.beforeAll(() => {
    expect(adminKey, "WAYMARK_ADMIN_API_KEY must be set by playwright.config.ts").not.toBe("");
  });

  test("health answers without authentication", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", postgres: "up", redis: "up" });
  });

  test("no key, a wrong key or a malformed header → 401 JSON with a request id", async ({ request }) => {
    for (const headers of [{}, auth("wm_not-a-real-key"), { Authorization: "Basic YWRtaW46YWRtaW4=" }]) {
      const response = await request.get("/api/v1/runs", { headers });
      expect(response.status()).toBe(401);
      const body = await response.json();
      expect(body).toMatchObject({ error: "unauthorized", message: expect.any(String), requestId: expect.any(String) });
      expect(response.headers()["x-request-id"]).toBe(body.requestId);
      expect(body).not.toHaveProperty("runs");
    }
    // A forged middleware-subrequest header (CVE-2025-29927) changes nothing.
    const forged = await request.get("/api/v1/runs", { headers: { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" } });
    expect(forged.status()).toBe(401);
  });

  test("start a run → 201; the same Idempotency-Key → 200 and the same run", async ({ request }) => {
    const key = `e2e-${unique()}`;
    const first = await request.post("/api/v1/runs", { headers: { ...admin(), "Idempotency-Key": key }, data: { workflow: wf.name, input: wf.input } });
    expect(first.status(), await first.text()).toBe(201);
    const { run } = await first.json();
    expect(run).toMatchObject({ workflow: wf.name, idempotencyKey: key });
    expect(["queued", "running", "waiting", "succeeded"]).toContain(run.status);
    expect(first.headers()["location"]).toBe(`/api/v1/runs/${run.id}`);

    const repeat = await request.post("/api/v1/runs", { headers: { ...admin(), "Idempotency-Key": key }, data: { workflow: wf.name, input: wf.input } });
    expect(repeat.status()).toBe(200);
    expect((await repeat.json()).run.id).toBe(run.id);

    const detail = await request.get(`/api/v1/runs/${run.id}`, { headers: admin() });
    expect(detail.status()).toBe(200);
    const body = await detail.json();
    expect(body.run.id).toBe(run.id);
    expect(Array.isArray(body.run.steps)).toBe(true);

    const list = await request.get(`/api/v1/runs?workflow=${encodeURIComponent(wf.name)}&status=queued,running,waiting,succeeded,failed,cancelled&limit=50`, { headers: admin() });
    expect(list.status()).toBe(200);
    const page = await list.json();
    expect(page).toHaveProperty("nextCursor");
    expect(page.runs.map((r: { id: string }) => r.id)).toContain(run.id);
  });

  test("an Idempotency-Key reused with another body → 409 idempotency_key_reused, and no second run", async ({ request }) => {
    const key = `e2e-reuse-${unique()}`;
    const first = await request.post("/api/v1/runs", { headers: { ...admin(), "Idempotency-Key": key }, data: { workflow: wf.name, input: wf.input } });
    expect(first.status()).toBe(201);
    const { run } = await first.json();
    const other = await request.post("/api/v1/runs", {
      headers: { ...admin(), "Idempotency-Key": key },
      data: { workflow: wf.name, input: { ...wf.input, weightKg: 99 } },
    });
    expect(other.status()).toBe(409);
    expect(await other.json()).toMatchObject({ error: "idempotency_key_reused", message: expect.stringContaining(run.id) });
    const list = await (await request.get(`/api/v1/runs?search=${encodeURIComponent(run.id)}`, { headers: admin() })).json();
    expect(list.runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
  });

  test("the audit log is readable by admins and cannot be changed through the API (405)", async ({ request }) => {
    const read = await request.get("/api/v1/audit?limit=5", { headers: admin() });
    expect(read.status()).toBe(200);
    const { entries } = await read.json();
    expect(entries.length).toBeGreaterThan(0);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await request.fetch("/api/v1/audit", { method, headers: admin(), data: { action: "login" } });
      expect(response.status(), method).toBe(405);
      expect(response.headers()["allow"]).toBe("GET");
      expect((await response.json()).error).toBe("method_not_allowed");
    }
    const again = await (await request.get("/api/v1/audit?limit=5", { headers: admin() })).json();
    expect(again.entries[0].id).toBe(entries[0].id);
    const unknown = await request.get("/api/v1/runs?sort=created_at%3B%20DROP%20TABLE%20runs", { headers: admin() });
    expect(unknown.status()).toBe(400);
  });

  test("an invalid Idempotency-Key → 400 invalid_id, and no run", async ({ request }) => {
    for (const key of ["x".repeat(257), "a:b", "   "]) {
      const response = await request.post("/api/v1/runs", {
        headers: { ...admin(), "Idempotency-Key": key },
        data: { workflow: wf.name, input: wf.input },
      });
      expect(response.status()).toBe(400);
      const body = await response.json();
      expect(body.error).toBe("invalid_id");
      expect(body.issues[0].path).toBe("Idempotency-Key");
    }
  });

  test("the workflow list gives each version's input as JSON Schema", async ({ request }) => {
    const response = await request.get("/api/v1/workflows", { headers: admin() });
    expect(response.status()).toBe(200);
    const { workflows } = await response.json();
    const freight = workflows.find((w: { name: string }) => w.name === wf.name);
    const latest = freight.versions.find((v: { version: number }) => v.version === freight.latestVersion);
    expect(latest.inputSchema.required).toEqual(expect.arrayContaining(Object.keys(wf.input)));
    expect(latest.inputSchema.properties[wf.field].type).toBe("number");
  });

  test("unknown workflow → 404", async ({ request }) => {
    const response = await request.post("/api/v1/runs", { headers: admin(), data: { workflow: `no-such-workflow-${unique()}`, input: {} } });
    expect(response.status()).toBe(404);
    expect((await response.json()).error).toBe("not_found");
  });

  test("invalid input → 400 naming the field", async ({ request }) => {
    const response = await request.post("/api/v1/runs", { headers: admin(), data: { workflow: wf.name, input: { ...wf.input, [wf.field]: "not-a-number" } } });
    expect(response.status()).toBe(400);
    const body = await response.json();
    expect(body.error).toBe("invalid_input");
    expect(body.message).toContain(`input.${wf.field}`);
    expect(body.issues.map((i: { path: string }) => i.path)).toContain(`input.${wf.field}`);
  });

  test("malformed bodies → 400 / 413 / 415, never 500", async ({ request }) => {
    // A Buffer goes out byte for byte (a string with a JSON Content-Type would be JSON-encoded again).
    const post = (text: string, contentType = "application/json") =>
      request.post("/api/v1/runs", { headers: { ...admin(), "Content-Type": contentType }, data: Buffer.from(text) });

    const oversized = await post(JSON.stringify({ workflow: wf.name, input: { ...wf.input, pad: "x".repeat(300 * 1024) } }));
    expect(oversized.status()).toBe(413);
    expect(await oversized.json()).toMatchObject({ error: "payload_too_large", message: expect.stringContaining("256 KB") });

    const broken = await post('{"workflow": ');
    expect(broken.status()).toBe(400);
    expect((await broken.json()).error).toBe("invalid_json");

    const deep = await post(`{"workflow":"${wf.name}","input":${"[".repeat(100)}${"]".repeat(100)}}`);
    expect(deep.status()).toBe(400);

    // "__proto__" as a JSON key is an unknown field like any other: refused, nothing polluted.
    const extra = await post(`{"workflow":${JSON.stringify(wf.name)},"input":${JSON.stringify(wf.input)},"__proto__":{"admin":true}}`);
    expect(extra.status()).toBe(400);

    const text = await post("workflow=x", "application/x-www-form-urlencoded");
    expect(text.status()).toBe(415);
  });

  test("unknown ids → 404; malformed ids → 400 invalid_id on every route taking one (S18)", async ({ request }) => {
    const unknown = await request.get("/api/v1/runs/run_doesnotexist", { headers: admin() });
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).error).toBe("not_found");
    const decision = await request.post("/api/v1/approvals/apr_doesnotexist/decision", { headers: admin(), data: { decision: "approve" } });
    expect(decision.status()).toBe(404);
    const badDecision = await request.post("/api/v1/approvals/apr_doesnotexist/decision", { headers: admin(), data: { decision: "maybe" } });
    expect(badDecision.status()).toBe(400);

    const before = (await (await request.get("/api/v1/runs?limit=200", { headers: admin() })).json()).runs.length;
    // Encoded as a client would send them: whitespace, ":", NUL, 257 characters.
    for (const id of ["%20%20", "a%3Ab", "a%00b", "x".repeat(257)]) {
      for (const [method, path, data] of [
        ["GET", `/api/v1/runs/${id}`],
        ["GET", `/api/v1/runs/${id}/trace`],
        ["GET", `/api/v1/runs/${id}/lineage`],
        ["POST", `/api/v1/runs/${id}/cancel`],
        ["POST", `/api/v1/runs/${id}/replay`, { fromStep: "draft-quote" }],
        ["POST", `/api/v1/runs/${id}/replay/preview`, { fromStep: "draft-quote" }],
        ["POST", `/api/v1/approvals/${id}/decision`, { decision: "approve" }],
        ["POST", `/api/v1/admin/api-keys/${id}/revoke`],
        ["PATCH", `/api/v1/admin/users/${id}`, { role: "viewer" }],
        ["POST", `/api/v1/admin/webhooks/${id}/secret`],
        ["POST", `/api/v1/hooks/${id}`, {}],
      ] as const) {
        const response = await request.fetch(path, { method, headers: admin(), ...(data ? { data } : {}) });
        expect(response.status(), `${method} ${path}`).toBe(400);
        expect((await response.json()).error, `${method} ${path}`).toBe("invalid_id");
      }
    }
    const after = (await (await request.get("/api/v1/runs?limit=200", { headers: admin() })).json()).runs.length;
    expect(after).toBe(before);
  });

  test("approvals list and cancel", async ({ request }) => {
    const approvals = await request.get("/api/v1/approvals?status=pending", { headers: admin() });
    expect(approvals.status()).toBe(200);
    expect(Array.isArray((await approvals.json()).approvals)).toBe(true);
    const started = await request.post("/api/v1/runs", { headers: admin(), data: { workflow: wf.name, input: wf.input } });
    const { run } = await started.json();
    const cancel = await request.post(`/api/v1/runs/${run.id}/cancel`, { headers: admin() });
    // A run that already finished cannot be cancelled (409); otherwise it ends as cancelled.
    expect([200, 409]).toContain(cancel.status());
    if (cancel.status() === 200) expect((await cancel.json()).run.status).toBe("cancelled");
  });

  test("roles: a viewer key reads but cannot start runs; a revoked key stops at once", async ({ request }) => {
    const { key, apiKey } = await createKey(request, "viewer");
    expect((await request.get("/api/v1/runs", { headers: auth(key) })).status()).toBe(200);
    const start = await request.post("/api/v1/runs", { headers: auth(key), data: { workflow: wf.name, input: wf.input } });
    expect(start.status()).toBe(403);
    expect((await start.json()).error).toBe("forbidden");
    expect((await request.get("/api/v1/admin/api-keys", { headers: auth(key) })).status()).toBe(403);

    const listed = await (await request.get("/api/v1/admin/api-keys", { headers: admin() })).json();
    const mine = listed.apiKeys.find((k: { id: string }) => k.id === apiKey.id);
    expect(mine.prefix).toBe(key.slice(0, 8));
    expect(JSON.stringify(listed)).not.toContain(key);

    expect((await request.post(`/api/v1/admin/api-keys/${apiKey.id}/revoke`, { headers: admin() })).status()).toBe(200);
    expect((await request.get("/api/v1/runs", { headers: auth(key) })).status()).toBe(401);
  });

  test("console session: login sets an HttpOnly cookie that reads but cannot write; logout ends it", async ({ playwright, baseURL }) => {
    const email = `operator-${unique()}@e2e.test`;
    const password = "operator-password-1";
    const setup = await playwright.request.newContext({ baseURL });
    const created = await setup.post("/api/v1/admin/users", { headers: admin(), data: { email, password, role: "operator" } });
    expect(created.status()).toBe(201);

    const browserish = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
    const wrong = await browserish.post("/api/auth/login", { data: { email, password: "nope-nope" } });
    expect(wrong.status()).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "unauthorized", message: "Wrong email or password." });

    const login = await browserish.post("/api/auth/login", { data: { email, password } });
    expect(login.status()).toBe(200);
    expect(await login.json()).toEqual({ user: { email, role: "operator" } });
    const setCookie = login.headers()["set-cookie"] ?? "";
    expect(setCookie).toMatch(/waymark_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    expect((await browserish.get("/api/v1/runs")).status()).toBe(200);
    const cookieWrite = await browserish.post("/api/v1/runs", { data: { workflow: wf.name, input: wf.input } });
    expect(cookieWrite.status()).toBe(401);

    expect((await browserish.post("/api/auth/logout")).status()).toBe(200);
    expect((await browserish.get("/api/v1/runs")).status()).toBe(401);
    await browserish.dispose();
    await setup.dispose();
  });

  test("login from a foreign or null Origin → 403; repeated failures → 429 with Retry-After", async ({ playwright, baseURL }) => {
    const ctx = await playwright.request.newContext({ baseURL });
    for (const origin of ["https://evil.example", "null"]) {
      const response = await ctx.post("/api/auth/login", { headers: { Origin: origin }, data: { email: "admin@e2e.test", password: "x" } });
      expect(response.status()).toBe(403);
    }
    // A made-up client address keeps this test's failures off 127.0.0.1's per-IP count.
    const headers = { Origin: baseURL!, "X-Forwarded-For": `198.51.100.${Math.floor(Math.random() * 200) + 1}` };
    const email = `locked-${unique()}@e2e.test`;
    for (let i = 0; i < 5; i++) {
      expect((await ctx.post("/api/auth/login", { headers, data: { email, password: `guess-${i}` } })).status()).toBe(401);
    }
    const locked = await ctx.post("/api/auth/login", { headers, data: { email, password: "guess-5" } });
    expect(locked.status()).toBe(429);
    expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);
    expect((await locked.json()).error).toBe("rate_limited");
    await ctx.dispose();
  });

  test("pages redirect to login without a session, even with a forged subrequest header", async ({ request }) => {
    const response = await request.get("/runs?status=failed", {
      maxRedirects: 0,
      headers: { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
    });
    expect(response.status()).toBe(307);
    expect(response.headers()["location"]).toContain("/login?next=%2Fruns%3Fstatus%3Dfailed");
  });

  test("security headers are set and the server does not announce itself", async ({ request }) => {
    const response = await request.get("/api/health");
    const headers = response.headers();
    expect(headers["x-powered-by"]).toBeUndefined();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["cache-control"]).toContain("no-store");
  });
});
