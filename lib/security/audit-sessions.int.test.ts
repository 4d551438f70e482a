/**
 * Security checklist through the real route handlers (lib/security/route-testkit.ts):
 *  - S12: login, logout, approve, reject, replay, cancel, key create/revoke and role change each
 *    write exactly one audit row (actor, time, target, decision, payload hash); the database
 *    refuses UPDATE, DELETE and TRUNCATE on it; the API reads it (admins) and answers 405 to writes;
 *  - S29: logout ends the session server-side, every sign-in gets a new session id, idle and
 *    absolute expiry end a session;
 *  - S25: replay and bulk replay answer 429 with Retry-After past their limits, creating nothing;
 *  - S31: OTLP ingest needs a key, health tells only up/down, the only listener outside Next (the
 *    demo LLM provider) binds loopback.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Low limits for this file only (read once, when the configuration is first parsed).
vi.hoisted(() => {
  process.env.WAYMARK_RATE_LIMIT_REPLAYS = "2";
  process.env.WAYMARK_RATE_LIMIT_BULK_REPLAYS = "1";
});

import * as login from "../../app/api/auth/login/route";
import * as logout from "../../app/api/auth/logout/route";
import * as health from "../../app/api/health/route";
import * as revokeKey from "../../app/api/v1/admin/api-keys/[id]/revoke/route";
import * as apiKeys from "../../app/api/v1/admin/api-keys/route";
import * as user from "../../app/api/v1/admin/users/[id]/route";
import * as users from "../../app/api/v1/admin/users/route";
import * as decision from "../../app/api/v1/approvals/[id]/decision/route";
import * as approvals from "../../app/api/v1/approvals/route";
import * as audit from "../../app/api/v1/audit/route";
import * as otlp from "../../app/api/v1/otlp/v1/traces/route";
import * as bulk from "../../app/api/v1/replays/bulk/route";
import * as cancel from "../../app/api/v1/runs/[id]/cancel/route";
import * as replay from "../../app/api/v1/runs/[id]/replay/route";
import * as runs from "../../app/api/v1/runs/route";
import { sha256Hex } from "../auth/tokens";
import { startDemoProvider } from "../demo/provider-server";
import { createRouteTest, type CallResult, type RouteTest } from "./route-testkit";
import { openSecret } from "./secret-box";

/** A keyed digest `<keyId>.<hmac hex>`: a plain sha256 of sealed input would let a dump confirm guesses. */
const KEYED_DIGEST = /^[A-Za-z0-9_-]+\.[0-9a-f]{64}$/;

let r: RouteTest;
const password = "a-long-operator-password";
let email = "";
let userId = "";

beforeAll(async () => {
  r = await createRouteTest("audit_sessions");
  email = `ops-${Date.now()}@example.com`;
  const created = await r.call(users.POST, { key: r.keys.admin, body: { email, password, role: "operator" } });
  expect(created.status).toBe(201);
  userId = created.body.user.id;
});
afterAll(async () => r?.close());

const sessionOf = (response: CallResult) => /waymark_session=([^;]*)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? null;
const signIn = (cookie?: string) =>
  r.call(login.POST, { body: { email, password }, headers: { origin: r.origin }, ...(cookie ? { cookie } : {}) });
const signOut = (cookie: string, origin = r.origin) => r.call(logout.POST, { method: "POST", cookie, headers: { origin } });
const readWith = (cookie: string) => r.call(runs.GET, { cookie });

async function auditRows(action: string) {
  return r.t.query<{ actor: string; target: string | null; data: Record<string, unknown> | null; created_at: Date }>(
    "SELECT actor, target, data, created_at FROM audit_entries WHERE action = $1 ORDER BY id",
    [action],
  );
}

/** Starts an approval-probe run and ticks it until it waits at its gate; returns run and approval ids. */
async function waitingRun(label: string) {
  const started = await r.call(runs.POST, { key: r.keys.operator, body: { workflow: "approval-probe", input: { label } } });
  expect(started.status).toBe(201);
  const runId: string = started.body.run.id;
  expect(await r.t.drive(runId)).toBe("waiting");
  const pending = await r.call(approvals.GET, { key: r.keys.viewer, path: "/api/v1/approvals?status=pending" });
  const approval = (pending.body.approvals as Array<{ id: string; runId: string; payloadHash: string }>).find((a) => a.runId === runId)!;
  return { runId, approvalId: approval.id, payloadHash: approval.payloadHash };
}

