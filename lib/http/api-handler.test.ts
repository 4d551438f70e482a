import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Actor } from "../control/types";
import { AppError, conflict } from "../errors/app-error";
import { createApiHandler, json, type ApiHandlerDeps } from "./api-handler";
import { idempotencyKeyFrom } from "./api-schemas";
import { pathId } from "./params";

const keys: Record<string, Actor> = {
  "wm_viewer": { kind: "apikey", id: "key_v", label: "viewer key", role: "viewer" },
  "wm_operator": { kind: "apikey", id: "key_o", label: "operator key", role: "operator" },
};
const sessions: Record<string, Actor> = { "session-ok": { kind: "user", id: "usr_1", label: "a@example.com", role: "approver" } };
const logged: Array<{ message: string; fields: Record<string, unknown> }> = [];
const deps: ApiHandlerDeps = {
  authenticateApiKey: async (key) => keys[key] ?? null,
  authenticateSession: async (token) => sessions[token] ?? null,
  publicUrl: () => "https://console.example.com",
  logger: { error: (message, fields) => logged.push({ message, fields }) },
};
const apiHandler = createApiHandler(deps);
const noParams = { params: Promise.resolve({}) };

function request(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}) {
  return new NextRequest(new URL(path, "http://localhost:3000"), {
    method: init.method ?? "GET",
    headers: { host: "localhost:3000", ...init.headers },
    body: init.body,
    ...(init.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as ConstructorParameters<typeof NextRequest>[1]);
}

const jsonPost = (body: BodyInit, headers: Record<string, string> = {}) =>
  request("/api/x", { method: "POST", body, headers: { authorization: "Bearer wm_operator", "content-type": "application/json", ...headers } });

const echo = apiHandler({ auth: "write", minRole: "operator", body: z.strictObject({ input: z.object({ weightKg: z.number() }) }) }, async ({ body }) =>
  json({ got: body }),
);

describe("apiHandler: authentication and roles", () => {
  const read = apiHandler({ auth: "read" }, async ({ actor }) => json({ who: actor.label }));

  it("answers 401 JSON without credentials, with a request id", async () => {
    const response = await read(request("/api/v1/runs"), noParams);
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body).toMatchObject({ error: "unauthorized", requestId: response.headers.get("x-request-id") });
    expect(body.message).toContain("Authorization: Bearer");
  });

  it("answers 401 for a wrong key and a malformed Authorization header, never falling back to the cookie", async () => {
    for (const authorization of ["Bearer wm_wrong", "Basic dXNlcjpwYXNz", "Bearer", "wm_viewer"]) {
      const response = await read(request("/x", { headers: { authorization, cookie: "waymark_session=session-ok" } }), noParams);
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe("unauthorized");
    }
  });

  it("accepts a valid key or a session cookie for reads", async () => {
    expect(await (await read(request("/x", { headers: { authorization: "Bearer wm_viewer" } }), noParams)).json()).toEqual({ who: "viewer key" });
    expect(await (await read(request("/x", { headers: { cookie: "waymark_session=session-ok" } }), noParams)).json()).toEqual({ who: "a@example.com" });
    const expired = await read(request("/x", { headers: { cookie: "waymark_session=gone" } }), noParams);
    expect(expired.status).toBe(401);
    expect((await expired.json()).message).toContain("session has ended");
  });

  it("refuses cookie-only writes (CSRF) with 401", async () => {
    const response = await echo(
      request("/x", { method: "POST", headers: { cookie: "waymark_session=session-ok", "content-type": "application/json" }, body: "{}" }),
      noParams,
    );
    expect(response.status).toBe(401);
    expect((await response.json()).message).toContain("needs an API key");
  });

  it("answers 403 naming the role needed when the role is too low", async () => {
    const response = await echo(jsonPost("{}", { authorization: "Bearer wm_viewer" }), noParams);
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body.error).toBe("forbidden");
    expect(body.message).toContain('"operator"');
  });

  it("ignores x-middleware-subrequest (CVE-2025-29927): still 401", async () => {
    const response = await read(request("/x", { headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } }), noParams);
    expect(response.status).toBe(401);
  });
});

describe("apiHandler: session-write Origin check", () => {
  const login = apiHandler({ auth: "session-write" }, async ({ actor }) => json({ actor: actor?.label ?? null }));
  const post = (headers: Record<string, string>) => login(request("/api/auth/login", { method: "POST", headers }), noParams);

  it("accepts this host's Origin and the public URL", async () => {
    expect((await post({ origin: "http://localhost:3000" })).status).toBe(200);
    expect((await post({ origin: "https://console.example.com" })).status).toBe(200);
    expect(await (await post({ origin: "http://localhost:3000", cookie: "waymark_session=session-ok" })).json()).toEqual({ actor: "a@example.com" });
  });

  it("refuses Origin: null, foreign origins and a missing Origin with 403", async () => {
    const cases: Record<string, string>[] = [{ origin: "null" }, { origin: "https://evil.example" }, { origin: "http://localhost:3000.evil.example" }, {}];
    for (const headers of cases) {
      const response = await post(headers);
      expect(response.status).toBe(403);
      expect((await response.json()).error).toBe("forbidden");
    }
  });
});

