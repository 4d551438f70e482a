/**
 * Security checklist through the real route handlers (lib/security/route-testkit.ts):
 *  - S18: malformed ids ("", whitespace, > 256 characters, NUL, ":") answer 400 `invalid_id` on
 *    every route taking one, path or Idempotency-Key, and change nothing;
 *  - a reused Idempotency-Key with another body answers 409 `idempotency_key_reused`; the same
 *    body gets its run back; either way no second run;
 *  - S28: SQL injection payloads in list filters, sort and search params answer 400 or an empty
 *    result, and no table changes;
 *  - S27: every error, 500 included, is `{error, message, requestId}` without stack, SQL, env or hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as hooks from "../../app/api/v1/hooks/[workflow]/route";
import * as webhookSecret from "../../app/api/v1/admin/webhooks/[workflow]/secret/route";
import * as policy from "../../app/api/v1/admin/workflows/[workflow]/policy/route";
import * as revokeKey from "../../app/api/v1/admin/api-keys/[id]/revoke/route";
import * as apiKeys from "../../app/api/v1/admin/api-keys/route";
import * as user from "../../app/api/v1/admin/users/[id]/route";
import * as decision from "../../app/api/v1/approvals/[id]/decision/route";
import * as approvals from "../../app/api/v1/approvals/route";
import * as audit from "../../app/api/v1/audit/route";
import * as otlp from "../../app/api/v1/otlp/v1/traces/route";
import * as bulk from "../../app/api/v1/replays/bulk/route";
import * as cancel from "../../app/api/v1/runs/[id]/cancel/route";
import * as lineage from "../../app/api/v1/runs/[id]/lineage/route";
import * as replayPreview from "../../app/api/v1/runs/[id]/replay/preview/route";
import * as replay from "../../app/api/v1/runs/[id]/replay/route";
import * as run from "../../app/api/v1/runs/[id]/route";
import * as trace from "../../app/api/v1/runs/[id]/trace/route";
import * as runs from "../../app/api/v1/runs/route";
import * as traces from "../../app/api/v1/traces/route";
import * as usage from "../../app/api/v1/usage/route";
import * as workflows from "../../app/api/v1/workflows/route";
import { createControl, createControlDeps } from "../control";
import { createLogger } from "../log/logger";
import { createRouteTest, type CallResult, type RouteFn, type RouteTest } from "./route-testkit";

let r: RouteTest;
let needleRunId = "";

beforeAll(async () => {
  r = await createRouteTest("ids_injection");
  const started = await r.call(runs.POST, { key: r.keys.operator, body: { workflow: "approval-probe", input: { label: "needle-7" } } });
  expect(started.status).toBe(201);
  needleRunId = started.body.run.id;
  expect(await r.t.drive(needleRunId)).toBe("waiting");
  // One span in the trace store, so a search that ignored its filter would have something to leak.
  const span = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc-needle" } }] },
        scopeSpans: [
          {
            scope: { name: "test" },
            spans: [
              {
                traceId: "0af7651916cd43dd8448eb211c80319c",
                spanId: "b7ad6b7169203331",
                name: "chat gpt-4o-mini",
                kind: 3,
                startTimeUnixNano: "1700000000000000000",
                endTimeUnixNano: "1700000001000000000",
                attributes: [{ key: "gen_ai.request.model", value: { stringValue: "gpt-4o-mini" } }],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
  expect((await r.call(otlp.POST, { key: r.keys.viewer, body: span })).status).toBe(200);
});
afterAll(async () => r?.close());

const BAD_IDS = ["", "   ", "\t\n", "x".repeat(257), "run_\u0000x", "run:x", "a:b:c"];

describe("S18: malformed ids", () => {
  it("answer 400 invalid_id on every route taking an id, and change nothing", async () => {
    const before = await r.counts();
    const routes: Array<[string, RouteFn, string, unknown?]> = [
      ["GET run", run.GET, "id"],
      ["GET trace", trace.GET, "id"],
      ["GET lineage", lineage.GET, "id"],
      ["cancel", cancel.POST, "id"],
      ["replay", replay.POST, "id", { fromStep: "before" }],
      ["replay preview", replayPreview.POST, "id", { fromStep: "before" }],
      ["decision", decision.POST, "id", { decision: "approve" }],
      ["revoke key", revokeKey.POST, "id"],
      ["change user", user.PATCH, "id", { role: "viewer" }],
      ["webhook secret", webhookSecret.POST, "workflow"],
      ["workflow policy", policy.PUT, "workflow", { forbidSelfApproval: true }],
      ["webhook delivery", hooks.POST, "workflow", {}],
    ];
    for (const id of BAD_IDS) {
      for (const [name, handler, param, body] of routes) {
        const response = await r.call(handler, {
          method: name === "change user" ? "PATCH" : name === "workflow policy" ? "PUT" : name.startsWith("GET") ? "GET" : "POST",
          key: r.keys.admin,
          params: { [param]: id },
          ...(body === undefined ? {} : { body }),
        });
        expect(response.status, `${name} ${JSON.stringify(id)}`).toBe(400);
        expect(response.body.error, `${name} ${JSON.stringify(id)}`).toBe("invalid_id");
        expect(response.text).not.toContain("\u0000");
      }
    }
    expect(await r.counts()).toEqual(before);
  });

  it("answer 400 invalid_id for a malformed Idempotency-Key on run starts, replays and bulk replays, creating nothing", async () => {
    const before = await r.counts();
    for (const key of ["   ", "k".repeat(257), "tenant:other", "caf\u00e9"]) {
      const headers = { "idempotency-key": key };
      const calls = [
        r.call(runs.POST, { key: r.keys.operator, headers, body: { workflow: "approval-probe", input: { label: "x" } } }),
        r.call(replay.POST, { key: r.keys.operator, headers, params: { id: needleRunId }, body: { fromStep: "before" } }),
        r.call(bulk.POST, { key: r.keys.operator, headers, body: { workflow: "approval-probe", version: 1 } }),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.status, JSON.stringify(key)).toBe(400);
        expect(response.body).toMatchObject({ error: "invalid_id", issues: [{ path: "Idempotency-Key" }] });
      }
    }
    expect(await r.counts()).toEqual(before);
  });

  it("answer 400 invalid_id for a malformed workflow name in a run start or bulk replay body, creating nothing", async () => {
    const before = await r.counts();
    for (const workflow of BAD_IDS.filter((id) => id !== "")) {
      for (const [handler, body] of [
        [runs.POST, { workflow, input: { label: "x" } }],
        [bulk.POST, { workflow, version: 1 }],
      ] as const) {
        const response = await r.call(handler, { key: r.keys.operator, body });
        expect(response.status, JSON.stringify(workflow)).toBe(400);
        // Names over 200 characters fail the body schema first (invalid_input); the rest are invalid ids.
        expect(response.body.error, JSON.stringify(workflow)).toBe(workflow.length > 200 ? "invalid_input" : "invalid_id");
      }
    }
    expect(await r.counts()).toEqual(before);
  });
});

describe("S8, S9, S11: unknown ids and roles", () => {
  it("answer 404 for unknown ids and 403 below the role, writing no audit row and changing nothing", async () => {
    const [approval] = (await r.call(approvals.GET, { key: r.keys.viewer, path: "/api/v1/approvals?status=pending" })).body.approvals;
    const before = await r.counts();
    const refused: Array<[number, RouteFn, { key: string; params?: Record<string, string>; body?: unknown }]> = [
      [404, run.GET, { key: r.keys.viewer, params: { id: "run_of_someone_else" } }],
      [404, cancel.POST, { key: r.keys.operator, params: { id: "run_of_someone_else" } }],
      [404, replay.POST, { key: r.keys.operator, params: { id: "run_of_someone_else" }, body: { fromStep: "before" } }],
      [404, decision.POST, { key: r.keys.approver, params: { id: "apr_of_someone_else" }, body: { decision: "approve" } }],
      [403, cancel.POST, { key: r.keys.viewer, params: { id: needleRunId } }],
      [403, replay.POST, { key: r.keys.viewer, params: { id: needleRunId }, body: { fromStep: "before" } }],
      [403, bulk.POST, { key: r.keys.viewer, body: { workflow: "approval-probe", version: 1 } }],
      [403, decision.POST, { key: r.keys.viewer, params: { id: approval.id }, body: { decision: "approve" } }],
      [403, decision.POST, { key: r.keys.operator, params: { id: approval.id }, body: { decision: "approve" } }],
      [403, apiKeys.POST, { key: r.keys.approver, body: { name: "x", role: "admin" } }],
    ];
    for (const [status, handler, options] of refused) {
      const response = await r.call(handler, options);
      expect(response.status, response.text).toBe(status);
      expect(response.body.error).toBe(status === 404 ? "not_found" : "forbidden");
    }
    expect(await r.counts()).toEqual(before);
  });
});

describe("Idempotency-Key", () => {
  it("returns the same run for the same body, and 409 idempotency_key_reused for another body", async () => {
    const headers = { "idempotency-key": "order-4711" };
    const body = { workflow: "approval-probe", input: { label: "first" } };
    const first = await r.call(runs.POST, { key: r.keys.operator, headers, body });
    expect(first.status).toBe(201);
    const afterFirst = await r.counts();

    const same = await r.call(runs.POST, { key: r.keys.operator, headers, body: { input: { label: "first" }, workflow: "approval-probe" } });
    expect(same.status).toBe(200);
    expect(same.body.run.id).toBe(first.body.run.id);

    for (const other of [
      { workflow: "approval-probe", input: { label: "second" } },
      { workflow: "reorder-probe", input: {} },
      { workflow: "approval-probe", version: 1, input: { label: "first" }, budget: { maxCostUsd: 1 } },
    ]) {
      const reused = await r.call(runs.POST, { key: r.keys.operator, headers, body: other });
      if (other.budget) {
        // Budgets are not compared (an approver may raise the stored one): same run back.
        expect(reused.status).toBe(200);
        continue;
      }
      expect(reused.status, JSON.stringify(other)).toBe(409);
      expect(reused.body).toMatchObject({ error: "idempotency_key_reused", message: expect.stringContaining(first.body.run.id) });
    }
    expect(await r.counts()).toEqual(afterFirst);
  });
});

describe("S20: schema violations", () => {
  it("refuse extra fields and wrong types with 400 naming the field; __proto__ pollutes nothing", async () => {
    const before = await r.counts();
    const extra = await r.call(runs.POST, { key: r.keys.operator, body: '{"workflow":"approval-probe","input":{"label":"x"},"__proto__":{"polluted":true}}' });
    expect(extra.status).toBe(400);
    const wrongType = await r.call(runs.POST, { key: r.keys.operator, body: { workflow: "approval-probe", input: { label: 7 } } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.issues).toEqual([expect.objectContaining({ path: "input.label" })]);
    const unknown = await r.call(runs.POST, { key: r.keys.operator, body: { workflow: "no-such-workflow", input: {} } });
    expect(unknown.status).toBe(404);
    expect(await r.counts()).toEqual(before);

    // Inside the input, "__proto__" is data: the run starts, nothing is polluted, and it is not stored.
    const nested = await r.call(runs.POST, { key: r.keys.operator, body: '{"workflow":"approval-probe","input":{"label":"p","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}' });
    expect(nested.status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const [stored] = await r.t.query<{ input: string }>("SELECT input::text AS input FROM runs WHERE id = $1", [nested.body.run.id]);
    expect(stored.input).not.toContain("polluted");
  });
});

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE runs; --",
  "1; DELETE FROM audit_entries",
  '") OR ("1"="1',
  "%' OR '%'='",
  "x' UNION SELECT key_hash, key_hash FROM api_keys --",
  "$1",
  "\\",
  "1 OR 1=1",
  "status DESC; UPDATE users SET role='admin'",
];

/** A filter with an injection payload: refused (400) or matching nothing. */
const emptyOrRefused = (response: CallResult, list: string) => {
  if (response.status === 200) {
    expect(response.body[list], response.text).toEqual([]);
  } else {
    expect(response.status, response.text).toBe(400);
    expect(response.body.error).toMatch(/^invalid_/);
  }
};

