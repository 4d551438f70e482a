/**
 * Infrastructure outages mid-run: Redis (a private instance) is killed and restarted, losing
 * every queued wake-up, and every Postgres connection is terminated between steps. Postgres is
 * the source of truth: the reconciler re-enqueues and all runs still complete.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";
import { privateRedis, type PrivateRedis } from "../lib/testing/redis-server";

describe("Redis restart and Postgres connection kills", () => {
  let h: Harness;
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await privateRedis();
    h = await createHarness("outages", { REDIS_URL: redis.url, WAYMARK_WORKER_CONCURRENCY: "5" });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.kill();
  });

  it("completes every run and keeps consuming after the outages", async () => {
    await h.spawnWorker("outage-worker");
    const RUNS = 20;
    const STEPS = 5;
    for (let i = 0; i < RUNS; i++) {
      await h.control.startRun({ workflow: "durable-chain", input: { steps: STEPS, delayMs: 100 } }, systemActor);
    }
    await h.waitFor("some progress", async () => {
      const [{ n }] = await h.query<{ n: number }>("SELECT count(*)::int AS n FROM journal_entries");
      return n >= 10;
    });

    await redis.kill();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();

    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 700));
      const [{ killed }] = await h.query<{ killed: number }>(
        `SELECT count(*)::int AS killed FROM (
           SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()) t`,
      );
      expect(killed).toBeGreaterThan(0);
    }

    // New work after the outages must be consumed too (F3: a worker that silently stops consuming).
    for (let i = 0; i < 5; i++) {
      await h.control.startRun({ workflow: "durable-chain", input: { steps: 2, delayMs: 10 } }, systemActor);
    }
    await h.waitFor(
      "all runs to succeed",
      async () => {
        const [{ n }] = await h.query<{ n: number }>("SELECT count(*)::int AS n FROM runs WHERE status = 'succeeded'");
        return n === RUNS + 5;
      },
      120_000,
    );
    const [{ keys }] = await h.query<{ keys: number }>("SELECT count(*)::int AS keys FROM sink_effects WHERE channel = 'chain'");
    expect(keys).toBe(RUNS * STEPS + 5 * 2);
  }, 240_000);
});
