/**
 * Bulk replay: every failed run of a version in a time range, each from its failed step, with the
 * preview's totals, a limit, runs already replayed left out, and an audit row.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDemoToolFailing } from "../demo/tool-flag-store";
import { createInProcess, type InProcess } from "../testing/in-process";
import { replayProbeFlag } from "../testing/fixture-workflows";
import { systemActor } from "./authorize";
import type { Actor } from "./types";

let t: InProcess;
const operator: Actor = { kind: "apikey", id: "key_ops", label: "ops key", role: "operator" };
const failedIds: string[] = [];
let rangeStart: Date;

async function startAndDrive(label: string, failAt?: string) {
  if (failAt) await setDemoToolFailing(t.database.db.pool, replayProbeFlag(failAt), true);
  try {
    const { run } = await t.control.startRun({ workflow: "replay-probe", version: 1, input: { label } }, systemActor);
    await t.drive(run.id);
    return run.id;
  } finally {
    if (failAt) await setDemoToolFailing(t.database.db.pool, replayProbeFlag(failAt), false);
  }
}

beforeAll(async () => {
  t = await createInProcess("bulk_replay");
  await startAndDrive("too-early", "effect-1"); // created before the range
  const [{ now }] = await t.query<{ now: Date }>("SELECT clock_timestamp() AS now");
  rangeStart = now;
  await startAndDrive("ok");
  failedIds.push(await startAndDrive("a", "effect-1"));
  failedIds.push(await startAndDrive("b", "effect-2"));
  failedIds.push(await startAndDrive("c", "effect-1"));
});
afterAll(async () => t?.close());

describe("bulk replay", () => {
  it("previews the failed runs in the range, each from its failed step, with totals and the limit", async () => {
    const preview = await t.control.previewBulkReplay({ workflow: "replay-probe", version: 1, createdAfter: rangeStart, limit: 2 }, operator);
    expect(preview.runs.map((r) => [r.runId, r.fromStep.id])).toEqual([
      [failedIds[0], "effect-1"],
      [failedIds[1], "effect-2"],
    ]);
    expect(preview).toMatchObject({ targetVersion: 1, limit: 2, truncated: true, skipped: [], alreadyReplayed: 0 });
    // Run a: effect-1 again + effect-2 likely; run b: effect-2 again.
    expect(preview.totals).toEqual({ runs: 2, reusedSteps: 3 + 4, rerunSteps: 2 + 1, sideEffectSteps: 3, llmCalls: 0, estimatedCostUsd: 0, approvals: 0 });

    const all = await t.control.previewBulkReplay({ workflow: "replay-probe", version: 1, createdAfter: rangeStart }, operator);
    expect(all.runs.map((r) => r.runId)).toEqual(failedIds);
    expect(all.truncated).toBe(false);
  });

  it("forks every failed run once, audits it, and leaves replayed runs out of the next bulk replay", async () => {
    const result = await t.control.bulkReplay({ workflow: "replay-probe", version: 1, createdAfter: rangeStart, idempotencyKey: "bulk-1" }, operator);
    expect(result.forks.map((f) => [f.sourceRunId, f.created])).toEqual(failedIds.map((id) => [id, true]));
    for (const fork of result.forks) expect(await t.drive(fork.runId)).toBe("succeeded");
    const forked = await t.query<{ forked_from_run_id: string; forked_at_step: string }>(
      "SELECT forked_from_run_id, forked_at_step FROM runs WHERE forked_from_run_id IS NOT NULL ORDER BY created_at",
    );
    expect(forked).toEqual([
      { forked_from_run_id: failedIds[0], forked_at_step: "effect-1" },
      { forked_from_run_id: failedIds[1], forked_at_step: "effect-2" },
      { forked_from_run_id: failedIds[2], forked_at_step: "effect-1" },
    ]);
    const audit = await t.query<{ action: string }>("SELECT action FROM audit_entries WHERE action LIKE 'run.replay%' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(["run.replay.bulk", "run.replay", "run.replay", "run.replay"]);

    const retried = await t.control.bulkReplay({ workflow: "replay-probe", version: 1, createdAfter: rangeStart, idempotencyKey: "bulk-1" }, operator);
    expect(retried.forks.map((f) => [f.runId, f.created])).toEqual(result.forks.map((f) => [f.runId, false]));

    const next = await t.control.previewBulkReplay({ workflow: "replay-probe", version: 1, createdAfter: rangeStart }, operator);
    expect(next).toMatchObject({ runs: [], alreadyReplayed: 3 });
  });

  it("skips a run that cannot be replayed onto the target version, saying why", async () => {
    const preview = await t.control.previewBulkReplay({ workflow: "replay-probe", version: 1, targetVersion: 2 }, operator);
    expect(preview.runs).toEqual([]);
    expect(preview.skipped).toHaveLength(1); // the run created before the range (the others were replayed)
    expect(preview.skipped[0].reason).toContain('"summarise" (llm) at position 1');
  });

  it("refuses a limit above the maximum and an unknown version", async () => {
    await expect(t.control.previewBulkReplay({ workflow: "replay-probe", version: 1, limit: 501 }, operator)).rejects.toMatchObject({ status: 400 });
    await expect(t.control.previewBulkReplay({ workflow: "replay-probe", version: 7 }, operator)).rejects.toMatchObject({ status: 404 });
    await expect(
      t.control.bulkReplay({ workflow: "replay-probe", version: 1 }, { ...operator, role: "viewer" }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