describe("S12: the audit log", () => {
  it("gets exactly one row per action, with actor, time, target, decision and payload hash", async () => {
    const signedIn = await signIn();
    expect(signedIn.status).toBe(200);
    const cookie = sessionOf(signedIn)!;

    const key = await r.call(apiKeys.POST, { key: r.keys.admin, body: { name: "ci", role: "viewer" } });
    expect(key.status).toBe(201);
    const keyId: string = key.body.apiKey.id;
    expect((await r.call(revokeKey.POST, { key: r.keys.admin, params: { id: keyId } })).status).toBe(200);
    expect((await r.call(user.PATCH, { method: "PATCH", key: r.keys.admin, params: { id: userId }, body: { role: "approver" } })).status).toBe(200);

    const approved = await waitingRun("approve-me");
    const approve = await r.call(decision.POST, { key: r.keys.approver, params: { id: approved.approvalId }, body: { decision: "approve", comment: "ok" } });
    expect(approve.status).toBe(200);
    expect(await r.t.drive(approved.runId)).toBe("succeeded");
    const rejected = await waitingRun("reject-me");
    expect((await r.call(decision.POST, { key: r.keys.approver, params: { id: rejected.approvalId }, body: { decision: "reject" } })).status).toBe(200);
    const cancelled = await waitingRun("cancel-me");
    expect((await r.call(cancel.POST, { key: r.keys.operator, params: { id: cancelled.runId } })).status).toBe(200);
    const fork = await r.call(replay.POST, { key: r.keys.admin, params: { id: approved.runId }, body: { fromStep: "after" } });
    expect(fork.status).toBe(201);
    expect((await signOut(cookie)).status).toBe(200);

    const expected: Array<[string, string, (row: { actor: string; data: Record<string, unknown> | null }) => void]> = [
      ["login", `email:${email}`, (row) => expect(row.actor).toBe(`user:${userId}`)],
      ["logout", `email:${email}`, (row) => expect(row.actor).toBe(`user:${userId}`)],
      ["api_key_create", `apikey:${keyId}`, (row) => expect(row.actor).toMatch(/^apikey:/)],
      ["api_key_revoke", `apikey:${keyId}`, (row) => expect(row.actor).toMatch(/^apikey:/)],
      ["user_role_change", `user:${userId}`, (row) => expect(row.data).toMatchObject({ from: "operator", to: "approver" })],
      ["approval.approve", approved.approvalId, (row) => {
        expect(row.data).toMatchObject({ decision: "approve", payloadHash: approved.payloadHash, runId: approved.runId });
        expect(row.data?.comment).not.toBe("ok"); // the approver's comment is sealed at rest
        expect(openSecret(String(row.data?.comment))).toBe("ok");
      }],
      ["approval.reject", rejected.approvalId, (row) => expect(row.data).toMatchObject({ decision: "reject", payloadHash: rejected.payloadHash, runId: rejected.runId })],
      ["run.cancel", cancelled.runId, (row) => expect(row.actor).toMatch(/^apikey:/)],
      ["run.replay", fork.body.run.id, (row) => expect(row.data).toMatchObject({ sourceRunId: approved.runId, fromStep: "after", sideEffectSteps: 1, payloadHash: expect.stringMatching(KEYED_DIGEST) })],
    ];
    for (const [action, target, check] of expected) {
      const rows = await auditRows(action);
      expect(rows, action).toHaveLength(1);
      expect(rows[0].target, action).toBe(target);
      expect(rows[0].actor, action).not.toBe("");
      expect(rows[0].created_at, action).toBeInstanceOf(Date);
      check(rows[0]);
      // Never a secret: no password, key, session token or hash in any row.
      const text = JSON.stringify(rows[0]);
      for (const secret of [password, key.body.key, cookie, sha256Hex(cookie)]) expect(text).not.toContain(secret);
    }
    const [start] = await auditRows("run.start");
    expect(start.data).toMatchObject({ workflow: "approval-probe", payloadHash: expect.stringMatching(KEYED_DIGEST) });
  });

  it("is append-only in the database: UPDATE, DELETE and TRUNCATE are refused and change nothing", async () => {
    const before = await r.t.query("SELECT * FROM audit_entries ORDER BY id");
    expect(before.length).toBeGreaterThan(0);
    for (const sql of ["UPDATE audit_entries SET actor = 'someone-else'", "DELETE FROM audit_entries", "TRUNCATE audit_entries"]) {
      await expect(r.t.query(sql), sql).rejects.toThrow(/append-only/);
    }
    expect(await r.t.query("SELECT * FROM audit_entries ORDER BY id")).toEqual(before);
  });

  it("is read through GET /api/v1/audit by admins only; POST, PUT, PATCH and DELETE answer 405 and change nothing", async () => {
    const all = await r.call(audit.GET, { key: r.keys.admin });
    expect(all.status).toBe(200);
    expect(all.body.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["login", "approval.approve", "run.cancel"]));
    const filtered = await r.call(audit.GET, { key: r.keys.admin, path: "/api/v1/audit?action=approval.approve&limit=10" });
    expect(filtered.body.entries).toHaveLength(1);
    expect(filtered.body.entries[0]).toMatchObject({ action: "approval.approve", actor: expect.stringMatching(/^apikey:/), createdAt: expect.any(String) });
    const paged = await r.call(audit.GET, { key: r.keys.admin, path: "/api/v1/audit?limit=2" });
    const next = await r.call(audit.GET, { key: r.keys.admin, path: `/api/v1/audit?limit=2&cursor=${paged.body.nextCursor}` });
    expect(next.body.entries[0].id).not.toBe(paged.body.entries[0].id);
    for (const role of ["viewer", "operator", "approver"] as const) {
      expect((await r.call(audit.GET, { key: r.keys[role] })).status, role).toBe(403);
    }
    expect((await r.call(audit.GET, {})).status).toBe(401);

    const before = await r.counts();
    const rows = await r.t.query("SELECT * FROM audit_entries ORDER BY id");
    for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
      const response = await r.call(audit[method], { method, key: r.keys.admin, body: { actor: "x", action: "login" } });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("GET");
      expect(response.body.error).toBe("method_not_allowed");
    }
    expect(await r.counts()).toEqual(before);
    expect(await r.t.query("SELECT * FROM audit_entries ORDER BY id")).toEqual(rows);
  });
});

