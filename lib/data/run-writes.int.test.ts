import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { claimForTest, seedRun, sleep, succeededStep } from "../testing/runs";
import { createRunId } from "./ids";
import { cancelRun, claimRun, createRun, findRunsToWake, finishTick, releaseClaim } from "./run-writes";
import { createJournalWriter, loadJournal } from "./journal-writer";
import { decideApproval } from "./approval-store";
import { StaleEpochError } from "./stale-epoch";
import { openJson } from "./sealed";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("run_writes");
});
afterAll(async () => {
  await t?.drop();
});

/** The run's row, its payload columns opened (they are sealed at rest). */
const runRow = async (id: string) => {
  const row = (await t.db.pool.query("SELECT * FROM runs WHERE id = $1", [id])).rows[0] as Record<string, unknown>;
  return { ...row, input: openJson(row.input), output: openJson(row.output), error: openJson(row.error) } as Record<string, unknown>;
};
const eventTypes = async (id: string) =>
  (await t.db.pool.query<{ type: string }>("SELECT type FROM run_events WHERE run_id = $1 ORDER BY id", [id])).rows.map(
    (r) => r.type,
  );

describe("createRun", () => {
  it("creates one run for 20 concurrent requests with the same idempotency key", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        createRun(t.db, {
          id: createRunId(),
          workflowName: "test-flow",
          workflowVersion: 1,
          input: { n: 1 },
          idempotencyKey: "key-concurrent",
          requestedBy: "apikey:k1",
          deadlineAt: null,
        }),
      ),
    );
    expect(new Set(results.map((r) => r.runId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { rows } = await t.db.pool.query("SELECT status FROM runs WHERE idempotency_key = 'key-concurrent'");
    expect(rows).toEqual([{ status: "queued" }]);
    expect(await eventTypes(results[0].runId)).toEqual(["created"]);
  });
});

describe("createRun for a fork", () => {
  it("copies the journal (and approvals) before the chosen step, leaving the original untouched", async () => {
    const source = await seedRun(t.db);
    const { claim, writer } = await claimForTest(t.db, source);
    await writer.complete(succeededStep(0, "fetch", { rates: [1] }));
    await writer.beginWait({
      seq: 1, stepId: "approve", kind: "approval", startedAt: new Date(), wakeAt: null, input: null,
      approval: { summary: "ok?", data: null },
    });
    await finishTick(t.db, { runId: source, epoch: claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: null } });
    const { rows } = await t.db.pool.query<{ id: string }>("SELECT id FROM approvals WHERE run_id = $1", [source]);
    await decideApproval(t.db, { approvalId: rows[0].id, decision: "approve", decidedBy: "ann" });
    const again = await claimForTest(t.db, source);
    await again.writer.complete(succeededStep(2, "send", "sent"));

    const fork = await seedRun(t.db, {
      requestedBy: `replay:${source}`,
      forkedFromRunId: source,
      forkedAtStep: "send",
      copyJournal: { fromRunId: source, beforeSeq: 2 },
    });
    expect((await loadJournal(t.db, fork)).map((e) => [e.seq, e.stepId, e.status])).toEqual([
      [0, "fetch", "succeeded"],
      [1, "approve", "succeeded"],
    ]);
    const approvals = await t.db.pool.query("SELECT run_id, status, decided_by FROM approvals WHERE step_id = 'approve' AND run_id IN ($1, $2) ORDER BY run_id = $1 DESC", [source, fork]);
    expect(approvals.rows).toEqual([
      { run_id: source, status: "approved", decided_by: "ann" },
      { run_id: fork, status: "approved", decided_by: "ann" },
    ]);
    expect(await loadJournal(t.db, source)).toHaveLength(3);
    expect(await runRow(fork)).toMatchObject({ status: "queued", forked_from_run_id: source, forked_at_step: "send" });
  });
});

