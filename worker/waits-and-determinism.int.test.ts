/**
 * Waits survive worker restarts; a changed step order under the same version is caught as
 * non-determinism; a step that keeps killing its worker is dead-lettered.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";

describe("waits, determinism and poison runs", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness("waits", { WAYMARK_MAX_CRASHES_PER_STEP: "3" });
  });
  afterAll(async () => h?.close());
  // The tests share one queue: a worker left from one test must not serve the next one's runs.
  afterEach(async () => h?.killWorkers());

  const statusOf = async (runId: string) => (await h.control.getRun(runId, systemActor)).status;
  const pendingApproval = (runId: string) =>
    h.waitFor(`a pending approval for ${runId}`, async () => {
      const approvals = await h.control.listApprovals({ status: "pending" }, systemActor);
      return approvals.find((a) => a.runId === runId);
    });

  it("a run waiting for approval survives a worker restart and resumes on the decision", async () => {
    const worker = await h.spawnWorker("wait-1");
    const { run } = await h.control.startRun({ workflow: "approval-probe", input: { label: "parcel-7" } }, systemActor);
    const approval = await pendingApproval(run.id);
    expect(await statusOf(run.id)).toBe("waiting");

    await worker.kill("SIGKILL");
    await h.spawnWorker("wait-2");
    await h.control.decideApproval(approval.id, { decision: "approve", comment: "looks right" }, systemActor);

    await h.waitFor("the run to succeed", async () => (await statusOf(run.id)) === "succeeded");
    const finished = await h.control.getRun(run.id, systemActor);
    expect(finished.output).toEqual({ status: "approved", by: "Waymark" });
    const gate = finished.steps.find((s) => s.id === "gate");
    expect(gate?.approval).toMatchObject({ status: "approved", decidedBy: "Waymark", comment: "looks right" });
    const [{ deliveries }] = await h.query<{ deliveries: number }>(
      "SELECT deliveries FROM sink_effects WHERE idempotency_key = $1",
      [`${run.id}:after`],
    );
    expect(deliveries).toBe(1);
  }, 90_000);

  it("fails a run as non-determinism when its steps were reordered under the same version", async () => {
    const original = await h.spawnWorker("order-original");
    const { run } = await h.control.startRun({ workflow: "reorder-probe", input: {} }, systemActor);
    const approval = await pendingApproval(run.id);
    await original.kill("SIGKILL");

    await h.spawnWorker("order-reordered", { variant: "reordered" });
    await h.control.decideApproval(approval.id, { decision: "approve" }, systemActor);
    await h.waitFor("the run to fail", async () => (await statusOf(run.id)) === "failed");
    const failed = await h.control.getRun(run.id, systemActor);
    expect(failed.error?.reason).toBe("non_determinism");
    expect(failed.error?.message).toMatch(/expected step "first".*found "second"/s);
    expect(failed.steps.find((s) => s.id === "third")).toBeUndefined();
  }, 90_000);

  it("dead-letters a run whose worker dies 3 times in the same step", async () => {
    const { run } = await h.control.startRun({ workflow: "poison-probe", input: {} }, systemActor);
    for (let death = 0; death < 6 && (await statusOf(run.id)) !== "failed"; death++) {
      const worker = await h.spawnWorker(`poison-${death}`);
      await Promise.race([worker.exited, new Promise((r) => setTimeout(r, 8_000))]);
      await worker.kill("SIGKILL");
    }
    const worker = await h.spawnWorker("poison-final");
    await h.waitFor("the run to be dead-lettered", async () => (await statusOf(run.id)) === "failed", 30_000);
    await worker.kill("SIGTERM");
    const failed = await h.control.getRun(run.id, systemActor);
    expect(failed.error?.reason).toBe("dead_letter");
    expect(failed.error?.message).toContain("explode");
    expect(failed.steps.map((s) => s.id)).toEqual(["prepare"]);
  }, 120_000);
});
