/**
 * The budget part of a run's timeline, pure: each budget pause as a wait (from the pause to the
 * decision: raised by how much by whom, or aborted), and the run's end when a budget failed it.
 */
import type { RunBudgetView, BudgetPauseView } from "../data/run-budget";
import type { RunView } from "../data/views";
import type { BudgetPauseFacts, ChargeFacts } from "./types";

/** "the run's budget", "the daily budget of freight-quote (2026-11-23)", "the global daily budget (2026-11-23)" */
export function describeBudgetLedger(scope: string | null, ledgerId: string | null): string {
  if (scope === "run" || ledgerId?.startsWith("run:")) return "the run's budget";
  const [kind, ...rest] = (ledgerId ?? scope ?? "budget").split(":");
  if (kind === "global-day") return rest.length > 0 ? `the global daily budget (${rest.join(":")})` : "the global daily budget";
  const [workflow, period] = rest;
  const which = kind === "workflow-month" ? "monthly" : "daily";
  return `the ${which} budget of ${workflow ?? "the workflow"}${period ? ` (${period})` : ""}`;
}

function outcomeOf(pause: BudgetPauseView): BudgetPauseFacts["decision"]["outcome"] {
  switch (pause.status) {
    case "approved":
      return pause.raisedBy ? "raised" : "continued";
    case "rejected":
      return "aborted";
    default:
      return pause.status;
  }
}

export function budgetPauseFacts(pause: BudgetPauseView): BudgetPauseFacts {
  return {
    approvalId: pause.approvalId,
    stepId: pause.stepId,
    budget: describeBudgetLedger(pause.scope, pause.ledgerId),
    ledgerId: pause.ledgerId,
    limitUsd: pause.limitUsd,
    limitTokens: pause.limitTokens,
    spentUsd: pause.spentUsd,
    spentTokens: pause.spentTokens,
    summary: pause.summary,
    pausedAt: pause.pausedAt,
    decision: {
      outcome: outcomeOf(pause),
      by: pause.decidedBy,
      at: pause.decidedAt,
      comment: pause.comment,
      raisedBy: pause.raisedBy,
      limitsAfter: pause.limitsAfter,
    },
  };
}

/** The run failed because of a budget: its message, and who aborted it when an approver did. */
export function budgetFailureOf(run: RunView, budget: RunBudgetView | undefined): { message: string; abortedBy: string | null } | null {
  if (run.status !== "failed" || run.error?.reason !== "budget_exceeded") return null;
  const aborted = [...(budget?.pauses ?? [])].reverse().find((pause) => pause.status === "rejected");
  return { message: run.error.message, abortedBy: aborted?.decidedBy ?? null };
}

/** A step's charges (by position, so a repeated id in a forked run cannot mix them up). */
export function chargesOfStep(budget: RunBudgetView | undefined, seq: number): ChargeFacts[] {
  return (budget?.charges ?? []).filter((charge) => charge.seq === seq).sort((a, b) => a.attempt - b.attempt);
}

/** Sum of charges; failed attempts' share apart. Null when the charges are not known. */
export function chargeTotals(budget: RunBudgetView | undefined): { chargedUsd: number | null; failedAttemptsChargedUsd: number | null } {
  if (!budget) return { chargedUsd: null, failedAttemptsChargedUsd: null };
  const round = (usd: number) => Math.round(usd * 1e9) / 1e9;
  const all = budget.charges.reduce((sum, charge) => sum + charge.costUsd, 0);
  const failed = budget.charges.filter((charge) => charge.status !== "succeeded").reduce((sum, charge) => sum + charge.costUsd, 0);
  return { chargedUsd: round(all), failedAttemptsChargedUsd: round(failed) };
}
