/**
 * The engine's BudgetGuard port over Postgres for one run. Its budgets are ledgers: the run's own
 * (set at start, else the definition's) `run:<runId>`, and the current period's ledger of each
 * budget policy that applies (its workflow's day and month, the global day). Each LLM call attempt
 * reserves its estimate on all of them at once (lib/data/budget-ledger.ts). A call that does not fit
 * either fails the run or parks it with a budget approval (kind "budget") in the inbox that names
 * the ledger that refused; an approver raises that ledger's limit or aborts.
 */
import type { BudgetCheck, BudgetConfig, BudgetGuard, LlmRequest } from "../engine/types";
import { approvalPayloadHash, jsonParam } from "./canonical-json";
import type { Db } from "./db";
import { enqueueAlert } from "../alerts/outbox";
import { budgetLedgerId, reserveBudget, settleBudget, type BudgetAccount, type LedgerSpec } from "./budget-ledger";
import { periodLedgerSpec, policiesForWorkflow, BUDGET_POLICY_SCOPES } from "./budget-policy-store";
import { withTransaction } from "./db";
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
  /** The run's workflow: its day/month budget policies and the global daily one apply. Omitted: only the run's budget */
  workflow?: string;
  /** The definition's budget; the run's own (set at start) wins field by field */
  definitionBudget?: BudgetConfig;
  /** The run's own budget as claimed (`runs.budget`), so the guard needs no read of its own */
  runBudget?: BudgetConfig | null;
  /** @defaultValue {@link estimateCall} at the current time */
  estimate?: (request: LlmRequest) => Promise<CallEstimate>;
  /** Picks the period ledgers a call is charged to (UTC day and month). @defaultValue the current time */
  now?: () => Date;
}

const BUDGET_APPROVAL_PREFIX = "budget-";

/**
 * The guard of one run, or undefined when no budget applies to it (neither the run, its definition
 * nor a budget policy sets a limit). One read of the policies per tick; ledgers open on first use,
 * inside the reservation's transaction, once per tick at most (a raised limit survives later ticks).
 */
export async function createRunBudgetGuard(db: Db, runId: string, options: RunBudgetGuardOptions = {}): Promise<BudgetGuard | undefined> {
  const budget: BudgetConfig = { ...options.definitionBudget, ...(options.runBudget ?? {}) };
  const runLedger: LedgerSpec | null =
    budget.maxCostUsd === undefined && budget.maxTokens === undefined
      ? null
      : { id: budgetLedgerId("run", runId), scope: "run", limits: { limitUsd: budget.maxCostUsd, limitTokens: budget.maxTokens, onExceed: budget.onExceed ?? "pause" } };
  const policies = options.workflow ? await policiesForWorkflow(db, options.workflow) : [];
  if (!runLedger && policies.length === 0) return undefined;
  // Narrowest first: when several ledgers refuse a call, the first is the one the approval names.
  policies.sort((a, b) => BUDGET_POLICY_SCOPES.indexOf(a.scope) - BUDGET_POLICY_SCOPES.indexOf(b.scope));
  const now = options.now ?? (() => new Date());
  /** Ledgers this guard has opened (or found): later calls of the tick skip the insert */
  const knownOpen = new Set<string>();
  const estimate = options.estimate ?? ((request: LlmRequest) => estimateCall(db, request, new Date()));

  return {
    async reserve(call): Promise<BudgetCheck> {
      const cost = await estimate(call.request);
      const at = now();
      const ledgers = [...(runLedger ? [runLedger] : []), ...policies.map((policy) => periodLedgerSpec(policy, at))];
      const result = await reserveBudget(db, {
        ledgers,
        knownOpen,
        runId,
        seq: call.seq,
        stepId: call.stepId,
        attempt: call.attempt,
        estimateUsd: cost.usd,
        estimateTokens: cost.tokens,
      });
      for (const ledger of ledgers) knownOpen.add(ledger.id);
      if (result.ok) return result;
      const over = describeOverrun(result.account, call.stepId, cost);
      const aborted = await abortedBy(db, runId);
      if (aborted) return { ok: false, onExceed: "fail", message: `${over} ${aborted} aborted the run at the budget pause.` };
      if (result.account.onExceed === "fail") return { ok: false, onExceed: "fail", message: `${over} ${howToRaise(result.account)}` };
      await requestBudgetApproval(db, runId, { workflow: options.workflow ?? null, stepId: call.stepId, summary: over, account: result.account, estimate: cost });
      return { ok: false, onExceed: "pause", message: over };
    },
    settle(reservationId, actual) {
      return settleBudget(db, reservationId, actual);
    },
  };
}

