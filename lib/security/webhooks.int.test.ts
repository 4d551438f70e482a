/**
 * Signed webhooks (S13–S17): a delivery starts a run only with a valid Standard Webhooks signature
 * over the raw bytes and a timestamp within 5 minutes; a replayed `webhook-id` starts nothing new;
 * rotation accepts the current and the previous secret, and no older one. Every refusal leaves
 * the runs table as it was.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../control/types";
import type { AppError } from "../errors/app-error";
import { createInProcess, type InProcess } from "../testing/in-process";
import { issueWebhookSecretForWorkflow } from "./webhook-admin";
import { acceptWebhookDelivery } from "./webhook-delivery";
import { listWebhookSecrets, webhookSecretsFor } from "./webhook-secrets";
import { openJson } from "./secret-box";

let t: InProcess;
const admin: Actor = { kind: "user", id: "usr_admin", label: "admin@example.com", role: "admin" };
const operator: Actor = { kind: "user", id: "usr_op", label: "op@example.com", role: "operator" };
const WORKFLOW = "noop-chain";
let secret: string;

function signed(body: string, options: { id?: string; at?: Date; secret?: string } = {}) {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = options.at ?? new Date();
  const signature = new Webhook(options.secret ?? secret).sign(id, at, body);
  const headers = new Headers({
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  });
  return { id, headers, bytes: new TextEncoder().encode(body) };
}

const deliver = (bytes: Uint8Array, headers: Headers, workflow = WORKFLOW) =>
  acceptWebhookDelivery({ db: t.database.db, control: t.control }, workflow, bytes, headers);

async function refusal(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  )) as AppError;
  return { status: error.status, code: error.code };
}

const runCount = async () => Number((await t.query<{ n: string }>("SELECT count(*) AS n FROM runs"))[0].n);

beforeAll(async () => {
  t = await createInProcess("webhooks");
  ({ secret } = await issueWebhookSecretForWorkflow({ db: t.database.db, control: t.control }, admin, WORKFLOW));
});
afterAll(async () => t?.close());

describe("webhook secrets", () => {
  it("are whsec_ secrets of 32 random bytes, shown once and never listed", async () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await listWebhookSecrets(t.database.db, admin);
    expect(listed).toEqual([expect.objectContaining({ workflow: WORKFLOW, previousActive: false })]);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
  });

  it("can only be issued by an admin, for a registered workflow", async () => {
    const deps = { db: t.database.db, control: t.control };
    expect(await refusal(issueWebhookSecretForWorkflow(deps, operator, WORKFLOW))).toMatchObject({ status: 403 });
    expect(await refusal(issueWebhookSecretForWorkflow(deps, admin, "no-such-workflow"))).toMatchObject({ status: 404 });
    expect(await webhookSecretsFor(t.database.db, "no-such-workflow")).toEqual([]);
  });
});

describe("webhook deliveries", () => {
  it("start a run with the body as input (created once per webhook-id)", async () => {
    const body = JSON.stringify({ steps: 2 });
    const first = signed(body);
    const result = await deliver(first.bytes, first.headers);
    expect(result.created).toBe(true);
    const [run] = await t.query<{ input: unknown; requested_by: string }>("SELECT input, requested_by FROM runs WHERE id = $1", [result.runId]);
    expect({ ...run, input: openJson(run!.input) }).toEqual({ input: { steps: 2 }, requested_by: `webhook:${WORKFLOW}` });

    // S16: the same delivery again (a sender retry or an attacker's replay) starts nothing new.
    const before = await runCount();
    const again = await deliver(first.bytes, first.headers);
    expect(again).toEqual({ runId: result.runId, created: false });
    expect(await runCount()).toBe(before);
  });

  it("S13: refuse a delivery missing any signature header with 400, creating nothing", async () => {
    const before = await runCount();
    for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
      const d = signed(JSON.stringify({ steps: 1 }));
      d.headers.delete(header);
      expect(await refusal(deliver(d.bytes, d.headers))).toEqual({ status: 400, code: "missing_signature_headers" });
    }
    expect(await runCount()).toBe(before);
  });

  it("S14: refuse a bad signature or a body changed by one byte with 401", async () => {
    const before = await runCount();
    const d = signed(JSON.stringify({ steps: 1 }));
    const tampered = new TextEncoder().encode(JSON.stringify({ steps: 9 }));
    expect(await refusal(deliver(tampered, d.headers))).toEqual({ status: 401, code: "invalid_signature" });
    // Re-serialised JSON (a space added) is a different body: the HMAC is over the raw bytes.
    expect(await refusal(deliver(new TextEncoder().encode('{"steps": 1}'), d.headers))).toEqual({ status: 401, code: "invalid_signature" });
    const other = signed(JSON.stringify({ steps: 1 }), { secret: "whsec_" + Buffer.alloc(32, 7).toString("base64") });
    expect(await refusal(deliver(other.bytes, other.headers))).toEqual({ status: 401, code: "invalid_signature" });
    expect(await runCount()).toBe(before);
  });

  it("S15: refuse timestamps more than 5 minutes old or ahead with 401", async () => {
    const before = await runCount();
    for (const offsetMs of [-6 * 60_000, 6 * 60_000]) {
      const d = signed(JSON.stringify({ steps: 1 }), { at: new Date(Date.now() + offsetMs) });
      expect(await refusal(deliver(d.bytes, d.headers))).toEqual({ status: 401, code: "timestamp_out_of_tolerance" });
    }
    expect(await runCount()).toBe(before);
  });

  it("S18: refuse malformed webhook ids with 400", async () => {
    const before = await runCount();
    for (const id of ["a b", "x".repeat(151), "caf\u00e9"]) {
      const d = signed(JSON.stringify({ steps: 1 }), { id });
      expect(await refusal(deliver(d.bytes, d.headers))).toMatchObject({ status: 400 });
    }
    expect(await runCount()).toBe(before);
  });

  it("answer 404 for a workflow without a webhook secret", async () => {
    const d = signed(JSON.stringify({ label: "x" }));
    expect(await refusal(deliver(d.bytes, d.headers, "durable-chain"))).toMatchObject({ status: 404 });
  });

  it("refuse a signed body that is not JSON or fails the workflow's input schema, creating nothing", async () => {
    const before = await runCount();
    const bad = signed("{not json");
    expect(await refusal(deliver(bad.bytes, bad.headers))).toMatchObject({ status: 400, code: "invalid_json" });
    const wrong = signed(JSON.stringify({ steps: "many" }));
    expect(await refusal(deliver(wrong.bytes, wrong.headers))).toMatchObject({ status: 400 });
    expect(await runCount()).toBe(before);
  });

  it("S17: after a rotation both the new and the previous secret work; after another, the oldest stops", async () => {
    const deps = { db: t.database.db, control: t.control };
    const oldest = secret;
    const { secret: middle } = await issueWebhookSecretForWorkflow(deps, admin, WORKFLOW);
    const body = JSON.stringify({ steps: 1 });
    for (const s of [oldest, middle]) {
      const d = signed(body, { secret: s });
      expect((await deliver(d.bytes, d.headers)).created).toBe(true);
    }
    const { secret: newest } = await issueWebhookSecretForWorkflow(deps, admin, WORKFLOW);
    const stale = signed(body, { secret: oldest });
    expect(await refusal(deliver(stale.bytes, stale.headers))).toEqual({ status: 401, code: "invalid_signature" });
    for (const s of [middle, newest]) {
      const d = signed(body, { secret: s });
      expect((await deliver(d.bytes, d.headers)).created).toBe(true);
    }
    secret = newest;
    const audit = await t.query<{ action: string }>(
      "SELECT action FROM audit_entries WHERE action LIKE 'webhook_secret_%' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(["webhook_secret_create", "webhook_secret_rotate", "webhook_secret_rotate"]);
    const dump = JSON.stringify(await t.query("SELECT * FROM audit_entries"));
    for (const s of [oldest, middle, newest]) expect(dump).not.toContain(s.slice(6));
  });
});

describe("webhook rate limit", () => {
  it("S25: answers 429 with Retry-After past the per-workflow limit and starts nothing", async () => {
    const limited = { db: t.database.db, control: t.control, rateLimit: { limit: 2, windowSeconds: 365 * 24 * 3600 } };
    // Its own workflow key, so the other tests' deliveries don't count.
    ({ secret } = await issueWebhookSecretForWorkflow({ db: t.database.db, control: t.control }, admin, "durable-chain"));
    const body = JSON.stringify({ steps: 1, delayMs: 0 });
    for (let i = 0; i < 2; i++) {
      const d = signed(body);
      expect((await acceptWebhookDelivery(limited, "durable-chain", d.bytes, d.headers)).created).toBe(true);
    }
    const before = await runCount();
    const d = signed(body);
    const error = (await acceptWebhookDelivery(limited, "durable-chain", d.bytes, d.headers).catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ status: 429, code: "rate_limited" });
    expect(error.details?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await runCount()).toBe(before);
  });
});
