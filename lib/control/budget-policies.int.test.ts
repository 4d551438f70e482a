/**
 * Workflow and global budgets through lib/control, runs ticked in this process: a workflow's daily
 * budget holds across 5 concurrent runs of parallel LLM calls (spend never passes it; the runs that
 * don't fit pause with budget approvals; raising continues them); a global daily budget refuses; a
 * month budget and a day budget both apply. Every call costs exactly its estimate, so "never
 * exceeds" is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetLedgerId, getBudget } from "../data/budget-ledger";
import { budgetPeriod } from "../data/budget-policy-store";
import type { Clock, RunStatus } from "../engine/types";
import { createInProcess, type InProcess } from "../testing/in-process";
import { systemActor } from "./authorize";
import { driveRun, fixedCostRuntime, llmCallsWorkflow } from "./budget-policies.testkit";
import { systemClock } from "./system-clock";
import type { Actor } from "./types";

const CALL_COST_USD = 0.01;
const CALLS_PER_RUN = 4;
const DAY_MS = 86_400_000;

const team = (name: string) => llmCallsWorkflow(name, CALLS_PER_RUN, { parallel: true });

/** A day whose next day is in the same UTC month, so "day 1" and "day 2" share a month ledger. */
const day1 = (() => {
  const now = Date.now();
  return new Date(now + DAY_MS).getUTCMonth() === new Date(now).getUTCMonth() ? now : now - DAY_MS;
})();
let clockAt = day1;
const clock: Clock = { now: () => new Date(clockAt), sleep: systemClock.sleep };
const { runtime, calls } = fixedCostRuntime(CALL_COST_USD, { clock });

const admin: Actor = { kind: "user", id: "usr_budget_admin", label: "admin@example.com", role: "admin" };
const approver: Actor = { kind: "user", id: "usr_budget_approver", label: "approver@example.com", role: "approver" };
let t: InProcess;

const drive = (runId: string): Promise<RunStatus> => driveRun(t.deps, runtime, runId);

async function startRuns(workflow: string, count: number): Promise<string[]> {
  const runs = [];
  for (let i = 0; i < count; i++) runs.push((await t.control.startRun({ workflow, version: 1, input: { label: `r${i}` } }, systemActor)).run.id);
  return runs;
}

const succeededCalls = async (runIds: string[]) =>
  (await t.query("SELECT 1 FROM journal_entries WHERE run_id = ANY($1) AND kind = 'llm' AND status = 'succeeded'", [runIds])).length;

const pendingBudgetApprovals = (runIds: string[]) =>
  t.query<{ id: string; run_id: string; ledger_id: string; summary: string }>(
    "SELECT id, run_id, data->>'ledgerId' AS ledger_id, summary FROM approvals WHERE run_id = ANY($1) AND kind = 'budget' AND status = 'pending'",
    [runIds],
  );

beforeAll(async () => {
  t = await createInProcess("budget_policies", [team("team-day"), team("team-month"), team("team-tokens"), team("team-global")]);
});
afterAll(async () => t?.close());

