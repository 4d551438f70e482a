/**
 * Issue #7, S17 and S22: payloads and secrets are encrypted at rest. A real worker process runs a
 * workflow whose input, step outputs, LLM prompt, approval payload, decision comment and errors
 * carry canaries; a `pg_dump` of the database then holds none of them (spans included), while the
 * use cases still hand the plaintext to an authorised reader. Also: key rotation, an unknown key
 * id, tampered ciphertext, webhook and alert signing secrets.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createHarness, systemActor, type Harness } from "../testing/harness";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { TEST_ENCRYPTION_KEYS } from "../testing/encryption-keys";
import { claimForTest, seedRun } from "../testing/runs";
import { finishTick } from "../data/run-writes";
import { resealAll } from "../data/reseal";
import { appendAudit, listAuditEntries, RETIRED_KEY_COMMENT } from "../data/audit-store";
import { getRunView, listRunSummaries } from "../data/run-queries";
import { alertDestination, saveAlertEndpoint } from "../alerts/endpoint-store";
import { generateKeyEntry, parseKeyRing, sealedKeyId, useKeyRing } from "./secret-box";
import { issueWebhookSecret, webhookSecretsFor } from "./webhook-secrets";

/** A canary that does not look like a secret: readable by an authorised reader, absent from the dump. */
const NOTE = `CANARYNOTE${randomBytes(6).toString("hex")}`;
/** A canary shaped like an API key: also redacted from spans. */
const SECRET = `sk-CANARY-${randomBytes(12).toString("hex")}`;
/** How a key-like secret reads to people (console, API): opened from the box, then redacted. */
const SHOWN = "[REDACTED]";

function pgDump(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return execFileSync(
    "pg_dump",
    ["-h", url.hostname, "-p", url.port || "5432", "-U", decodeURIComponent(url.username) || "postgres", url.pathname.slice(1)],
    { maxBuffer: 512 * 1024 * 1024 },
  ).toString("utf8");
}

describe("encryption at rest with a real worker (S22)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("at_rest");
    await h.spawnWorker("w1");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("leaves no canary in a database dump, while the API still returns the plaintext", async () => {
    const input = { note: NOTE, secret: SECRET };
    const ok = (await h.control.startRun({ workflow: "canary-probe", input }, systemActor)).run;
    const failing = (await h.control.startRun({ workflow: "canary-probe", input: { ...input, fail: true } }, systemActor)).run;
    const pending = await h.waitFor("both approvals", async () => {
      const approvals = (await h.control.listApprovals({ status: "pending" }, systemActor)).filter((a) => [ok.id, failing.id].includes(a.runId));
      return approvals.length === 2 && approvals;
    });

    // The approver is shown the plaintext, and the stale-view check still works (hash of the plaintext).
    for (const approval of pending) {
      expect(approval.summary).toBe(`Send to ${NOTE}?`);
      expect(approval.data).toEqual({ note: NOTE, secret: SHOWN });
      await expect(
        h.control.decideApproval(approval.id, { decision: "approve", payloadHash: "0".repeat(64) }, systemActor),
      ).rejects.toMatchObject({ status: 409 });
      await h.control.decideApproval(approval.id, { decision: "approve", comment: `fine by ${NOTE} ${SECRET}`, payloadHash: approval.payloadHash }, systemActor);
    }
    await h.waitFor("both runs to end", async () => {
      const [a, b] = await Promise.all([h.control.getRun(ok.id, systemActor), h.control.getRun(failing.id, systemActor)]);
      return a.status === "succeeded" && b.status === "failed";
    });

    // Every table, spans and the audit log included.
    const dump = pgDump(h.config.DATABASE_URL);
    expect(dump).toContain(ok.id); // the dump has the runs…
    expect(dump).toContain("wmenc1."); // …with sealed payloads…
    expect(dump).not.toContain(NOTE); // …and none of the canaries
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain("CANARY");
    const spans = await h.query<{ n: number }>("SELECT count(*)::int AS n FROM spans WHERE run_id = ANY($1)", [[ok.id, failing.id]]);
    expect(spans[0]!.n).toBeGreaterThan(0); // the spans are in the dump too

    // An authorised reader gets the plaintext back through the use cases, key-like secrets redacted.
    const run = await h.control.getRun(ok.id, systemActor);
    expect(run.input).toEqual({ note: NOTE, secret: SHOWN, fail: false });
    expect(run.output).toEqual({ sentTo: NOTE, approved: true });
    const step = (id: string) => run.steps.find((s) => s.id === id)!;
    expect(step("echo").output).toEqual({ note: NOTE, secret: SHOWN });
    expect(step("flaky").attemptHistory[0]!.error?.message).toBe(`upstream refused the key ${SHOWN}`);
    expect(JSON.stringify(step("draft").input)).toContain(NOTE);
    expect(step("review").approval).toMatchObject({ summary: `Send to ${NOTE}?`, comment: `fine by ${NOTE} ${SHOWN}`, status: "approved" });
    expect(step("review").output).toMatchObject({ approved: true, comment: `fine by ${NOTE} ${SHOWN}` });
    const failed = await h.control.getRun(failing.id, systemActor);
    expect(failed.error?.message).toBe(`delivery with ${SHOWN} was refused`);
  }, 120_000);
});