describe("S28: injection payloads in filters, sort and search", () => {
  it("answer 400 or an empty result on runs, traces, approvals, audit and usage, and change nothing", async () => {
    // The filters work: each finds its row (so an empty answer below means "no match", not "broken").
    expect((await r.call(runs.GET, { key: r.keys.viewer, path: "/api/v1/runs?search=needle-7" })).body.runs).toHaveLength(1);
    expect((await r.call(traces.GET, { key: r.keys.viewer, path: "/api/v1/traces?service=svc-needle" })).body.traces).toHaveLength(1);
    const unfilteredTraces = (await r.call(traces.GET, { key: r.keys.viewer })).body.traces;

    const before = await r.counts();
    for (const payload of INJECTIONS) {
      const q = encodeURIComponent(payload);
      for (const param of ["workflow", "search", "status", "version", "createdAfter", "limit", "cursor"]) {
        emptyOrRefused(await r.call(runs.GET, { key: r.keys.viewer, path: `/api/v1/runs?${param}=${q}` }), "runs");
      }
      // Sort/order parameters do not exist: 400 naming them, rather than silently ignored.
      for (const param of ["sort", "order", "orderBy"]) {
        const response = await r.call(runs.GET, { key: r.keys.viewer, path: `/api/v1/runs?${param}=${q}` });
        expect(response.status).toBe(400);
        expect(response.body.message).toContain(param);
      }
      for (const param of ["service", "model", "status", "limit", "cursor"]) {
        emptyOrRefused(await r.call(traces.GET, { key: r.keys.viewer, path: `/api/v1/traces?${param}=${q}` }), "traces");
      }
      // The trace search ignores parameters it does not know: the same answer as without it.
      expect((await r.call(traces.GET, { key: r.keys.viewer, path: `/api/v1/traces?sort=${q}` })).body.traces).toEqual(unfilteredTraces);
      emptyOrRefused(await r.call(approvals.GET, { key: r.keys.viewer, path: `/api/v1/approvals?status=${q}` }), "approvals");
      for (const param of ["action", "limit", "cursor", "actor", "sort"]) {
        emptyOrRefused(await r.call(audit.GET, { key: r.keys.admin, path: `/api/v1/audit?${param}=${q}` }), "entries");
      }
      // An unknown parameter (sort) is refused like a bad value.
      for (const param of ["groupBy", "from", "to", "workflow", "version", "model", "sort"]) {
        emptyOrRefused(await r.call(usage.GET, { key: r.keys.viewer, path: `/api/v1/usage?${param}=${q}` }), "rows");
      }
    }
    expect(await r.counts()).toEqual(before);
    // Nothing else was reached either: the key hashes never show up in any answer.
    const hashes = await r.t.query<{ key_hash: string }>("SELECT key_hash FROM api_keys");
    const everything = await r.call(runs.GET, { key: r.keys.viewer, path: `/api/v1/runs?search=${encodeURIComponent(INJECTIONS[5])}` });
    for (const { key_hash } of hashes) expect(everything.text).not.toContain(key_hash);
  });
});