describe("workflow and global budgets", () => {
  it("hold a workflow's daily budget across 5 concurrent runs, pause the runs that don't fit, and continue them after raises", async () => {
    const fits = 7;
    await t.control.createBudgetPolicy({ scope: "workflow-day", workflow: "team-day", limitUsd: fits * CALL_COST_USD, onExceed: "pause", alertThresholds: [] }, admin);
    const runIds = await startRuns("team-day", 5);
    const before = calls.total;
    const statuses = await Promise.all(runIds.map(drive));

    const ledgerId = budgetLedgerId("workflow-day", "team-day", budgetPeriod("workflow-day", new Date(day1)));
    const day = (await getBudget(t.database.db, ledgerId))!;
    expect(day.spentUsd).toBeCloseTo(fits * CALL_COST_USD, 6);
    expect(day.spentUsd + day.reservedUsd).toBeLessThanOrEqual(day.limitUsd!);
    expect(calls.total - before).toBe(fits);
    expect(await succeededCalls(runIds)).toBe(fits);

    // 7 calls of 20: at most one run finished; every run that waits has one approval naming the day ledger.
    const waiting = runIds.filter((_, i) => statuses[i] === "waiting");
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((status) => status !== "waiting").every((status) => status === "succeeded")).toBe(true);
    const approvals = await pendingBudgetApprovals(runIds);
    expect(approvals.map((approval) => approval.run_id).sort()).toEqual([...waiting].sort());
    expect(approvals.every((approval) => approval.ledger_id === ledgerId)).toBe(true);
    expect(approvals[0]!.summary).toContain(`budget ${ledgerId}`);

    // Each approver raise adds room for one run's calls on the day ledger; all runs then complete.
    for (const approval of approvals) {
      await t.control.decideApproval(approval.id, { decision: "approve", raiseBudget: { usd: CALLS_PER_RUN * CALL_COST_USD } }, approver);
    }
    for (const runId of waiting) expect(await drive(runId)).toBe("succeeded");
    expect(await succeededCalls(runIds)).toBe(5 * CALLS_PER_RUN);
    expect(calls.total - before).toBe(5 * CALLS_PER_RUN);
    const after = (await getBudget(t.database.db, ledgerId))!;
    expect(after.spentUsd).toBeCloseTo(5 * CALLS_PER_RUN * CALL_COST_USD, 6);
    expect(after.spentUsd).toBeLessThanOrEqual(after.limitUsd!);
    expect(after.reservedUsd).toBe(0);
  });

  it("apply a month budget and a day budget both: day 1 stops at the day's limit, day 2 at what is left of the month", async () => {
    await t.control.createBudgetPolicy({ scope: "workflow-day", workflow: "team-month", limitUsd: 3 * CALL_COST_USD, onExceed: "pause", alertThresholds: [] }, admin);
    await t.control.createBudgetPolicy({ scope: "workflow-month", workflow: "team-month", limitUsd: 5 * CALL_COST_USD, onExceed: "fail", alertThresholds: [] }, admin);
    const dayLedger = (at: number) => budgetLedgerId("workflow-day", "team-month", budgetPeriod("workflow-day", new Date(at)));
    const monthLedger = budgetLedgerId("workflow-month", "team-month", budgetPeriod("workflow-month", new Date(day1)));

    clockAt = day1;
    const [first] = await startRuns("team-month", 1);
    expect(await drive(first!)).toBe("waiting");
    expect(await succeededCalls([first!])).toBe(3);
    expect((await pendingBudgetApprovals([first!]))[0]).toMatchObject({ ledger_id: dayLedger(day1) });

    clockAt = day1 + DAY_MS;
    const [second] = await startRuns("team-month", 1);
    expect(await drive(second!)).toBe("failed");
    expect(await succeededCalls([second!])).toBe(2);
    const run = await t.control.getRun(second!, approver);
    expect(run.error).toMatchObject({ reason: "budget_exceeded" });
    expect(run.error?.message).toContain(monthLedger);
    expect(await getBudget(t.database.db, monthLedger)).toMatchObject({ spentUsd: 0.05, reservedUsd: 0, limitUsd: 0.05 });
    expect(await getBudget(t.database.db, dayLedger(day1 + DAY_MS))).toMatchObject({ spentUsd: 0.02, limitUsd: 0.03 });
    clockAt = day1;
  });

  it("hold a daily token budget the same way: calls stop at the tokens that fit", async () => {
    // Each call reserves 10 tokens and uses 10 (5 in, 5 out): 25 tokens fit 2 calls.
    await t.control.createBudgetPolicy({ scope: "workflow-day", workflow: "team-tokens", limitTokens: 25, onExceed: "pause", alertThresholds: [] }, admin);
    const [runId] = await startRuns("team-tokens", 1);
    expect(await drive(runId!)).toBe("waiting");
    expect(await succeededCalls([runId!])).toBe(2);
    const ledgerId = budgetLedgerId("workflow-day", "team-tokens", budgetPeriod("workflow-day", new Date(day1)));
    expect(await getBudget(t.database.db, ledgerId)).toMatchObject({ spentTokens: 20, reservedTokens: 0, limitTokens: 25, limitUsd: null });
    expect((await pendingBudgetApprovals([runId!]))[0]!.summary).toContain("20 of 25 tokens used");
  });

  it("refuse calls past the global daily budget, for any workflow, and follow a policy change in the current period", async () => {
    const today = budgetLedgerId("global-day", budgetPeriod("global-day", new Date(day1)));
    const spentToday = (await getBudget(t.database.db, today))?.spentUsd ?? 0;
    await t.control.createBudgetPolicy({ scope: "global-day", limitUsd: spentToday + 2 * CALL_COST_USD, onExceed: "fail", alertThresholds: [] }, admin);
    const [runId] = await startRuns("team-global", 1);
    expect(await drive(runId!)).toBe("failed");
    expect(await succeededCalls([runId!])).toBe(2);
    expect((await t.control.getRun(runId!, approver)).error?.message).toContain(today);

    // Raising the policy raises today's ledger too: a new run gets exactly the new room.
    const raised = await t.control.updateBudgetPolicy("global-day", { limitUsd: spentToday + 6 * CALL_COST_USD }, admin);
    expect(raised.current).toMatchObject({ ledgerId: today, limitUsd: Number((spentToday + 0.06).toFixed(6)) });
    const [next] = await startRuns("team-global", 1);
    expect(await drive(next!)).toBe("succeeded");
    const ledger = (await getBudget(t.database.db, today))!;
    expect(ledger.spentUsd).toBeCloseTo(spentToday + 6 * CALL_COST_USD, 6);

    const listed = await t.control.listBudgetPolicies({ ...approver, role: "viewer" });
    expect(listed.find((policy) => policy.id === "global-day")?.current.usedFraction).toBeCloseTo(1, 6);
    const audit = await t.query<{ action: string }>("SELECT action FROM audit_entries WHERE target = 'global-day' ORDER BY id");
    expect(audit.map((row) => row.action)).toEqual(["budget_policy.create", "budget_policy.update"]);
  });
});
