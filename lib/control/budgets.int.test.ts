/**
 * Run budgets, through lib/control with runs ticked in this process: 20 parallel LLM steps against
 * a budget that fits 5 never spend past it and pause the run with a budget approval; raising the
 * limit continues it with exactly the remaining 15 calls; aborting fails it with the reason; and
 * `onExceed: "fail"` fails it at once. Every call costs exactly its estimate, so "never exceeds" is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetLedgerId, getBudget } from "../data/budget-ledger";
import type { RunStatus } from "../engine/types";
import { createInProcess, type InProcess } from "../testing/in-process";
import { systemActor } from "./authorize";
import { driveRun, fixedCostRuntime, llmCallsWorkflow } from "./budget-policies.testkit";
import type { Actor } from "./types";

const CALL_COST_USD = 0.01;
const CALLS = 20;

const fanOut = llmCallsWorkflow("budget-fan-out", CALLS, { parallel: true });
const { runtime, calls } = fixedCostRuntime(CALL_COST_USD);
/** Every completion the provider was asked for, per run */
const completions = calls.perRun;

const approver: Actor = { kind: "user", id: "usr_budget_approver", label: "approver@example.com", role: "approver" };
let t: InProcess;

const drive = (runId: string): Promise<RunStatus> => driveRun(t.deps, runtime, runId);

async function start(label: string, budget: { maxCostUsd: number; onExceed: "pause" | "fail" }): Promise<string> {
  const { run } = await t.control.startRun({ workflow: "budget-fan-out", version: 1, input: { label }, budget }, systemActor);
  return run.id;
}

const succeededCalls = async (runId: string) =>
  (await t.query("SELECT 1 FROM journal_entries WHERE run_id = $1 AND kind = 'llm' AND status = 'succeeded'", [runId])).length;

async function pausedRun(label: string): Promise<{ runId: string; approvalId: string }> {
  const runId = await start(label, { maxCostUsd: 5 * CALL_COST_USD, onExceed: "pause" });
  expect(await drive(runId)).toBe("waiting");
  expect(await succeededCalls(runId)).toBe(5);
  expect(completions.get(runId)).toBe(5);
  const account = (await getBudget(t.database.db, budgetLedgerId("run", runId)))!;
  expect(account.spentUsd).toBeCloseTo(5 * CALL_COST_USD, 6);
  expect(account.spentUsd + account.reservedUsd).toBeLessThanOrEqual(account.limitUsd!);
  const approvals = await t.query<{ id: string; kind: string; status: string; summary: string }>(
    "SELECT id, kind, status, summary FROM approvals WHERE run_id = $1",
    [runId],
  );
  expect(approvals).toHaveLength(1);
  expect(approvals[0]).toMatchObject({ kind: "budget", status: "pending" });
  expect(approvals[0]!.summary).toContain("Budget exceeded");
  return { runId, approvalId: approvals[0]!.id };
}

beforeAll(async () => {
  t = await createInProcess("budgets", [fanOut]);
});
afterAll(async () => t?.close());

describe("run budgets", () => {
  it("pause 20 parallel calls at the 5 that fit, then continue with exactly the remaining 15 after a raise", async () => {
    const { runId, approvalId } = await pausedRun("raise");
    const inbox = await t.control.listApprovals({ status: "pending" }, approver);
    expect(inbox.find((approval) => approval.id === approvalId)).toMatchObject({ kind: "budget", runId });

    await t.control.decideApproval(approvalId, { decision: "approve", raiseBudget: { usd: 15 * CALL_COST_USD } }, approver);
    expect(await drive(runId)).toBe("succeeded");
    expect(await succeededCalls(runId)).toBe(CALLS);
    expect(completions.get(runId)).toBe(CALLS);
    const account = (await getBudget(t.database.db, budgetLedgerId("run", runId)))!;
    expect(account).toMatchObject({ limitUsd: 0.2, reservedUsd: 0 });
    expect(account.spentUsd).toBeCloseTo(CALLS * CALL_COST_USD, 6);
  });

  it("raise the limit once when two approvers race to raise it: the loser gets 409 and raises nothing", async () => {
    const { runId, approvalId } = await pausedRun("race");
    const outcomes = await Promise.allSettled(
      [1, 2].map(() => t.control.decideApproval(approvalId, { decision: "approve", raiseBudget: { usd: 15 * CALL_COST_USD } }, approver)),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(outcomes.find((outcome) => outcome.status === "rejected")).toMatchObject({ reason: { status: 409 } });
    expect((await getBudget(t.database.db, budgetLedgerId("run", runId)))!.limitUsd).toBeCloseTo(0.2, 6);
    expect(await drive(runId)).toBe("succeeded");
  });

  it("fail the run with the reason when the approver aborts at the pause", async () => {
    const { runId, approvalId } = await pausedRun("abort");
    await t.control.decideApproval(approvalId, { decision: "reject", comment: "too expensive" }, approver);
    expect(await drive(runId)).toBe("failed");
    const run = await t.control.getRun(runId, approver);
    expect(run.error).toMatchObject({ reason: "budget_exceeded" });
    expect(run.error?.message).toContain("aborted the run at the budget pause");
    expect(completions.get(runId)).toBe(5);
  });

  it('fail the run at once with onExceed: "fail"', async () => {
    const runId = await start("fail", { maxCostUsd: 5 * CALL_COST_USD, onExceed: "fail" });
    expect(await drive(runId)).toBe("failed");
    const run = await t.control.getRun(runId, approver);
    expect(run.error).toMatchObject({ reason: "budget_exceeded" });
    expect(run.error?.message).toContain("Budget exceeded");
    expect(await succeededCalls(runId)).toBe(5);
    expect(await t.query("SELECT 1 FROM approvals WHERE run_id = $1", [runId])).toEqual([]);
  });
});
