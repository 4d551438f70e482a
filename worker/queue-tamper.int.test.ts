/**
 * S30: queue payload tampering. Someone with write access to Redis edits a queued job's data
 * (another workflow, input, tenant, step, an "approved" flag, a requester) and adds forged jobs.
 * A real worker process must load run, workflow, input and step state from Postgres by run id
 * only: the forged fields change nothing, a job for an unknown run creates nothing, a job for a
 * run waiting on a person does not get it past the gate, and a malformed job is dropped.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openJson } from "../lib/security/secret-box";
import { createHarness, systemActor, type Harness } from "../lib/testing/harness";

const QUEUE = "run-tick";

describe("queue payload tampering", () => {
  let h: Harness;
  let redis: Redis;
  let queue: Queue;
  let prefix: string;

  beforeAll(async () => {
    h = await createHarness("tamper");
    prefix = h.workerEnv.WAYMARK_QUEUE_PREFIX;
    redis = new Redis(h.config.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE, { connection: redis, prefix });
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await h?.close();
  });

  const runRow = async (id: string) =>
    (await h.query<{ workflow_name: string; workflow_version: number; input: unknown; requested_by: string; status: string }>(
      "SELECT workflow_name, workflow_version, input, requested_by, status FROM runs WHERE id = $1",
      [id],
    ))[0];
  /** Waits until a worker has taken the job and finished with it (removed, completed or failed). */
  const processed = (id: string) =>
    h.waitFor(`job ${id} to be processed`, async () => {
      const job = await queue.getJob(id);
      return !job || ["completed", "failed"].includes(await job.getState());
    }, 30_000);

  it("ignores forged fields, creates no run for an unknown id, and moves no run past its approval", async () => {
    // No worker yet: the start job waits in Redis, where it is edited.
    const { run } = await h.control.startRun({ workflow: "approval-probe", input: { label: "real-A" } }, systemActor);
    const original = await runRow(run.id);
    const jobKey = `${prefix}:${QUEUE}:run.${run.id}`;
    expect(await redis.exists(jobKey)).toBe(1);
    await redis.hset(jobKey, "data", JSON.stringify({
      runId: run.id,
      reason: "start",
      tenant: "someone-else",
      workflow: "poison-probe",
      version: 99,
      input: { label: "forged" },
      stepId: "after",
      approved: true,
      requestedBy: "apikey:attacker",
    }));
    // Forged jobs: an unknown run with a full "run" in its data, and a payload that is not one.
    await queue.add("tick", { runId: "run_forged_does_not_exist", workflow: "approval-probe", input: { label: "ghost" } }, { jobId: "forged-unknown" });
    await queue.add("tick", { runId: 42, sql: "DELETE FROM runs" } as never, { jobId: "forged-garbage", attempts: 1 });

    await h.spawnWorker("tamper-1");
    await h.waitFor("the run to wait at its gate", async () => (await runRow(run.id)).status === "waiting");
    await processed("forged-unknown");
    await processed("forged-garbage");

    // The run is exactly what Postgres said: its workflow, version, input and requester.
    expect(await runRow(run.id)).toEqual({ ...original, status: "waiting" });
    const journal = await h.query<{ step_id: string; output: unknown }>("SELECT step_id, output FROM journal_entries WHERE run_id = $1 ORDER BY seq", [run.id]);
    expect(journal.map((j) => j.step_id)).toEqual(["before", "gate"]);
    expect(openJson(journal[0].output)).toEqual({ label: "real-A" }); // sealed at rest
    expect(await h.query("SELECT id FROM runs")).toHaveLength(1);
    expect(await h.query("SELECT 1 FROM audit_entries WHERE actor = 'apikey:attacker'")).toHaveLength(0);

    // A forged wake-up "approving" the waiting run: the tick finds the approval still pending in Postgres.
    await queue.add("tick", { runId: run.id, reason: "approval", decision: "approve", approved: true, stepId: "gate" } as never, { jobId: "forged-approval" });
    await processed("forged-approval");
    const [approval] = await h.query<{ status: string }>("SELECT status FROM approvals WHERE run_id = $1", [run.id]);
    expect(approval.status).toBe("pending");
    expect((await runRow(run.id)).status).toBe("waiting");
    expect(await h.query("SELECT 1 FROM sink_effects WHERE idempotency_key = $1", [`${run.id}:after`])).toHaveLength(0);

    // The real decision still works.
    const [pending] = await h.control.listApprovals({ status: "pending" }, systemActor);
    await h.control.decideApproval(pending.id, { decision: "approve" }, systemActor);
    await h.waitFor("the run to succeed", async () => (await runRow(run.id)).status === "succeeded");
    const [{ payload }] = await h.query<{ payload: unknown }>("SELECT payload FROM sink_effects WHERE idempotency_key = $1", [`${run.id}:after`]);
    expect(payload).toEqual({ label: "real-A" });
  }, 90_000);
});
