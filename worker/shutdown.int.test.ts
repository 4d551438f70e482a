/**
 * SIGTERM is graceful: the worker stops taking jobs, lets the in-flight step finish and journal,
 * exits 0, and another worker carries the run on without repeating the finished step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";

describe("graceful shutdown", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("shutdown", { WAYMARK_SHUTDOWN_GRACE_MS: "10000" });
  });
  afterAll(async () => h?.close());

  it("finishes the in-flight step on SIGTERM, exits 0, and the run completes elsewhere with each effect once", async () => {
    const first = await h.spawnWorker("graceful-1");
    const { run } = await h.control.startRun({ workflow: "durable-chain", input: { steps: 4, delayMs: 1500 } }, systemActor);
    await h.waitFor("the first step to start", async () => {
      const [row] = await h.query<{ status: string }>("SELECT status FROM runs WHERE id = $1", [run.id]);
      return row?.status === "running";
    });
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const [{ effects }] = await h.query<{ effects: number }>(
      "SELECT count(*)::int AS effects FROM sink_effects WHERE idempotency_key LIKE $1",
      [`${run.id}:%`],
    );
    expect(effects).toBeGreaterThanOrEqual(1); // the in-flight step was allowed to finish

    await h.spawnWorker("graceful-2");
    await h.waitFor("the run to succeed", async () => (await h.control.getRun(run.id, systemActor)).status === "succeeded");
    const rows = await h.query<{ deliveries: number }>("SELECT deliveries FROM sink_effects WHERE idempotency_key LIKE $1", [
      `${run.id}:%`,
    ]);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.deliveries === 1)).toBe(true);
  }, 90_000);
});
