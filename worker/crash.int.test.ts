/**
 * Durability under SIGKILL: 50 runs of a side-effecting workflow while the worker is killed at
 * random moments at least 10 times and restarted. Every run must succeed, every step's effect
 * must be applied exactly once at the sink, and the journal must have no gaps. Re-deliveries
 * (the at-least-once window between an effect and its journal write) can only come from steps
 * that were in flight at a kill, so they are bounded by kills × concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";

const RUNS = 50;
const STEPS = 6;
const CONCURRENCY = 5;
const MIN_KILLS = 10;

describe("worker SIGKILL mid-run", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("crash", {
      WAYMARK_WORKER_CONCURRENCY: String(CONCURRENCY),
      // Random kills may hit one step several times in a row; poison detection is tested elsewhere.
      WAYMARK_MAX_CRASHES_PER_STEP: "1000",
    });
  });
  afterAll(async () => h?.close());

  it("resumes every run at the next un-executed step; no effect applied twice, no journal entry missing", async () => {
    let worker = await h.spawnWorker("crash-0");
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { run } = await h.control.startRun({ workflow: "durable-chain", input: { steps: STEPS, delayMs: 120 } }, systemActor);
      runIds.push(run.id);
    }

    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let kills = 0;
    while (kills < MIN_KILLS + 2) {
      await new Promise((r) => setTimeout(r, 250 + random() * 900));
      const [{ left }] = await h.query<{ left: number }>("SELECT count(*)::int AS left FROM runs WHERE status <> 'succeeded'");
      if (left === 0) break;
      await worker.kill("SIGKILL");
      kills++;
      worker = await h.spawnWorker(`crash-${kills}`);
    }
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);

    await h.waitFor(
      "every run to finish",
      async () => {
        const [{ open }] = await h.query<{ open: number }>(
          "SELECT count(*)::int AS open FROM runs WHERE status NOT IN ('succeeded','failed','cancelled')",
        );
        return open === 0;
      },
      180_000,
    );

    const statuses = await h.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM runs GROUP BY status");
    expect(statuses).toEqual([{ status: "succeeded", n: RUNS }]);

    // Journal: STEPS effects + 1 LLM call per run, contiguous positions, all succeeded.
    const journal = await h.query<{ run_id: string; n: number; max_seq: number; ok: number }>(
      `SELECT run_id, count(*)::int AS n, max(seq)::int AS max_seq, count(*) FILTER (WHERE status = 'succeeded')::int AS ok
         FROM journal_entries GROUP BY run_id`,
    );
    expect(journal).toHaveLength(RUNS);
    for (const row of journal) expect(row).toMatchObject({ n: STEPS + 1, max_seq: STEPS, ok: STEPS + 1 });

    // Sink: exactly one applied effect per (run, step) idempotency key.
    const effects = await h.query<{ idempotency_key: string; deliveries: number }>(
      "SELECT idempotency_key, deliveries FROM sink_effects WHERE channel = 'chain'",
    );
    const expectedKeys = runIds.flatMap((id) => Array.from({ length: STEPS }, (_, i) => `${id}:effect-${i}`)).sort();
    expect(effects.map((e) => e.idempotency_key).sort()).toEqual(expectedKeys);
    const redeliveries = effects.reduce((sum, e) => sum + (e.deliveries - 1), 0);
    expect(redeliveries).toBeLessThanOrEqual(kills * CONCURRENCY);
  }, 300_000);
});