describe("keys and secrets at rest", () => {
  let t: TestDatabase;
  const testRing = parseKeyRing(TEST_ENCRYPTION_KEYS);
  beforeAll(async () => {
    t = await createTestDatabase("at_rest_keys");
  });
  afterAll(async () => {
    useKeyRing(testRing);
    await t?.drop();
  });
  const rawInput = async (runId: string) =>
    (await t.db.pool.query<{ input: unknown }>("SELECT input FROM runs WHERE id = $1", [runId])).rows[0]!.input;

  it("rotation: rows written with key A still open once the ring is B,A; new rows use B; an unknown key id is a clear error", async () => {
    const keyA = generateKeyEntry("keyA");
    const keyB = generateKeyEntry("keyB");
    useKeyRing(parseKeyRing(keyA));
    const old = await seedRun(t.db, { input: { note: NOTE } });
    expect(sealedKeyId(await rawInput(old))).toBe("keyA");

    useKeyRing(parseKeyRing(`${keyB},${keyA}`));
    expect((await getRunView(t.db, old))!.input).toEqual({ note: NOTE });
    const fresh = await seedRun(t.db, { input: { note: "new" } });
    expect(sealedKeyId(await rawInput(fresh))).toBe("keyB");

    useKeyRing(parseKeyRing(keyB));
    await expect(getRunView(t.db, old)).rejects.toThrowError(/sealed with key "keyA", which is not in WAYMARK_ENCRYPTION_KEYS/);
    expect((await getRunView(t.db, fresh))!.input).toEqual({ note: "new" });
  });

  it("rotate-keys re-seals every row with the active key, after which the old key can go", async () => {
    // its own database: every row in it must be readable with the ring below
    const own = await createTestDatabase("at_rest_reseal");
    const t = { db: own.db };
    onTestFinished(() => own.drop());
    const keyA = generateKeyEntry("oldA");
    const keyB = generateKeyEntry("newB");
    useKeyRing(parseKeyRing(keyA));
    const runId = await seedRun(t.db, { input: { note: NOTE } });
    const { claim, writer } = await claimForTest(t.db, runId);
    const at = new Date();
    await writer.complete({ seq: 0, stepId: "s", kind: "step", status: "succeeded", attempts: 1, input: { a: 1 }, output: { note: NOTE }, startedAt: at, finishedAt: at });
    await writer.beginWait({ seq: 1, stepId: "gate", kind: "approval", input: null, startedAt: at, wakeAt: null, approval: { summary: `ok ${NOTE}?`, data: { note: NOTE } } });
    await finishTick(t.db, { runId, epoch: claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: null } });
    const failedRun = await seedRun(t.db, { input: {} });
    const failedClaim = await claimForTest(t.db, failedRun);
    await finishTick(t.db, { runId: failedRun, epoch: failedClaim.claim.epoch, outcome: { type: "failed", error: { name: "Error", message: `no ${NOTE}` } } });
    await issueWebhookSecret(t.db, systemActor, "rotating-hook");
    await appendAudit(t.db, { actor: "user:ann", action: "approval.approve", target: "apr_x", data: { comment: `fine ${NOTE}`, actorLabel: "ann" } });
    await t.db.pool.query(`UPDATE runs SET output = '{"legacy": true}'::jsonb WHERE id = $1`, [runId]); // from before encryption

    useKeyRing(parseKeyRing(`${keyB},${keyA}`));
    const report = await resealAll(t.db);
    expect(report.skipped).toBe(0);
    expect(report.resealed).toMatchObject({ "runs.input": expect.any(Number), "runs.output": expect.any(Number), "journal_entries.output": expect.any(Number), "approvals.summary": expect.any(Number), "webhook_secrets.secret": 1 });
    expect((await resealAll(t.db)).resealed).toEqual({}); // nothing left to do

    useKeyRing(parseKeyRing(keyB));
    const view = (await getRunView(t.db, runId))!;
    expect(view).toMatchObject({ input: { note: NOTE }, output: { legacy: true } });
    expect(view.steps[0]!.output).toEqual({ note: NOTE });
    expect(view.steps[1]!.approval).toMatchObject({ summary: `ok ${NOTE}?`, data: { note: NOTE } });
    expect(await webhookSecretsFor(t.db, "rotating-hook")).toHaveLength(1);
    expect((await getRunView(t.db, failedRun))!.error?.message).toBe(`no ${NOTE}`);
    // the audit log is append-only: its comments keep their key, and read as such once it is gone
    expect((await listAuditEntries(t.db))[0]!.data).toEqual({ comment: RETIRED_KEY_COMMENT, actorLabel: "ann" });
    useKeyRing(parseKeyRing(`${keyB},${keyA}`));
    expect((await listAuditEntries(t.db))[0]!.data).toEqual({ comment: `fine ${NOTE}`, actorLabel: "ann" });
    expect((await listRunSummaries(t.db, { search: NOTE })).items.map((r) => r.id)).toEqual([runId]);
  });

  it("the runs search finds sealed inputs by whole words (blind index), also after a key rotation, and never by ciphertext", async () => {
    const keyA = generateKeyEntry("searchA");
    useKeyRing(parseKeyRing(keyA));
    const runId = await seedRun(t.db, { workflowName: "searchable", input: { customer: `Zebra Logistics ${NOTE}`, lane: "HAM-NYC" } });
    const found = async (search: string) => (await listRunSummaries(t.db, { workflow: "searchable", search })).items.map((r) => r.id);
    expect(await found(`zebra ${NOTE.toLowerCase()}`)).toEqual([runId]);
    expect(await found("ham-nyc")).toEqual([runId]);
    expect(await found("zebra elephants")).toEqual([]);
    const sealed = (await rawInput(runId)) as string;
    expect(await found(sealed.slice(20, 28))).toEqual([]);
    const index = JSON.stringify((await t.db.pool.query("SELECT input_search FROM runs WHERE id = $1", [runId])).rows[0]);
    expect(index.toLowerCase()).not.toContain("zebra");
    useKeyRing(parseKeyRing(`${generateKeyEntry("searchB")},${keyA}`));
    expect(await found("Zebra Logistics")).toEqual([runId]);
  });

  it("refuses ciphertext altered in the database (GCM tag) instead of returning garbage", async () => {
    useKeyRing(testRing);
    const runId = await seedRun(t.db, { input: { amount: 10 } });
    const sealed = (await rawInput(runId)) as string;
    const parts = sealed.split(".");
    const ciphertext = Buffer.from(parts[4]!, "base64url");
    ciphertext[0] ^= 0x01; // e.g. {"amount":10} → {#amount":10}
    parts[4] = ciphertext.toString("base64url");
    await t.db.pool.query("UPDATE runs SET input = to_jsonb($2::text) WHERE id = $1", [runId, parts.join(".")]);
    await expect(getRunView(t.db, runId)).rejects.toThrowError(/failed authentication/);
  });

  it("reads rows stored before encryption as they are", async () => {
    useKeyRing(testRing);
    const runId = await seedRun(t.db, { input: { legacy: true } });
    await t.db.pool.query(`UPDATE runs SET input = '{"legacy": "plaintext"}'::jsonb WHERE id = $1`, [runId]);
    expect((await getRunView(t.db, runId))!.input).toEqual({ legacy: "plaintext" });
  });

  it("S17: webhook and alert signing secrets are sealed; after a rotation both webhook secrets are still accepted", async () => {
    useKeyRing(testRing);
    const first = await issueWebhookSecret(t.db, systemActor, "canary-probe");
    const second = await issueWebhookSecret(t.db, systemActor, "canary-probe");
    expect(second.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await webhookSecretsFor(t.db, "canary-probe")).toEqual([second.secret, first.secret]);
    const saved = await saveAlertEndpoint(t.db.pool, { url: "https://alerts.example.com/hook" }, "user:admin");
    const alertSecret = "secret" in saved ? saved.secret! : "";
    expect(alertSecret).toMatch(/^whsec_/);
    expect(await alertDestination(t.db.pool)).toEqual({ url: "https://alerts.example.com/hook", secret: alertSecret });

    const dump = pgDump(t.url);
    for (const secret of [first.secret, second.secret, alertSecret]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice("whsec_".length, 20));
    }
  });
});
