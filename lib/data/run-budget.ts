/**
 * A run's budget story, read for its timeline: the run's own ledger, every budget pause (a budget
 * approval: which limit refused which step, what was spent, and the decision, with the raise the
 * approver made as the audit log recorded it) and what each LLM call attempt was charged.
 */
import type { Json } from "../engine/types";
import { budgetLedgerId, getBudget, type BudgetAccount } from "./budget-ledger";
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import { listRunCharges, type LlmChargeView } from "./price-store";
import { openedText } from "./sealed";

export interface BudgetPauseView {
  approvalId: string;
  /** The LLM step whose call did not fit */
  stepId: string;
  status: "pending" | "approved" | "rejected" | "expired";
  /** What the approver was shown, with the call's estimate ("est. $0.0012, 345 tokens") */
  summary: string;
  /** The ledger that refused: `run:<id>`, `workflow-day:<workflow>:<date>`… */
  ledgerId: string | null;
  scope: string | null;
  limitUsd: number | null;
  limitTokens: number | null;
  spentUsd: number | null;
  spentTokens: number | null;
  reservedUsd: number | null;
  pausedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  /** "Raise and continue": the amounts added to the limit; null when approved without a raise, or not approved */
  raisedBy: { usd: number | null; tokens: number | null } | null;
  /** The ledger's limits right after the raise */
  limitsAfter: { usd: number | null; tokens: number | null } | null;
}

export interface RunBudgetView {
  /** The run's own budget ledger (`run:<id>`), once its first LLM call opened it */
  runLedger: BudgetAccount | null;
  /** Oldest first */
  pauses: BudgetPauseView[];
  /** One per LLM call attempt, failed ones included */
  charges: LlmChargeView[];
}

interface PauseRow {
  id: string;
  status: BudgetPauseView["status"];
  summary: string;
  data: Json | null;
  created_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
  audit: Json | null;
}

const record = (value: Json | null | undefined): Record<string, Json> =>
  value && typeof value === "object" && !Array.isArray(value) ? value : {};
const num = (value: Json | undefined): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const str = (value: Json | undefined): string | null => (typeof value === "string" ? value : null);

function toPause(row: PauseRow): BudgetPauseView {
  const data = record(row.data);
  const audit = record(row.audit);
  const raised = record(audit.raisedBudget);
  const hasRaise = row.status === "approved" && (num(raised.usd) !== null || num(raised.tokens) !== null);
  return {
    approvalId: row.id,
    stepId: str(data.stepId) ?? "",
    status: row.status,
    summary: openedText(row.summary),
    ledgerId: str(data.ledgerId),
    scope: str(data.scope),
    limitUsd: num(data.limitUsd),
    limitTokens: num(data.limitTokens),
    spentUsd: num(data.spentUsd),
    spentTokens: num(data.spentTokens),
    reservedUsd: num(data.reservedUsd),
    pausedAt: row.created_at.toISOString(),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at ? row.decided_at.toISOString() : null,
    comment: openedText(row.comment),
    raisedBy: hasRaise ? { usd: num(raised.usd), tokens: num(raised.tokens) } : null,
    limitsAfter: hasRaise ? { usd: num(audit.limitUsd), tokens: num(audit.limitTokens) } : null,
  };
}

/** Null when the run does not exist. */
export async function getRunBudgetView(db: Db, runId: string): Promise<RunBudgetView | null> {
  const [exists, pauses, charges, runLedger] = await Promise.all([
    withConnectionRetry(() => db.pool.query<{ id: string }>("SELECT id FROM runs WHERE id = $1", [runId])),
    withConnectionRetry(() =>
      db.pool.query<PauseRow>(
        // The raise is in the decision's audit row (lib/control/run-actions.ts); looked up only for approved pauses.
        `SELECT a.id, a.status, a.summary, a.data, a.created_at, a.decided_by, a.decided_at, a.comment, au.data AS audit
         FROM approvals a
         LEFT JOIN LATERAL (
           SELECT e.data FROM audit_entries e
           WHERE a.status = 'approved' AND e.target = a.id AND e.action = 'approval.approve'
           ORDER BY e.id DESC LIMIT 1
         ) au ON true
         WHERE a.run_id = $1 AND a.kind = 'budget'
         ORDER BY a.created_at, a.id`,
        [runId],
      ),
    ),
    withConnectionRetry(() => listRunCharges(db, runId)),
    withConnectionRetry(() => getBudget(db, budgetLedgerId("run", runId))),
  ]);
  if (exists.rows.length === 0) return null;
  return { runLedger: runLedger ?? null, pauses: pauses.rows.map(toPause), charges };
}
