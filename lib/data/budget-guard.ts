/**
 * The engine's BudgetGuard port over Postgres for one run: the run's budget (set at start, else
 * the definition's) is a ledger `run:<runId>`; each LLM call attempt reserves its estimate on it
 * (lib/data/budget-ledger.ts). A call that does not fit either fails the run or parks it with a
 * budget approval (kind "budget") in the inbox; an approver raises the limit or aborts.
 */
import type { BudgetCheck, BudgetConfig, BudgetGuard, LlmRequest } from "../engine/types";
import { approvalPayloadHash, jsonParam } from "./canonical-json";
import type { Db } from "./db";
import { budgetLedgerId, openBudget, raiseBudget, reserveBudget, settleBudget, type BudgetAccount } from "./budget-ledger";
import { createId } from "./ids";
import { priceCallAt } from "./price-store";

/** What a call may cost at most, reserved before it runs. */
export interface CallEstimate {
  usd: number;
  tokens: number;
}

/** Output tokens assumed for a call that sets no `maxTokens` */
export const DEFAULT_ESTIMATED_OUTPUT_TOKENS = 1024;

/**
 * The default estimate: the prompt at ~4 characters a token plus `maxTokens` of output
 * ({@link DEFAULT_ESTIMATED_OUTPUT_TOKENS} when unset), at the model's price in force now.
 */
export async function estimateCall(db: Db, request: LlmRequest, at: Date): Promise<CallEstimate> {
  const inputTokens = Math.ceil(request.messages.reduce((chars, message) => chars + message.content.length, 0) / 4);
  const outputTokens = request.maxTokens ?? DEFAULT_ESTIMATED_OUTPUT_TOKENS;
  const priced = await priceCallAt(db, { requestModel: request.model, inputTokens, outputTokens, at });
  return { usd: priced?.costUsd ?? 0, tokens: inputTokens + outputTokens };
}

export interface RunBudgetGuardOptions {
  /** The definition's budget; the run's own (set at start) wins field by field */
  definitionBudget?: BudgetConfig;
  /** The run's own budget as claimed (`runs.budget`), so the guard needs no read of its own */
  runBudget?: BudgetConfig | null;
  /** @defaultValue {@link estimateCall} at the current time */
  estimate?: (request: LlmRequest) => Promise<CallEstimate>;
}

const BUDGET_APPROVAL_PREFIX = "budget-";

/**
 * The guard of one run, or undefined when neither the run nor its definition sets a limit.
 * Opens the run's ledger on first use (a raised limit survives later ticks).
 */
export async function createRunBudgetGuard(db: Db, runId: string, options: RunBudgetGuardOptions = {}): Promise<BudgetGuard | undefined> {
  const budget: BudgetConfig = { ...options.definitionBudget, ...(options.runBudget ?? {}) };
  if (budget.maxCostUsd === undefined && budget.maxTokens === undefined) return undefined;
  const ledgerId = budgetLedgerId("run", runId);
  await openBudget(db, ledgerId, "run", { limitUsd: budget.maxCostUsd, limitTokens: budget.maxTokens, onExceed: budget.onExceed ?? "pause" });
  const estimate = options.estimate ?? ((request: LlmRequest) => estimateCall(db, request, new Date()));

  return {
    async reserve(call): Promise<BudgetCheck> {
      const cost = await estimate(call.request);
      const result = await reserveBudget(db, {
        ledgerId,
        runId,
        seq: call.seq,
        stepId: call.stepId,
        attempt: call.attempt,
        estimateUsd: cost.usd,
        estimateTokens: cost.tokens,
      });
      if (result.ok) return result;
      const over = describeOverrun(result.account, call.stepId, cost);
      const aborted = await abortedBy(db, runId);
      if (aborted) return { ok: false, onExceed: "fail", message: `${over} ${aborted} aborted the run at the budget pause.` };
      if (result.account.onExceed === "fail") return { ok: false, onExceed: "fail", message: `${over} Raise the run's budget and replay it.` };
      await requestBudgetApproval(db, runId, { ledgerId, stepId: call.stepId, summary: over, account: result.account, estimate: cost });
      return { ok: false, onExceed: "pause", message: over };
    },
    settle(reservationId, actual) {
      return settleBudget(db, reservationId, actual);
    },
  };
}

