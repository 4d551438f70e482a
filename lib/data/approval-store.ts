/**
 * Human decisions: deciding an approval (racing its timeout and other approvers) and the
 * approval read models for the inbox and the API.
 */
import type { Db } from "./db";
import { withConnectionRetry, withTransaction } from "./db";
import type { ApprovalDecision, Json } from "../engine/types";
import type { ApprovalView } from "./views";
import { AppError, conflict, invalidInput, notFound } from "../errors/app-error";
import type { PoolClient } from "pg";
import { raiseLedger, type BudgetAccount } from "./budget-ledger";
import { openJson, openedText, sealedJsonParam, sealedText } from "./sealed";

export interface ApprovalRow {
  id: string;
  run_id: string;
  step_id: string;
  kind: string;
  status: string;
  summary: string;
  data: Json | null;
  payload_hash: string;
  created_at: Date;
  expires_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  comment: string | null;
  workflow_name?: string;
  workflow_version?: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The view of a stored row: summary, data and comment are opened (they are sealed at rest). */
export function toApprovalView(row: ApprovalRow): ApprovalView {
  return {
    id: row.id,
    runId: row.run_id,
    stepId: row.step_id,
    kind: row.kind as ApprovalView["kind"],
    status: row.status as ApprovalView["status"],
    summary: openedText(row.summary),
    data: openJson<Json | null>(row.data) ?? null,
    payloadHash: row.payload_hash,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    comment: openedText(row.comment),
    ...(row.workflow_name !== undefined ? { workflow: row.workflow_name } : {}),
    ...(row.workflow_version !== undefined ? { version: row.workflow_version } : {}),
  };
}

const APPROVAL_COLUMNS = `a.id, a.run_id, a.step_id, a.kind, a.status, a.summary, a.data, a.payload_hash, a.created_at,
  a.expires_at, a.decided_by, a.decided_at, a.comment, r.workflow_name, r.workflow_version`;

export interface DecideApprovalInput {
  approvalId: string;
  decision: "approve" | "reject";
  comment?: string;
  /** Who decided, as shown in the console: an email or a key name */
  decidedBy: string;
  /** The payload hash the approver was shown; a different one is refused (409) */
  payloadHash?: string;
  /**
   * A budget approval's "raise and continue": added to the refusing ledger's limits in the same
   * transaction as the decision, so a raced or refused decision raises nothing.
   */
  raiseBudget?: { usd?: number; tokens?: number };
}

function alreadyDecided(row: ApprovalRow): AppError {
  const when = iso(row.decided_at) ?? "an unknown time";
  const message =
    row.status === "expired"
      ? `Approval ${row.id} was already expired at ${when} (it timed out or its run was cancelled).`
      : `Approval ${row.id} was already ${row.status} by ${row.decided_by ?? "someone"} at ${when}.`;
  return new AppError("already_decided", 409, message, {
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
  });
}

/**
 * Records a person's decision: the approval row, the journal entry the workflow resumes from, and
 * a wake-up flag on the run (`needs_tick`; a waiting run becomes queued). The caller enqueues a
 * tick for `runId`. Lock order runs → approvals → journal, the same as the worker's timeout path.
 */
export async function decideApproval(
  db: Db,
  input: DecideApprovalInput,
): Promise<{ approval: ApprovalView; runId: string; raised: BudgetAccount | null }> {
  return withTransaction(db, async (client) => {
    const found = await client.query<{ run_id: string }>("SELECT run_id FROM approvals WHERE id = $1", [input.approvalId]);
    if (!found.rows[0]) throw notFound("Approval", input.approvalId);
    const runId = found.rows[0].run_id;
    await client.query("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", [runId]);

    const status = input.decision === "approve" ? "approved" : "rejected";
    const decided = await client.query<ApprovalRow>(
      `UPDATE approvals a SET status = $2, decided_by = $3, decided_at = now(), comment = $4
       FROM runs r
       WHERE a.id = $1 AND r.id = a.run_id AND a.status = 'pending' AND ($5::text IS NULL OR a.payload_hash = $5)
       RETURNING ${APPROVAL_COLUMNS}`,
      [input.approvalId, status, input.decidedBy, sealedText(input.comment), input.payloadHash ?? null],
    );
    const row = decided.rows[0];
    if (!row) {
      const current = await client.query<ApprovalRow>(
        `SELECT ${APPROVAL_COLUMNS} FROM approvals a JOIN runs r ON r.id = a.run_id WHERE a.id = $1`,
        [input.approvalId],
      );
      const now = current.rows[0];
      if (now.status !== "pending") throw alreadyDecided(now);
      throw conflict(
        `Approval ${input.approvalId} changed since it was shown (its summary or data differ). Reload it and decide again.`,
        { payloadHash: now.payload_hash },
      );
    }

    const raised = input.raiseBudget && status === "approved" ? await raiseLedgerOf(client, row, input.raiseBudget) : null;

    const decision: ApprovalDecision = {
      approved: status === "approved",
      reason: status,
      ...(input.comment !== undefined ? { comment: input.comment } : {}),
      decidedBy: input.decidedBy,
      decidedAt: row.decided_at!.toISOString(),
    };
    await client.query(
      `UPDATE runs SET needs_tick = true, status = CASE WHEN status = 'waiting' THEN 'queued' ELSE status END,
                       updated_at = now()
       WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
      [runId],
    );
    await client.query(
      // Only the approval wait itself: never a step that already ended, nor another kind of step.
      `UPDATE journal_entries SET status = 'succeeded', output = $3::jsonb, wake_at = NULL, finished_at = $4
       WHERE run_id = $1 AND step_id = $2 AND kind = 'approval' AND status = 'waiting'`,
      [runId, row.step_id, sealedJsonParam(decision), row.decided_at],
    );
    await client.query(`INSERT INTO run_events (run_id, type, data) VALUES ($1, 'approval_decided', $2::jsonb)`, [
      runId,
      JSON.stringify({ approvalId: row.id, stepId: row.step_id, decision: status, decidedBy: input.decidedBy }),
    ]);
    return { approval: toApprovalView(row), runId, raised };
  });
}

/** The ledger a budget approval names (its data is plaintext: SQL reads it), raised by `by`. */
async function raiseLedgerOf(client: PoolClient, row: ApprovalRow, by: { usd?: number; tokens?: number }): Promise<BudgetAccount> {
  const ledgerId = row.kind === "budget" ? (openJson<{ ledgerId?: unknown } | null>(row.data)?.ledgerId ?? null) : null;
  if (typeof ledgerId !== "string") {
    throw invalidInput(`Approval ${row.id} is not a budget approval, so it has no budget to raise.`, [{ path: "raiseBudget", message: "only for budget approvals" }]);
  }
  return raiseLedger(client, ledgerId, by);
}

export interface ApprovalFilter {
  status?: ApprovalView["status"];
  /** Most approvals returned. @defaultValue 200 */
  limit?: number;
}

/** The inbox: pending first (oldest first, the one waiting longest on top), then the rest, newest first. */
export async function listApprovalViews(db: Db, filter: ApprovalFilter = {}): Promise<ApprovalView[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<ApprovalRow>(
      `SELECT ${APPROVAL_COLUMNS} FROM approvals a JOIN runs r ON r.id = a.run_id
       WHERE ($1::text IS NULL OR a.status = $1)
       ORDER BY (a.status = 'pending') DESC,
                CASE WHEN a.status = 'pending' THEN a.created_at END ASC,
                coalesce(a.decided_at, a.created_at) DESC, a.id
       LIMIT $2`,
      [filter.status ?? null, Math.min(Math.max(filter.limit ?? 200, 1), 1000)],
    ),
  );
  return rows.map(toApprovalView);
}

export async function getApprovalView(db: Db, approvalId: string): Promise<ApprovalView | null> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<ApprovalRow>(`SELECT ${APPROVAL_COLUMNS} FROM approvals a JOIN runs r ON r.id = a.run_id WHERE a.id = $1`, [
      approvalId,
    ]),
  );
  return rows[0] ? toApprovalView(rows[0]) : null;
}