const FORBIDDEN_IN_ERRORS = [/\bat .+\(.+:\d+:\d+\)/, /node_modules/, /SELECT |INSERT |UPDATE |DELETE FROM/i, /postgres(ql)?:\/\//, /redis:\/\//, /127\.0\.0\.1/, /"stack"/];

function expectCleanError(response: CallResult, status: number) {
  expect(response.status, response.text).toBe(status);
  expect(Object.keys(response.body).sort()).toEqual(expect.arrayContaining(["error", "message", "requestId"]));
  for (const key of Object.keys(response.body)) expect(["error", "message", "requestId", "issues"]).toContain(key);
  expect(response.headers.get("x-request-id")).toBe(response.body.requestId);
  for (const pattern of FORBIDDEN_IN_ERRORS) expect(response.text, String(pattern)).not.toMatch(pattern);
}

describe("S27: error responses", () => {
  it("are {error, message, requestId} in every route family, with no stack, SQL, env values or hosts", async () => {
    expectCleanError(await r.call(runs.GET, {}), 401);
    expectCleanError(await r.call(runs.GET, { key: "wm_not_a_key" }), 401);
    expectCleanError(await r.call(runs.POST, { key: r.keys.viewer, body: { workflow: "approval-probe", input: {} } }), 403);
    expectCleanError(await r.call(run.GET, { key: r.keys.viewer, params: { id: "run_missing" } }), 404);
    expectCleanError(await r.call(runs.POST, { key: r.keys.operator, body: '{"workflow": "approval-probe", "input": SELECT 1' }), 400);
    expectCleanError(await r.call(runs.POST, { key: r.keys.operator, body: "workflow=x", headers: { "content-type": "text/plain" } }), 415);
    expectCleanError(await r.call(runs.POST, { key: r.keys.operator, body: { workflow: "approval-probe", input: { label: "x".repeat(300 * 1024) } } }), 413);
    expect((await r.call(cancel.POST, { key: r.keys.operator, params: { id: needleRunId } })).status).toBe(200);
    expectCleanError(await r.call(cancel.POST, { key: r.keys.operator, params: { id: needleRunId } }), 409);
    expectCleanError(await r.call(decision.POST, { key: r.keys.approver, params: { id: "apr_missing" }, body: { decision: "approve" } }), 404);
    expectCleanError(await r.call(apiKeys.POST, { key: r.keys.admin, body: { name: "x", role: "root" } }), 400);
    expectCleanError(await r.call(audit.DELETE, { key: r.keys.admin, method: "DELETE" }), 405);
    expectCleanError(await r.call(hooks.POST, { params: { workflow: "approval-probe" }, body: {} }), 404);
    expectCleanError(await r.call(otlp.POST, { key: r.keys.viewer, body: "not protobuf", headers: { "content-type": "application/x-protobuf" } }), 400);
  });

  it("turn a database failure into a 500 that names only the request id (details stay in the server log)", async () => {
    // A Control whose database pool is closed: every query fails inside the handlers.
    const deps = createControlDeps(r.t.config, createLogger({ name: "broken", level: "error" }), { applicationName: "broken" });
    await deps.db.close();
    const key = Symbol.for("waymark.control");
    const holder = globalThis as Record<symbol, unknown>;
    const working = holder[key];
    holder[key] = { deps, control: createControl(deps) };
    try {
      for (const [handler, options] of [
        [runs.GET, { key: r.keys.viewer }],
        [runs.POST, { key: r.keys.operator, body: { workflow: "approval-probe", input: { label: "x" } } }],
        [run.GET, { key: r.keys.viewer, params: { id: needleRunId } }],
        [approvals.GET, { key: r.keys.viewer }],
        [workflows.GET, { key: r.keys.viewer }],
        [traces.GET, { key: r.keys.viewer }],
        [audit.GET, { key: r.keys.admin }],
      ] as const) {
        const response = await r.call(handler as RouteFn, options);
        expectCleanError(response, 500);
        expect(response.body).toEqual({
          error: "internal",
          message: `Internal error; see the server log for request ${response.body.requestId}.`,
          requestId: response.body.requestId,
        });
      }
    } finally {
      holder[key] = working;
      await deps.close().catch(() => undefined);
    }
  });
});
