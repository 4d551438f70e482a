/**
 * /api/v1/budgets through the real route handlers, API keys and Control over a test database:
 * admins create, change and delete budgets and set the alert endpoint (secret shown once); viewers
 * read budgets with their current usage but write nothing (403); bad input is a 400 naming each field.
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, verifyApiKey } from "../../../../lib/auth/api-keys";
import { createApiHandler } from "../../../../lib/http/api-handler";
import { createInProcess, type InProcess } from "../../../../lib/testing/in-process";
import { budgetRoutes } from "./handlers";

let t: InProcess;
let routes: ReturnType<typeof budgetRoutes>;
const keys = { admin: "", viewer: "" };

beforeAll(async () => {
  t = await createInProcess("budgets_api");
  const db = t.database.db;
  keys.admin = (await createApiKey(db, { name: "budget admin", role: "admin" })).key;
  keys.viewer = (await createApiKey(db, { name: "budget viewer", role: "viewer" })).key;
  const apiHandler = createApiHandler({
    authenticateApiKey: (key) => verifyApiKey(db, key),
    authenticateSession: async () => null,
    logger: { error: () => undefined },
  });
  routes = budgetRoutes(apiHandler, async () => t.control);
});
afterAll(async () => t?.close());

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: Handler, key: string, init: { method?: string; body?: unknown; params?: Record<string, string> } = {}) {
  const request = new NextRequest(new URL("/api/v1/budgets", "http://localhost:3000"), {
    method: init.method ?? "GET",
    headers: { host: "localhost:3000", authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const response = await handler(request, { params: Promise.resolve(init.params ?? {}) });
  return { status: response.status, body: await response.json() };
}

const workflow = () => t.control.listWorkflows({ kind: "system", id: "t", label: "t", role: "admin" }).then((list) => list[0]!.name);

describe("/api/v1/budgets", () => {
  it("lets an admin create, change and delete a budget, and a viewer read it with its usage", async () => {
    const name = await workflow();
    const created = await call(routes.create, keys.admin, { method: "POST", body: { scope: "workflow-day", workflow: name, limitUsd: 5 } });
    expect(created.status).toBe(201);
    expect(created.body.policy).toMatchObject({
      id: `workflow-day:${name}`,
      limitUsd: 5,
      limitTokens: null,
      onExceed: "pause",
      alertThresholds: [0.8],
      current: { spentUsd: 0, usedFraction: 0, ledgerId: expect.stringMatching(new RegExp(`^workflow-day:${name}:\\d{4}-\\d{2}-\\d{2}$`)) },
    });

    const again = await call(routes.create, keys.admin, { method: "POST", body: { scope: "workflow-day", workflow: name, limitUsd: 1 } });
    expect(again.status).toBe(409);

    const changed = await call(routes.update, keys.admin, { method: "PATCH", body: { limitTokens: 1000, alertThresholds: [0.9, 0.5, 0.9] }, params: { id: `workflow-day:${name}` } });
    expect(changed.status).toBe(200);
    expect(changed.body.policy).toMatchObject({ limitUsd: 5, limitTokens: 1000, alertThresholds: [0.5, 0.9] });

    const listed = await call(routes.list, keys.viewer);
    expect(listed.status).toBe(200);
    expect(listed.body.policies).toEqual([expect.objectContaining({ id: `workflow-day:${name}`, current: expect.objectContaining({ limitTokens: 1000 }) })]);

    expect((await call(routes.remove, keys.admin, { method: "DELETE", params: { id: `workflow-day:${name}` } })).status).toBe(200);
    expect((await call(routes.remove, keys.admin, { method: "DELETE", params: { id: `workflow-day:${name}` } })).status).toBe(404);
    expect((await call(routes.list, keys.viewer)).body.policies).toEqual([]);
  });

  it("answers bad input with 400 and the path of each bad field", async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ scope: "workflow-week", limitUsd: 1 }, ["scope"]],
      [{ scope: "workflow-day", limitUsd: -1 }, ["limitUsd", "workflow"]],
      [{ scope: "global-day", limitUsd: 1, alertThresholds: [1.5] }, ["alertThresholds.0"]],
      [{ scope: "global-day" }, ["limitUsd"]],
      [{ scope: "global-day", limitTokens: 1.5 }, ["limitTokens"]],
      [{ scope: "global-day", workflow: "x", limitTokens: 5 }, ["workflow"]],
      [{ scope: "global-day", limitUsd: 1, extra: true }, ["(root)"]],
    ];
    for (const [body, paths] of cases) {
      const response = await call(routes.create, keys.admin, { method: "POST", body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ error: "invalid_input", requestId: expect.any(String) });
      expect(response.body.issues.map((issue: { path: string }) => issue.path).sort(), JSON.stringify(body)).toEqual(paths);
    }
    const unknownWorkflow = await call(routes.create, keys.admin, { method: "POST", body: { scope: "workflow-month", workflow: "no-such-flow", limitUsd: 1 } });
    expect(unknownWorkflow.status).toBe(404);
    const badId = await call(routes.update, keys.admin, { method: "PATCH", body: { limitUsd: 1 }, params: { id: "workflow-week:x" } });
    expect(badId.status).toBe(404);
    const emptyPatch = await call(routes.update, keys.admin, { method: "PATCH", body: {}, params: { id: "global-day" } });
    expect(emptyPatch.status).toBe(400);
    const badUrl = await call(routes.saveAlertEndpoint, keys.admin, { method: "PUT", body: { url: "ftp://example.com/x" } });
    expect(badUrl).toMatchObject({ status: 400, body: { issues: [{ path: "url" }] } });
  });

  it("refuses writes from a viewer with 403, and shows the alert endpoint to admins only", async () => {
    const viewerCreate = await call(routes.create, keys.viewer, { method: "POST", body: { scope: "global-day", limitUsd: 1 } });
    expect(viewerCreate).toMatchObject({ status: 403, body: { error: "forbidden" } });
    expect((await call(routes.saveAlertEndpoint, keys.viewer, { method: "PUT", body: { url: "https://alerts.example.com/x" } })).status).toBe(403);
    expect((await call(routes.getAlertEndpoint, keys.viewer)).status).toBe(403);
    expect((await call(routes.list, keys.viewer)).body.policies).toEqual([]);

    const set = await call(routes.saveAlertEndpoint, keys.admin, { method: "PUT", body: { url: "https://alerts.example.com/hooks/T0K3N" } });
    expect(set.status).toBe(200);
    expect(set.body.secret).toMatch(/^whsec_/);
    const read = await call(routes.getAlertEndpoint, keys.admin);
    expect(read.body.endpoint).toMatchObject({ urlOrigin: "https://alerts.example.com", urlHasPath: true, enabled: true });
    expect(JSON.stringify(read.body)).not.toContain(set.body.secret);
    expect(JSON.stringify(read.body)).not.toContain("T0K3N");
    const disabled = await call(routes.saveAlertEndpoint, keys.admin, { method: "PUT", body: { enabled: false } });
    expect(disabled.body).toMatchObject({ secret: null, endpoint: { enabled: false } });
    const audit = await t.query<{ action: string; data: unknown }>("SELECT action, data FROM audit_entries WHERE action LIKE 'alert_endpoint.%'");
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain(set.body.secret);
  });
});
