/**
 * /api/v1/admin/prices through the real route handlers, API keys and Control over a test database:
 * a viewer reads each model's price in force, scheduled changes and history; an admin schedules a
 * price (the one in force stays until its date, an earlier call keeps its charged price); a price
 * dated in the past, bad numbers and viewers' writes are refused with clear 400/403s.
 */
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, verifyApiKey } from "../../../../../lib/auth/api-keys";
import { priceCallAt } from "../../../../../lib/data/price-store";
import { createApiHandler } from "../../../../../lib/http/api-handler";
import { createInProcess, type InProcess } from "../../../../../lib/testing/in-process";
import { priceRoutes } from "./handlers";

let t: InProcess;
let routes: ReturnType<typeof priceRoutes>;
const keys = { admin: "", viewer: "" };

beforeAll(async () => {
  t = await createInProcess("prices_api");
  const db = t.database.db;
  keys.admin = (await createApiKey(db, { name: "price admin", role: "admin" })).key;
  keys.viewer = (await createApiKey(db, { name: "price viewer", role: "viewer" })).key;
  const apiHandler = createApiHandler({
    authenticateApiKey: (key) => verifyApiKey(db, key),
    authenticateSession: async () => null,
    logger: { error: () => undefined },
  });
  routes = priceRoutes(apiHandler, async () => t.control);
});
afterAll(async () => t?.close());

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(handler: Handler, key: string, body?: unknown) {
  const request = new NextRequest(new URL("/api/v1/admin/prices", "http://localhost:3000"), {
    method: body === undefined ? "GET" : "POST",
    headers: { host: "localhost:3000", authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await handler(request, { params: Promise.resolve({}) });
  return { status: response.status, body: await response.json() };
}

const modelOf = async (name: string) =>
  ((await call(routes.list, keys.viewer)).body.models as Array<{ model: string }>).find((m) => m.model === name) as Record<string, any>;

describe("/api/v1/admin/prices", () => {
  it("lists the seeded prices in force, with the vendor, to a viewer", async () => {
    const listed = await call(routes.list, keys.viewer);
    expect(listed.status).toBe(200);
    const names = listed.body.models.map((m: { model: string }) => m.model);
    expect(names).toEqual(expect.arrayContaining(["gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash", "llama-3.1-8b"]));
    expect(await modelOf("gpt-4o-mini")).toMatchObject({ provider: "openai", current: { inputPerMTok: 0.15, outputPerMTok: 0.6 }, scheduled: [], history: [] });
    expect((await modelOf("claude-sonnet-4")).provider).toBe("anthropic");
    expect((await modelOf("gemini-2.5-pro")).provider).toBe("google");
  });

  it("schedules a future price: the one in force stays, calls before the date keep their price, the change is audited", async () => {
    const from = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const added = await call(routes.add, keys.admin, { model: "GPT-4o-mini", inputPerMTok: 0.3, outputPerMTok: 1.2, cachedInputPerMTok: 0.075, effectiveFrom: from });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.model).toMatchObject({
      model: "gpt-4o-mini",
      current: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      scheduled: [{ inputPerMTok: 0.3, outputPerMTok: 1.2, cachedInputPerMTok: 0.075, effectiveFrom: from, provider: "openai", createdBy: expect.stringMatching(/^apikey:/) }],
    });
    const today = await priceCallAt(t.database.db, { model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 0, at: new Date() });
    expect(today?.costUsd).toBe(0.15);
    const later = await priceCallAt(t.database.db, { model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 0, at: new Date(Date.parse(from) + 1) });
    expect(later?.costUsd).toBe(0.3);

    // Aliases carry over to the new row, so `llama3.1:8b` keeps its price after the change.
    await call(routes.add, keys.admin, { model: "llama-3.1-8b", inputPerMTok: 0.06, outputPerMTok: 0.09 });
    expect(await modelOf("llama-3.1-8b")).toMatchObject({ provider: "meta", aliases: ["llama3.1:8b", "llama3.1-8b"], current: { inputPerMTok: 0.06 }, history: [{ inputPerMTok: 0.05 }] });
    const aliased = await priceCallAt(t.database.db, { model: "llama3.1:8b", inputTokens: 1_000_000, outputTokens: 0, at: new Date() });
    expect(aliased?.costUsd).toBe(0.06);

    // A new price that leaves out the cached-input price keeps the previous one; null removes it.
    await call(routes.add, keys.admin, { model: "gpt-4.1", inputPerMTok: 3, outputPerMTok: 12 });
    expect((await modelOf("gpt-4.1")).current).toMatchObject({ inputPerMTok: 3, cachedInputPerMTok: 0.5 });
    await call(routes.add, keys.admin, { model: "gpt-4.1", inputPerMTok: 3, outputPerMTok: 12, cachedInputPerMTok: null });
    expect((await modelOf("gpt-4.1")).current).toMatchObject({ cachedInputPerMTok: null });

    const audit = await t.query<{ action: string; target: string; data: Record<string, unknown> }>(
      "SELECT action, target, data FROM audit_entries WHERE action = 'model_price.add' ORDER BY id",
    );
    expect(audit.map((row) => row.target)).toEqual(["gpt-4o-mini", "llama-3.1-8b", "gpt-4.1", "gpt-4.1"]);
    expect(audit[0]!.data).toMatchObject({ actorLabel: "price admin", inputPerMTok: 0.3, effectiveFrom: from, before: { inputPerMTok: 0.15, outputPerMTok: 0.6 } });
  });

  it("refuses a price dated in the past, bad numbers and names with 400, and a viewer's write with 403", async () => {
    const past = await call(routes.add, keys.admin, { model: "gpt-4o", inputPerMTok: 1, outputPerMTok: 2, effectiveFrom: "2025-01-01T00:00:00Z" });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ error: "invalid_input", issues: [{ path: "effectiveFrom" }] });
    expect(past.body.message).toContain("in the past");
    expect((await modelOf("gpt-4o")).current).toMatchObject({ inputPerMTok: 2.5 });

    const cases: Array<[unknown, string[]]> = [
      [{ model: "gpt-4o", inputPerMTok: -1, outputPerMTok: 2 }, ["inputPerMTok"]],
      [{ model: "not a model!", inputPerMTok: 1, outputPerMTok: 2 }, ["model"]],
      [{ model: "gpt-4o", inputPerMTok: 1 }, ["outputPerMTok"]],
      [{ model: "gpt-4o", inputPerMTok: 1, outputPerMTok: 2, effectiveFrom: "next tuesday" }, ["effectiveFrom"]],
      [{ model: "gpt-4o", inputPerMTok: 1, outputPerMTok: 2, colour: "blue" }, ["(root)"]],
    ];
    for (const [body, paths] of cases) {
      const response = await call(routes.add, keys.admin, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.issues.map((issue: { path: string }) => issue.path).sort(), JSON.stringify(body)).toEqual(paths);
    }
    const viewerWrite = await call(routes.add, keys.viewer, { model: "gpt-4o", inputPerMTok: 1, outputPerMTok: 2 });
    expect(viewerWrite).toMatchObject({ status: 403, body: { error: "forbidden" } });
  });
});