describe("claimRun and the epoch fence", () => {
  it("lets the current claim write and refuses every write of a superseded claim", async () => {
    const runId = await seedRun(t.db);
    const first = await claimForTest(t.db, runId, { workerId: "w1" });
    expect(first.claim).toMatchObject({ id: runId, workflowName: "test-flow", workflowVersion: 1, epoch: 1 });
    expect(first.claim.recovery).toBeUndefined();
    await first.writer.complete(succeededStep(0, "a", { ok: 1 }));

    // Someone else takes the run over (its lease looked expired to them).
    await t.db.pool.query("UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [runId]);
    const second = await claimForTest(t.db, runId, { workerId: "w2" });
    expect(second.claim.epoch).toBe(2);

    const stale = first.writer;
    await expect(stale.complete(succeededStep(1, "b", "stale"))).rejects.toBeInstanceOf(StaleEpochError);
    await expect(stale.markRunning({ seq: 1, stepId: "b", kind: "step", attempts: 1, startedAt: new Date() })).rejects.toThrow(
      StaleEpochError,
    );
    await expect(stale.heartbeat()).rejects.toMatchObject({ name: "StaleEpochError" });
    await expect(
      stale.beginWait({ seq: 1, stepId: "b", kind: "sleep", startedAt: new Date(), wakeAt: new Date(), input: { ms: 1 } }),
    ).rejects.toThrow(StaleEpochError);
    await expect(finishTick(t.db, { runId, epoch: 1, outcome: { type: "succeeded", output: null } })).rejects.toThrow(
      `Run ${runId} was claimed by another worker or cancelled since epoch 1`,
    );

    await second.writer.complete(succeededStep(1, "b", "fresh"));
    const journal = await loadJournal(t.db, runId);
    expect(journal.map((e) => [e.seq, e.stepId, e.output])).toEqual([
      [0, "a", { ok: 1 }],
      [1, "b", "fresh"],
    ]);
  });

  it("gives a run to exactly one of 10 concurrent claimers", async () => {
    const runId = await seedRun(t.db);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claimRun(t.db, { runId, workerId: `w${i}`, leaseMs: 30_000 })),
    );
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect((await runRow(runId)).epoch).toBe(1);
    expect(await eventTypes(runId)).toEqual(["created", "claimed"]);
  });

  it("counts crashes at the same journal position when it takes over expired leases", async () => {
    const runId = await seedRun(t.db);
    const first = await claimForTest(t.db, runId, { leaseMs: 1 });
    await first.writer.complete(succeededStep(0, "a", 1));
    // The writer extended the lease: expire it the way a dead worker's lease expires.
    await t.db.pool.query("UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [runId]);
    const second = await claimForTest(t.db, runId, { leaseMs: 1 });
    expect(second.claim.recovery).toEqual({ position: 1, crashes: 1 });
    await sleep(20);
    const third = await claimForTest(t.db, runId, { leaseMs: 30_000 });
    expect(third.claim.recovery).toEqual({ position: 1, crashes: 2 });
    expect(await eventTypes(runId)).toEqual(["created", "claimed", "recovered", "recovered"]);

    // Progress past the position starts the count again.
    await third.writer.complete(succeededStep(1, "b", 2));
    await t.db.pool.query("UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1", [runId]);
    expect((await claimForTest(t.db, runId)).claim.recovery).toEqual({ position: 2, crashes: 1 });
  });

  it("does not claim a run whose lease is live, that has ended, or that waits for nothing yet", async () => {
    const live = await seedRun(t.db);
    await claimForTest(t.db, live);
    expect(await claimRun(t.db, { runId: live, workerId: "other", leaseMs: 1000 })).toBeNull();

    const ended = await seedRun(t.db);
    const c = await claimForTest(t.db, ended);
    await finishTick(t.db, { runId: ended, epoch: c.claim.epoch, outcome: { type: "succeeded", output: { done: true } } });
    expect(await claimRun(t.db, { runId: ended, workerId: "other", leaseMs: 1000 })).toBeNull();

    const sleeping = await seedRun(t.db);
    const s = await claimForTest(t.db, sleeping);
    const wakeAt = new Date(Date.now() + 60_000);
    await finishTick(t.db, { runId: sleeping, epoch: s.claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt } });
    expect(await claimRun(t.db, { runId: sleeping, workerId: "other", leaseMs: 1000 })).toBeNull();
  });

  it("releases a claim back to the queue keeping the epoch, so the next claim proceeds", async () => {
    const runId = await seedRun(t.db);
    const { claim } = await claimForTest(t.db, runId);
    expect(await releaseClaim(t.db, { runId, epoch: claim.epoch, status: "queued" })).toEqual({ released: true });
    const row = await runRow(runId);
    expect(row).toMatchObject({ status: "queued", lease_owner: null, epoch: claim.epoch });
    const next = await claimForTest(t.db, runId);
    expect(next.claim.epoch).toBe(claim.epoch + 1);
    expect(next.claim.recovery).toBeUndefined();
  });
});

