/**
 * getRunBudget, the run timeline's budget source, through lib/control with runs ticked in this
 * process: a paused run shows its pending pause with what was spent of which limit; after "raise
 * and continue" the pause says raised by how much, by whom and the new limit, and every LLM call
 * attempt's charge is listed; after an abort it says aborted by whom. Viewers may read it; an
 * unknown run is a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcess, type InProcess } from "../testing/in-process";
import { systemActor } from "./authorize";
import { driveRun, fixedCostRuntime, llmCallsWorkflow } from "./budget-policies.testkit";
import type { Actor } from "./types";

const CALL_COST_USD = 0.01;
const threeCalls = llmCallsWorkflow("budget-story", 3, { parallel: false });
const { runtime } = fixedCostRuntime(CALL_COST_USD);
const approver: Actor = { kind: "user", id: "usr_story_approver", label: "approver@example.com", role: "approver" };
const viewer: Actor = { kind: "user", id: "usr_story_viewer", label: "viewer@example.com", role: "viewer" };
let t: InProcess;

async function pausedAfterOneCall(label: string) {
  const { run } = await t.control.startRun({ workflow: "budget-story", version: 1, input: { label }, budget: { maxCostUsd: CALL_COST_USD, onExceed: "pause" } }, systemActor);
  expect(await driveRun(t.deps, runtime, run.id)).toBe("waiting");
  const story = await t.control.getRunBudget(run.id, viewer);
  expect(story.pauses).toHaveLength(1);
  return { runId: run.id, pause: story.pauses[0]!, story };
}

beforeAll(async () => {
  t = await createInProcess("run_budget", [threeCalls]);
});
afterAll(async () => t?.close());

describe("getRunBudget", () => {
  it("tells a pause, the raise that ended it (how much, by whom, the new limit) and each attempt's charge", async () => {
    const { runId, pause, story } = await pausedAfterOneCall("raise");
    expect(pause).toMatchObject({ status: "pending", ledgerId: `run:${runId}`, scope: "run", limitUsd: CALL_COST_USD, spentUsd: CALL_COST_USD, raisedBy: null, decidedBy: null });
    expect(pause.summary).toContain("est. $");
    expect(story.runLedger).toMatchObject({ limitUsd: CALL_COST_USD, spentUsd: CALL_COST_USD });

    await t.control.decideApproval(pause.approvalId, { decision: "approve", comment: "go on", raiseBudget: { usd: 2 * CALL_COST_USD } }, approver);
    expect(await driveRun(t.deps, runtime, runId)).toBe("succeeded");
    const after = await t.control.getRunBudget(runId, viewer);
    expect(after.pauses).toEqual([
      expect.objectContaining({
        status: "approved",
        decidedBy: "approver@example.com",
        comment: "go on",
        raisedBy: { usd: 2 * CALL_COST_USD, tokens: null },
        limitsAfter: { usd: 3 * CALL_COST_USD, tokens: null },
      }),
    ]);
    expect(after.charges.map((charge) => [charge.attempt, charge.status, charge.costUsd])).toEqual([
      [1, "succeeded", CALL_COST_USD],
      [1, "succeeded", CALL_COST_USD],
      [1, "succeeded", CALL_COST_USD],
    ]);
  });

  it("tells who aborted a run at its pause, and 404s an unknown run", async () => {
    const { runId, pause } = await pausedAfterOneCall("abort");
    await t.control.decideApproval(pause.approvalId, { decision: "reject" }, approver);
    expect(await driveRun(t.deps, runtime, runId)).toBe("failed");
    const after = await t.control.getRunBudget(runId, viewer);
    expect(after.pauses).toEqual([expect.objectContaining({ status: "rejected", decidedBy: "approver@example.com", raisedBy: null, limitsAfter: null })]);
    await expect(t.control.getRunBudget("run_does_not_exist", viewer)).rejects.toMatchObject({ status: 404 });
  });
});