describe("S10: racing decisions", () => {
  it("decide once: one 200, every other request 409 naming the winner, one audit row", async () => {
    const { approvalId } = await waitingRun("race");
    const decisions = ["approve", "reject", "approve", "reject", "approve", "reject"] as const;
    const results = await Promise.all(
      decisions.map((d) => r.call(decision.POST, { key: r.keys.approver, params: { id: approvalId }, body: { decision: d } })),
    );
    const winners = results.filter((res) => res.status === 200);
    expect(winners).toHaveLength(1);
    const winning = winners[0].body.approval.status as string;
    for (const loser of results.filter((res) => res.status !== 200)) {
      expect(loser.status).toBe(409);
      expect(loser.body.message).toContain(winning);
    }
    const rows = await r.t.query("SELECT id FROM audit_entries WHERE action LIKE 'approval.%' AND target = $1", [approvalId]);
    expect(rows).toHaveLength(1);
    // Late: a decision after the fact is 409 too, and changes nothing.
    const late = await r.call(decision.POST, { key: r.keys.admin, params: { id: approvalId }, body: { decision: winning === "approved" ? "reject" : "approve" } });
    expect(late.status).toBe(409);
    expect(await r.t.query("SELECT id FROM audit_entries WHERE action LIKE 'approval.%' AND target = $1", [approvalId])).toHaveLength(1);
  });
});

describe("S29: sessions", () => {
  it("rotate at every sign-in, are stored hashed, and end server-side at logout", async () => {
    const planted = "planted-session-token-0123456789";
    const first = await signIn(planted);
    const second = await signIn();
    const [t1, t2] = [sessionOf(first)!, sessionOf(second)!];
    expect(t1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([planted, t1, t2]).size).toBe(3);
    expect(first.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(await r.t.query("SELECT id FROM sessions WHERE token_hash IN ($1, $2)", [t1, t2])).toHaveLength(0);
    expect(await r.t.query("SELECT id FROM sessions WHERE token_hash IN ($1, $2)", [sha256Hex(t1), sha256Hex(t2)])).toHaveLength(2);
    expect((await readWith(planted)).status).toBe(401);
    expect((await readWith(t1)).status).toBe(200);

    // A cross-site logout is refused and ends nothing.
    expect((await signOut(t1, "https://evil.example")).status).toBe(403);
    expect((await readWith(t1)).status).toBe(200);

    const out = await signOut(t1);
    expect(out.status).toBe(200);
    expect(sessionOf(out)).toBe("");
    const after = await readWith(t1);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: "unauthorized" });
    expect(after.body).not.toHaveProperty("runs");
    expect(await r.t.query("SELECT id FROM sessions WHERE token_hash = $1", [sha256Hex(t1)])).toHaveLength(0);
    // The other device's session is untouched.
    expect((await readWith(t2)).status).toBe(200);
    await signOut(t2);
  });

  it("are HttpOnly and SameSite=Lax cookies, Secure behind TLS (S7)", async () => {
    const plain = await signIn();
    const tls = await r.call(login.POST, { body: { email, password }, headers: { origin: r.origin, "x-forwarded-proto": "https" } });
    for (const response of [plain, tls]) {
      expect(response.headers.get("set-cookie")).toMatch(/HttpOnly/i);
      expect(response.headers.get("set-cookie")).toMatch(/SameSite=Lax/i);
    }
    expect(plain.headers.get("set-cookie")).not.toMatch(/;\s*Secure/i);
    expect(tls.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
    for (const response of [plain, tls]) await signOut(sessionOf(response)!);
  });

  it("end after the idle limit and at the absolute expiry", async () => {
    const idle = sessionOf(await signIn())!;
    expect((await readWith(idle)).status).toBe(200);
    // Unused for longer than WAYMARK_SESSION_IDLE_MS (default 2 h).
    await r.t.query("UPDATE sessions SET last_seen_at = now() - interval '2 hours 1 minute' WHERE token_hash = $1", [sha256Hex(idle)]);
    expect((await readWith(idle)).status).toBe(401);
    expect(await r.t.query("SELECT id FROM sessions WHERE token_hash = $1", [sha256Hex(idle)])).toHaveLength(0);

    const old = sessionOf(await signIn())!;
    // Used a moment ago, but past its absolute end (WAYMARK_SESSION_TTL_MS, default 12 h after sign-in).
    await r.t.query("UPDATE sessions SET expires_at = now() - interval '1 second', last_seen_at = now() WHERE token_hash = $1", [sha256Hex(old)]);
    expect((await readWith(old)).status).toBe(401);
    expect(await r.t.query("SELECT id FROM sessions WHERE token_hash = $1", [sha256Hex(old)])).toHaveLength(0);
  });
});

