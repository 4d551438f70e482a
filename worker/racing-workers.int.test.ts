/** Two workers race for the same runs: a run is never executed by two workers at once. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";

describe("two racing workers", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("racing", { WAYMARK_WORKER_CONCURRENCY: "8" });
  });
  afterAll(async () => h?.close());

  it("never executes one run's steps concurrently, and applies each effect once", async () => {
    await Promise.all([h.spawnWorker("racer-a"), h.spawnWorker("racer-b")]);
    const RUNS = 30;
    const STEPS = 5;
    for (let i = 0; i < RUNS; i++) {
      await h.control.startRun({ workflow: "durable-chain", input: { steps: STEPS, delayMs: 30 } }, systemActor);
    }
    await h.waitFor("all runs to succeed", async () => {
      const [{ n }] = await h.query<{ n: number }>("SELECT count(*)::int AS n FROM runs WHERE status = 'succeeded'");
      return n === RUNS;
    });

    const effects = await h.query<{ key: string; deliveries: number; worker: string; started: string; ended: string }>(
      `SELECT idempotency_key AS key, deliveries, payload->>'worker' AS worker,
              payload->>'startedAt' AS started, payload->>'endedAt' AS ended
         FROM sink_effects WHERE channel = 'chain'`,
    );
    expect(effects).toHaveLength(RUNS * STEPS);
    expect(effects.every((e) => e.deliveries === 1)).toBe(true);
    expect(new Set(effects.map((e) => e.worker))).toEqual(new Set(["racer-a", "racer-b"]));

    // Within a run, steps run one after another: no two step executions overlap in time.
    const byRun = new Map<string, { start: number; end: number; worker: string }[]>();
    for (const e of effects) {
      const runId = e.key.split(":")[0];
      byRun.set(runId, [...(byRun.get(runId) ?? []), { start: Number(e.started), end: Number(e.ended), worker: e.worker }]);
    }
    for (const [runId, spans] of byRun) {
      spans.sort((a, b) => a.start - b.start);
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i].start, `run ${runId}: step ${i} started before step ${i - 1} ended`).toBeGreaterThanOrEqual(spans[i - 1].end);
      }
    }
  }, 180_000);
});