function describeOverrun(account: BudgetAccount, stepId: string, cost: CallEstimate): string {
  const limits = [
    account.limitUsd !== null ? `$${(account.spentUsd + account.reservedUsd).toFixed(4)} of $${account.limitUsd.toFixed(4)} used` : null,
    account.limitTokens !== null ? `${account.spentTokens + account.reservedTokens} of ${account.limitTokens} tokens used` : null,
  ].filter(Boolean);
  return `Budget exceeded: LLM step "${stepId}" (est. $${cost.usd.toFixed(4)}, ${cost.tokens} tokens) does not fit (${limits.join(", ")}).`;
}

/** "<who>" when the run's latest budget approval was rejected (the approver aborted the run). */
async function abortedBy(db: Db, runId: string): Promise<string | null> {
  const { rows } = await db.pool.query<{ status: string; decided_by: string | null }>(
    `SELECT status, decided_by FROM approvals WHERE run_id = $1 AND kind = 'budget' ORDER BY created_at DESC, id DESC LIMIT 1`,
    [runId],
  );
  return rows[0]?.status === "rejected" ? (rows[0].decided_by ?? "An approver") : null;
}

/**
 * Puts one budget approval in the inbox per pause: parallel calls refused together find the same
 * pending one (or insert the same step id, which the unique key collapses to one row).
 */
async function requestBudgetApproval(
  db: Db,
  runId: string,
  request: { ledgerId: string; stepId: string; summary: string; account: BudgetAccount; estimate: CallEstimate },
): Promise<void> {
  const data = {
    ledgerId: request.ledgerId,
    stepId: request.stepId,
    limitUsd: request.account.limitUsd,
    limitTokens: request.account.limitTokens,
    spentUsd: request.account.spentUsd,
    spentTokens: request.account.spentTokens,
    reservedUsd: request.account.reservedUsd,
  };
  const inserted = await db.pool.query(
    `INSERT INTO approvals (id, run_id, step_id, kind, status, summary, data, payload_hash)
     SELECT $2, $1, $3 || (count(*) + 1)::text, 'budget', 'pending', $4, $5::jsonb, $6
     FROM approvals WHERE run_id = $1 AND kind = 'budget'
     HAVING count(*) FILTER (WHERE status = 'pending') = 0
     ON CONFLICT (run_id, step_id) DO NOTHING`,
    [runId, createId("apr"), BUDGET_APPROVAL_PREFIX, request.summary, jsonParam(data), approvalPayloadHash(request.summary, data)],
  );
  if (inserted.rowCount) {
    await db.pool.query(`INSERT INTO run_events (run_id, type, data) VALUES ($1, 'budget_paused', $2::jsonb)`, [runId, jsonParam(data)]);
  }
}

/**
 * An approver's "raise and continue": raises the limit of the budget a pending budget approval is
 * about, before the approval is decided. Throws when the approval is not a pending budget approval.
 */
export async function raiseBudgetForApproval(db: Db, approvalId: string, by: { usd?: number; tokens?: number }): Promise<BudgetAccount> {
  for (const [name, value] of [["usd", by.usd], ["tokens", by.tokens]] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new RangeError(`raiseBudget.${name} must be a number > 0, not ${value}.`);
  }
  const { rows } = await db.pool.query<{ kind: string; status: string; ledger_id: string | null }>(
    `SELECT kind, status, data->>'ledgerId' AS ledger_id FROM approvals WHERE id = $1`,
    [approvalId],
  );
  const row = rows[0];
  if (!row || row.kind !== "budget" || row.status !== "pending" || !row.ledger_id) {
    throw new RangeError(`Approval ${approvalId} is not a pending budget approval, so it has no budget to raise.`);
  }
  return raiseBudget(db, row.ledger_id, by);
}