describe("S25: replay rate limits", () => {
  it("answer 429 with Retry-After past the per-key limit of replays and of bulk replays, creating nothing", async () => {
    const source = await waitingRun("replay-limit");
    expect((await r.call(cancel.POST, { key: r.keys.operator, params: { id: source.runId } })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      expect((await r.call(replay.POST, { key: r.keys.operator, params: { id: source.runId }, body: { fromStep: "before" } })).status).toBe(201);
    }
    let before = await r.counts();
    const refused = await r.call(replay.POST, { key: r.keys.operator, params: { id: source.runId }, body: { fromStep: "before" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await r.counts()).toEqual(before);
    // Another key has its own allowance.
    expect((await r.call(replay.POST, { key: r.keys.admin, params: { id: source.runId }, body: { fromStep: "before" } })).status).toBe(201);

    const body = { workflow: "approval-probe", version: 1 };
    expect((await r.call(bulk.POST, { key: r.keys.operator, body })).status).toBeLessThan(300);
    before = await r.counts();
    const bulkRefused = await r.call(bulk.POST, { key: r.keys.operator, body });
    expect(bulkRefused.status).toBe(429);
    expect(Number(bulkRefused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await r.counts()).toEqual(before);
  });
});

describe("S31: internal endpoints", () => {
  it("OTLP ingest needs a key and stores nothing without one; health says only up or down", async () => {
    const [{ n: spansBefore }] = await r.t.query<{ n: number }>("SELECT count(*)::int AS n FROM spans");
    for (const headers of [{}, { authorization: "Bearer wm_forged" }] as Array<Record<string, string>>) {
      const response = await r.call(otlp.POST, { body: { resourceSpans: [] }, headers });
      expect(response.status).toBe(401);
    }
    const [{ n: spansAfter }] = await r.t.query<{ n: number }>("SELECT count(*)::int AS n FROM spans");
    expect(spansAfter).toBe(spansBefore);

    const up = await r.call(health.GET, {});
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: "ok", postgres: "up", redis: "up" });
  });

  it("every listener outside the Next server binds loopback (the worker has no admin or metrics port)", async () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const notLiterallyLoopback: string[] = [];
    const scan = (dir: string) => {
      for (const entry of readdirSync(join(root, dir))) {
        if (["node_modules", "generated", ".next"].includes(entry) || entry.startsWith(".")) continue;
        const path = join(dir, entry);
        if (statSync(join(root, path)).isDirectory()) scan(path);
        else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry)) {
          const calls = [...readFileSync(join(root, path), "utf8").matchAll(/\.listen\(([^)]*)\)/g)].map((m) => m[1]);
          if (calls.some((args) => !args.includes('"127.0.0.1"'))) notLiterallyLoopback.push(path);
          expect(readFileSync(join(root, path), "utf8"), path).not.toMatch(/startDemoProvider\(\{[^}]*\bhost\b/);
        }
      }
    };
    for (const dir of ["lib", "worker"]) scan(dir);
    // The demo provider takes its host as an option whose default is loopback, and no caller sets it.
    expect(notLiterallyLoopback).toEqual(["lib/demo/provider-server.ts"]);
    const provider = await startDemoProvider();
    try {
      expect(new URL(provider.baseUrl).hostname).toBe("127.0.0.1");
    } finally {
      await provider.close();
    }
  });
});