function howToRaise(account: BudgetAccount): string {
  return account.scope === "run"
    ? "Raise the run's budget and replay it."
    : `Raise the ${account.scope} budget (admin › budgets) and replay the run.`;
}

function describeOverrun(account: BudgetAccount, stepId: string, cost: CallEstimate): string {
  const which = account.scope === "run" ? "the run's budget" : `budget ${account.id}`;
  const limits = [
    account.limitUsd !== null ? `$${(account.spentUsd + account.reservedUsd).toFixed(4)} of $${account.limitUsd.toFixed(4)} used` : null,
    account.limitTokens !== null ? `${account.spentTokens + account.reservedTokens} of ${account.limitTokens} tokens used` : null,
  ].filter(Boolean);
  return `Budget exceeded: LLM step "${stepId}" (est. $${cost.usd.toFixed(4)}, ${cost.tokens} tokens) does not fit ${which} (${limits.join(", ")}).`;
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
 * pending one (or insert the same step id, which the unique key collapses to one row). The pause's
 * timeline event and its alert are written in the same transaction, so each pause alerts exactly once.
 */
async function requestBudgetApproval(
  db: Db,
  runId: string,
  request: { workflow: string | null; stepId: string; summary: string; account: BudgetAccount; estimate: CallEstimate },
): Promise<void> {
  const data = {
    ledgerId: request.account.id,
    scope: request.account.scope,
    stepId: request.stepId,
    limitUsd: request.account.limitUsd,
    limitTokens: request.account.limitTokens,
    spentUsd: request.account.spentUsd,
    spentTokens: request.account.spentTokens,
    reservedUsd: request.account.reservedUsd,
  };
  await withTransaction(db, async (client) => {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO approvals (id, run_id, step_id, kind, status, summary, data, payload_hash)
       SELECT $2, $1, $3 || (count(*) + 1)::text, 'budget', 'pending', $4, $5::jsonb, $6
       FROM approvals WHERE run_id = $1 AND kind = 'budget'
       HAVING count(*) FILTER (WHERE status = 'pending') = 0
       ON CONFLICT (run_id, step_id) DO NOTHING
       RETURNING id`,
      [runId, createId("apr"), BUDGET_APPROVAL_PREFIX, request.summary, jsonParam(data), approvalPayloadHash(request.summary, data)],
    );
    const approvalId = inserted.rows[0]?.id;
    if (!approvalId) return;
    await client.query(`INSERT INTO run_events (run_id, type, data) VALUES ($1, 'budget_paused', $2::jsonb)`, [runId, jsonParam(data)]);
    await enqueueAlert(client, {
      dedupeKey: `paused:${approvalId}`,
      type: "budget.paused",
      data: { runId, workflow: request.workflow, approvalId, summary: request.summary, ...data },
    });
  });
}

/** Refuses a raise that is not a positive, finite amount (RangeError: the caller's input is wrong). */
export function checkBudgetRaise(by: { usd?: number; tokens?: number }): void {
  for (const [name, value] of [["usd", by.usd], ["tokens", by.tokens]] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new RangeError(`raiseBudget.${name} must be a number > 0, not ${value}.`);
  }
}
