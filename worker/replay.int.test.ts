/**
 * Replay against real worker processes and the real sink: a run fails at step k because of a flag
 * set from outside the worker; once the flag is cleared, its fork from step k reuses the steps
 * before k with no new side effect, and steps k and later each apply exactly one new effect.
 * And a worker that lacks a run's version leaves it queued while the console can tell that no
 * worker has that version.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";
import { replayProbeFlag } from "../lib/testing/fixture-workflows";

describe("replay with real workers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("replay");
  });
  afterAll(async () => h?.close());
  afterEach(async () => h?.killWorkers());

  const statusOf = async (runId: string) => (await h.control.getRun(runId, systemActor)).status;
  const ended = (runId: string, status: string) => h.waitFor(`run ${runId} to be ${status}`, async () => (await statusOf(runId)) === status, 60_000);
  const setFlag = (stepId: string, on: boolean) =>
    on
      ? h.query("INSERT INTO demo_tool_flags (tool) VALUES ($1) ON CONFLICT DO NOTHING", [replayProbeFlag(stepId)])
      : h.query("DELETE FROM demo_tool_flags WHERE tool = $1", [replayProbeFlag(stepId)]);
  /** Applied effects at the sink by step, with how often each was delivered. */
  const effectsOf = async (runId: string) => {
    const rows = await h.query<{ idempotency_key: string; deliveries: number }>(
      "SELECT idempotency_key, deliveries FROM sink_effects WHERE starts_with(idempotency_key, $1)",
      [`${runId}:`],
    );
    return Object.fromEntries(rows.map((row) => [row.idempotency_key.slice(runId.length + 1), row.deliveries]));
  };

  it("a fork from the failed step adds 0 effects for the steps before it and exactly 1 for each step from it on", async () => {
    await h.spawnWorker("replay-1");
    const finished = await h.control.startRun({ workflow: "replay-probe", version: 1, input: { label: "template" } }, systemActor);
    await ended(finished.run.id, "succeeded");

    await setFlag("effect-1", true);
    const { run: source } = await h.control.startRun({ workflow: "replay-probe", version: 1, input: { label: "flagged" } }, systemActor);
    await ended(source.id, "failed");
    const failed = await h.control.getRun(source.id, systemActor);
    expect(failed.steps.map((s) => [s.id, s.status])).toEqual([
      ["prepare", "succeeded"],
      ["effect-0", "succeeded"],
      ["summarise", "succeeded"],
      ["effect-1", "failed"],
    ]);
    expect(failed.error?.message).toContain("flag replay-probe/effect-1 is set");
    expect(await effectsOf(source.id)).toEqual({ "effect-0": 1 });

    await setFlag("effect-1", false);
    const preview = await h.control.previewReplay(source.id, { fromStep: "effect-1" }, systemActor);
    expect(preview.steps.map((s) => `${s.id}:${s.action}${s.sideEffect ? ":side-effect" : ""}`)).toEqual([
      "prepare:reuse",
      "effect-0:reuse:side-effect",
      "summarise:reuse",
      "effect-1:rerun:side-effect",
      "effect-2:likely:side-effect",
    ]);
    expect(preview.totals).toMatchObject({ reusedSteps: 3, rerunSteps: 2, sideEffectSteps: 2, llmCalls: 0 });

    const { run: fork } = await h.control.replayRun(source.id, { fromStep: "effect-1", idempotencyKey: "fix-1" }, systemActor);
    await ended(fork.id, "succeeded");

    // Steps before k: no new effect anywhere (the source's stays delivered once; the fork has none).
    expect(await effectsOf(source.id)).toEqual({ "effect-0": 1 });
    // Steps k and later: exactly one new effect each, under the fork's own idempotency keys.
    expect(await effectsOf(fork.id)).toEqual({ "effect-1": 1, "effect-2": 1 });
    // The LLM call before k was reused, not made again.
    const done = await h.control.getRun(fork.id, systemActor);
    const summary = (run: typeof done) => run.steps.find((s) => s.id === "summarise")?.output;
    expect(summary(done)).toEqual(summary(failed));
    expect(done).toMatchObject({ forkedFromRunId: source.id, forkedAtStep: "effect-1" });
    expect((await h.control.getRunLineage(source.id, systemActor)).forks.map((f) => f.id)).toEqual([fork.id]);
  }, 120_000);

  it("leaves a run queued on a worker that lacks its version, and reports that no worker has it", async () => {
    await h.spawnWorker("lacks-v3", { env: { WAYMARK_FIXTURE_OMIT: "replay-probe@3" } });
    const { run } = await h.control.startRun({ workflow: "replay-probe", version: 3, input: { label: "pinned" } }, systemActor);
    await h.waitFor("the worker to give the run back", async () => {
      const events = await h.query("SELECT 1 FROM run_events WHERE run_id = $1 AND type = 'released'", [run.id]);
      return events.length > 0;
    });
    expect(await statusOf(run.id)).toBe("queued");
    const v3 = await h.waitFor("presence to show version 3 unserved", async () => {
      const coverage = await h.control.listVersionCoverage(systemActor, "replay-probe");
      return coverage.find((v) => v.version === 3 && v.unserved && v.workers === 0);
    });
    expect(v3.inFlight.queued).toBe(1);

    await h.spawnWorker("has-v3");
    await ended(run.id, "succeeded");
    expect(await effectsOf(run.id)).toEqual({ "effect-0": 1, "effect-1": 1, "effect-2": 1, "effect-3": 1 });
    const after = await h.control.listVersionCoverage(systemActor, "replay-probe");
    expect(after.find((v) => v.version === 3)).toMatchObject({ inFlight: { total: 0 }, unserved: false });
  }, 120_000);
});