describe("apiHandler: bodies", () => {
  it("parses a valid body", async () => {
    const response = await echo(jsonPost(JSON.stringify({ input: { weightKg: 3 } })), noParams);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: { input: { weightKg: 3 } } });
  });

  it("answers 400 naming each invalid field, the first in the message", async () => {
    const response = await echo(jsonPost(JSON.stringify({ input: { weightKg: "heavy" }, extra: 1 })), noParams);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toBe("invalid_input");
    expect(body.message).toMatch(/input\.weightKg: .*expected number, received string/i);
    expect(body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["input.weightKg", "(root)"]));
  });

  it("answers 400 invalid_json for broken or empty JSON", async () => {
    for (const text of ['{"input": ', ""]) {
      const response = await echo(jsonPost(text), noParams);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe("invalid_json");
    }
  });

  it("answers 400 for JSON nested deeper than 64 levels, and accepts 64", async () => {
    const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    const deep = await echo(jsonPost(`{"input":${nested(64)}}`), noParams);
    expect(deep.status).toBe(400);
    expect((await deep.json()).message).toContain("deeper than 64");
    const ok = await apiHandler({ auth: "write", body: z.unknown() }, async () => json({}))(jsonPost(nested(64)), noParams);
    expect(ok.status).toBe(200);
    // Brackets inside strings do not count.
    const quoted = await echo(jsonPost(JSON.stringify({ input: { weightKg: 1, note: "[".repeat(200) } })), noParams);
    expect(quoted.status).toBe(200);
  });

  it("answers 413 with the limit, by Content-Length and while streaming", async () => {
    const big = JSON.stringify({ input: { weightKg: 1, pad: "x".repeat(300 * 1024) } });
    const declared = await echo(jsonPost(big), noParams);
    expect(declared.status).toBe(413);
    const body = await declared.json();
    expect(body.error).toBe("payload_too_large");
    expect(body.message).toContain("256 KB");

    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(10 * 1024).fill(0x20));
        controller.close();
      },
    });
    const streamed = await echo(jsonPost(stream as unknown as BodyInit), noParams);
    expect(streamed.status).toBe(413);
  });

  it("answers 415 when the body is not declared as JSON", async () => {
    const response = await echo(jsonPost("{}", { "content-type": "text/plain" }), noParams);
    expect(response.status).toBe(415);
    expect((await response.json()).error).toBe("unsupported_media_type");
  });
});

describe("apiHandler: errors", () => {
  it("maps AppError to its status and code, with Retry-After on 429", async () => {
    const limited = apiHandler({ auth: "none" }, async () => {
      throw new AppError("rate_limited", 429, "Slow down.", { retryAfterSeconds: 42.2 });
    });
    const response = await limited(request("/x"), noParams);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("43");
    expect(await response.json()).toMatchObject({ error: "rate_limited", message: "Slow down." });

    const decided = apiHandler({ auth: "none" }, async () => {
      throw conflict("Approval apr_1 was already approved by bob at 2030-01-01T00:00:00Z.", { decidedBy: "bob" });
    });
    const body = await (await decided(request("/x"), noParams)).json();
    expect(body).toEqual({ error: "conflict", message: expect.stringContaining("already approved by bob"), requestId: expect.any(String) });
  });

  it("turns any other error into a 500 without details, logging it with the request id", async () => {
    const boom = apiHandler({ auth: "none" }, async () => {
      throw new Error('relation "runs" does not exist; password=hunter2 at SELECT * FROM runs');
    });
    const response = await boom(request("/x", { headers: { "x-request-id": "req-from-proxy-123" } }), noParams);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/hunter2|SELECT|relation|stack|at /);
    expect(JSON.parse(text)).toEqual({
      error: "internal",
      message: "Internal error; see the server log for request req-from-proxy-123.",
      requestId: "req-from-proxy-123",
    });
    expect(logged.at(-1)?.fields).toMatchObject({ requestId: "req-from-proxy-123", error: { message: expect.stringContaining("hunter2") } });
  });

  it("answers 400 invalid_id for malformed path ids and Idempotency-Keys, before the handler runs (S18)", async () => {
    let reached = 0;
    const getRun = apiHandler({ auth: "none" }, async ({ params }) => {
      const id = pathId(params.id, "Run");
      reached++;
      return json({ id });
    });
    for (const id of ["", " ", "\t \n", "a:b", "x".repeat(257), "a\u0000b"]) {
      const response = await getRun(request("/x"), { params: Promise.resolve({ id }) });
      expect(response.status, JSON.stringify(id)).toBe(400);
      const body = await response.json();
      expect(body).toMatchObject({ error: "invalid_id", requestId: expect.any(String) });
      expect(body.message).not.toContain("\u0000");
    }
    expect(reached).toBe(0);
    expect((await getRun(request("/x"), { params: Promise.resolve({ id: "run_01ABC" }) })).status).toBe(200);
    expect((await getRun(request("/x"), { params: Promise.resolve({ id: "x".repeat(256) }) })).status).toBe(200);

    const start = apiHandler({ auth: "none" }, async ({ request: r }) => json({ key: idempotencyKeyFrom(r.headers) ?? null }));
    for (const key of [" ", "a:b", "k".repeat(257), "caf\u00e9"]) {
      const response = await start(request("/x", { headers: { "idempotency-key": key } }), noParams);
      expect(response.status, JSON.stringify(key)).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_id", issues: [{ path: "Idempotency-Key" }] });
    }
    expect(await (await start(request("/x", { headers: { "idempotency-key": "quote-acme-42" } }), noParams)).json()).toEqual({ key: "quote-acme-42" });
  });

  it("validates query strings, splitting comma lists", async () => {
    const list = apiHandler({ auth: "none", query: z.object({ limit: z.coerce.number().int().max(200).optional() }) }, async ({ query }) => json(query));
    expect(await (await list(request("/x?limit=5"), noParams)).json()).toEqual({ limit: 5 });
    const bad = await list(request("/x?limit=abc"), noParams);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("limit");
  });
});