describe("finishTick", () => {
  it("succeeds a run with its output and totals, clearing the lease and the crash count", async () => {
    const runId = await seedRun(t.db);
    await t.db.pool.query("UPDATE runs SET lease_owner = 'dead', lease_expires_at = now() - interval '1 s', status = 'running' WHERE id = $1", [
      runId,
    ]);
    const { claim, writer } = await claimForTest(t.db, runId);
    expect(claim.recovery).toEqual({ position: 0, crashes: 1 });
    const at = new Date();
    await writer.recordFailedAttempt(
      {
        seq: 0,
        stepId: "draft",
        kind: "llm",
        attempt: 1,
        status: "failed",
        error: { name: "Error", message: "429" },
        startedAt: at,
        finishedAt: at,
        llm: { model: "m", inputTokens: 5, outputTokens: 0, costUsd: 0.001 },
      },
      at,
    );
    await writer.complete({
      seq: 0,
      stepId: "draft",
      kind: "llm",
      status: "succeeded",
      attempts: 2,
      output: { text: "hi" },
      startedAt: at,
      finishedAt: at,
      llm: {
        provider: "openai",
        requestModel: "gpt-4o-mini",
        model: "gpt-4o-mini-2024",
        inputTokens: 10,
        outputTokens: 20,
        costUsd: 0.0125,
        finishReason: "stop",
        latencyMs: 42,
        responseId: "resp_1",
      },
    });
    const result = await finishTick(t.db, { runId, epoch: claim.epoch, outcome: { type: "succeeded", output: { sent: true } } });
    expect(result).toEqual({ status: "succeeded", requeue: false });
    const row = await runRow(runId);
    expect(row).toMatchObject({
      status: "succeeded",
      output: { sent: true },
      lease_owner: null,
      crash_count: 0,
      crash_position: null,
      step_count: 1,
      total_tokens: 35,
      total_cost_usd: "0.013500",
    });
    expect(row.finished_at).toBeInstanceOf(Date);
    const [entry] = await loadJournal(t.db, runId);
    expect(entry.llm).toEqual({
      provider: "openai",
      requestModel: "gpt-4o-mini",
      model: "gpt-4o-mini-2024",
      inputTokens: 10,
      outputTokens: 20,
      costUsd: 0.0125,
      finishReason: "stop",
      latencyMs: 42,
      responseId: "resp_1",
    });
    expect(await eventTypes(runId)).toEqual(["created", "recovered", "succeeded"]);
  });

  it("asks for another tick when an approval was decided while the tick ran", async () => {
    const runId = await seedRun(t.db);
    const { claim, writer } = await claimForTest(t.db, runId);
    await writer.beginWait({
      seq: 0,
      stepId: "approve",
      kind: "approval",
      startedAt: new Date(),
      wakeAt: null,
      input: { summary: "Ship it?" },
      approval: { summary: "Ship it?", data: { total: 3 } },
    });
    const { rows } = await t.db.pool.query<{ id: string }>("SELECT id FROM approvals WHERE run_id = $1", [runId]);
    await decideApproval(t.db, { approvalId: rows[0].id, decision: "approve", decidedBy: "ann@example.com" });
    expect(await runRow(runId)).toMatchObject({ status: "running", needs_tick: true });

    const result = await finishTick(t.db, {
      runId,
      epoch: claim.epoch,
      outcome: { type: "suspended", runStatus: "waiting", wakeAt: null },
    });
    expect(result).toEqual({ status: "queued", requeue: true });
    const next = await claimForTest(t.db, runId);
    expect(next.claim.epoch).toBe(claim.epoch + 1);
    const journal = await loadJournal(t.db, runId);
    expect(journal[0]).toMatchObject({ status: "succeeded", output: { approved: true, reason: "approved", decidedBy: "ann@example.com" } });
  });

  it("schedules a retry: the run stays running without a lease until its wake time", async () => {
    const runId = await seedRun(t.db);
    const { claim } = await claimForTest(t.db, runId);
    const wakeAt = new Date(Date.now() + 60_000);
    expect(await finishTick(t.db, { runId, epoch: claim.epoch, outcome: { type: "suspended", runStatus: "running", wakeAt } })).toEqual({
      status: "running",
      requeue: false,
    });
    expect(await claimRun(t.db, { runId, workerId: "w", leaseMs: 1000 })).toBeNull();
    await t.db.pool.query("UPDATE runs SET wake_at = now() - interval '1 second' WHERE id = $1", [runId]);
    expect(await findRunsToWake(t.db, { staleQueuedMs: 60_000, limit: 1000 })).toContain(runId);
    expect(await claimRun(t.db, { runId, workerId: "w", leaseMs: 1000 })).not.toBeNull();
    expect(await eventTypes(runId)).toEqual(["created", "claimed", "retry_scheduled", "claimed"]);
  });

  it("fails a run with its error (without the stack) and closes its pending approvals", async () => {
    const runId = await seedRun(t.db);
    const { claim, writer } = await claimForTest(t.db, runId);
    await writer.beginWait({
      seq: 0, stepId: "ok?", kind: "approval", startedAt: new Date(), wakeAt: null, input: null,
      approval: { summary: "ok?", data: null },
    });
    await finishTick(t.db, {
      runId,
      epoch: claim.epoch,
      outcome: { type: "failed", error: { name: "TimeoutError", message: "Run timed out", reason: "run_timeout", stack: "at x" } },
    });
    expect((await runRow(runId)).error).toEqual({ name: "TimeoutError", message: "Run timed out", reason: "run_timeout" });
    const { rows } = await t.db.pool.query("SELECT status FROM approvals WHERE run_id = $1", [runId]);
    expect(rows).toEqual([{ status: "expired" }]);
  });
});

describe("cancelRun", () => {
  it("fences out the worker mid-tick, expires pending approvals, and leaves ended runs alone", async () => {
    const runId = await seedRun(t.db);
    const { claim, writer } = await claimForTest(t.db, runId);
    await writer.beginWait({
      seq: 0, stepId: "approve", kind: "approval", startedAt: new Date(), wakeAt: null, input: null,
      approval: { summary: "s", data: null },
    });
    expect(await cancelRun(t.db, { runId, by: "user:ann" })).toEqual({ changed: true });
    await expect(writer.complete(succeededStep(1, "after", 1))).rejects.toThrow(StaleEpochError);
    await expect(finishTick(t.db, { runId, epoch: claim.epoch, outcome: { type: "succeeded", output: 1 } })).rejects.toThrow(
      StaleEpochError,
    );
    expect(await runRow(runId)).toMatchObject({ status: "cancelled", lease_owner: null });
    const { rows } = await t.db.pool.query("SELECT status FROM approvals WHERE run_id = $1", [runId]);
    expect(rows).toEqual([{ status: "expired" }]);
    expect(await cancelRun(t.db, { runId, by: "user:ann" })).toEqual({ changed: false });
    await expect(cancelRun(t.db, { runId: "run_missing", by: "user:ann" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("findRunsToWake", () => {
  it("finds expired leases, due waits, stale queued runs and passed deadlines, and nothing healthy", async () => {
    const expired = await seedRun(t.db);
    await claimForTest(t.db, expired);
    await t.db.pool.query("UPDATE runs SET lease_expires_at = now() - interval '1 s' WHERE id = $1", [expired]);

    const healthy = await seedRun(t.db);
    await claimForTest(t.db, healthy);

    const dueSleep = await seedRun(t.db);
    const s = await claimForTest(t.db, dueSleep);
    await finishTick(t.db, { runId: dueSleep, epoch: s.claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: new Date(Date.now() - 1000) } });

    const futureSleep = await seedRun(t.db);
    const f = await claimForTest(t.db, futureSleep);
    await finishTick(t.db, { runId: futureSleep, epoch: f.claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: new Date(Date.now() + 600_000) } });

    const staleQueued = await seedRun(t.db);
    await t.db.pool.query("UPDATE runs SET updated_at = now() - interval '1 hour' WHERE id = $1", [staleQueued]);
    const freshQueued = await seedRun(t.db);

    const pastDeadline = await seedRun(t.db);
    const d = await claimForTest(t.db, pastDeadline);
    await finishTick(t.db, { runId: pastDeadline, epoch: d.claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: null } });
    await t.db.pool.query("UPDATE runs SET deadline_at = now() - interval '1 s' WHERE id = $1", [pastDeadline]);

    const found = await findRunsToWake(t.db, { staleQueuedMs: 60_000, limit: 1000 });
    expect(found).toEqual(expect.arrayContaining([expired, dueSleep, staleQueued, pastDeadline]));
    expect(found).not.toContain(healthy);
    expect(found).not.toContain(futureSleep);
    expect(found).not.toContain(freshQueued);
    // A run past its deadline must be claimable, so a worker can end it as timed out.
    expect(await claimRun(t.db, { runId: pastDeadline, workerId: "w", leaseMs: 1000 })).not.toBeNull();
  });
});

describe("journal writes", () => {
  it("keep a step that returned null distinct from one that returned nothing, and never reopen an ended step", async () => {
    const runId = await seedRun(t.db);
    const { writer } = await claimForTest(t.db, runId);
    const at = new Date();
    await writer.complete({ seq: 0, stepId: "nothing", kind: "step", status: "succeeded", attempts: 1, startedAt: at, finishedAt: at });
    await writer.complete(succeededStep(1, "null", null, at));
    // A late, un-awaited "running" for an ended step changes nothing.
    void writer.markRunning({ seq: 1, stepId: "null", kind: "step", attempts: 1, startedAt: at });
    await writer.heartbeat();
    const journal = await loadJournal(t.db, runId);
    expect("output" in journal[0]).toBe(false);
    expect(journal[1]).toMatchObject({ status: "succeeded", output: null });
    expect("output" in journal[1]).toBe(true);
  });
});
