/**
 * Budget accounts (budget_ledgers) and the reservations LLM calls hold on them. Before a call, its
 * estimated cost is reserved with ONE conditional UPDATE of the ledger row (spent + reserved +
 * estimate must stay within the limit); Postgres re-checks that condition after waiting for the row
 * lock, so any number of parallel calls can never reserve past a hard limit. After the call, the
 * settlement moves the estimate out of `reserved` and the real cost into `spent`.
 */
import type { PoolClient } from "pg";
import type { Db } from "./db";
import { withTransaction } from "./db";
import { createId } from "./ids";

export type BudgetScope = "run" | "workflow-day" | "workflow-month" | "global-day";

export interface BudgetLimits {
  /** Hard limit in USD; null or omitted: no USD limit */
  limitUsd?: number | null;
  /** Hard limit in tokens (input + output); null or omitted: no token limit */
  limitTokens?: number | null;
  /** What happens when a call does not fit. @defaultValue "pause" */
  onExceed?: "pause" | "fail";
}

export interface BudgetAccount {
  id: string;
  scope: BudgetScope;
  limitUsd: number | null;
  limitTokens: number | null;
  spentUsd: number;
  spentTokens: number;
  reservedUsd: number;
  reservedTokens: number;
  onExceed: "pause" | "fail";
}

interface LedgerRow {
  id: string;
  scope: BudgetScope;
  limit_usd: string | null;
  limit_tokens: number | null;
  spent_usd: string;
  spent_tokens: number;
  reserved_usd: string;
  reserved_tokens: number;
  on_exceed: "pause" | "fail";
}

const LEDGER_COLUMNS = `id, scope, limit_usd, limit_tokens, spent_usd, spent_tokens, reserved_usd, reserved_tokens, on_exceed`;

const toAccount = (row: LedgerRow): BudgetAccount => ({
  id: row.id,
  scope: row.scope,
  limitUsd: row.limit_usd === null ? null : Number(row.limit_usd),
  limitTokens: row.limit_tokens,
  spentUsd: Number(row.spent_usd),
  spentTokens: row.spent_tokens,
  reservedUsd: Number(row.reserved_usd),
  reservedTokens: row.reserved_tokens,
  onExceed: row.on_exceed,
});

/** The ledger id of a scope: `run:<runId>`, `workflow-day:<name>:<yyyy-mm-dd>`, `global-day:<yyyy-mm-dd>`… */
export function budgetLedgerId(scope: BudgetScope, ...key: string[]): string {
  return [scope, ...key].join(":");
}

/**
 * Opens a budget account with its limits, or leaves an existing one as it is (its limits may have
 * been raised by an approver since; opening again must not undo that).
 */
export async function openBudget(db: Db, id: string, scope: BudgetScope, limits: BudgetLimits): Promise<BudgetAccount> {
  for (const [name, value] of [["limitUsd", limits.limitUsd], ["limitTokens", limits.limitTokens]] as const) {
    if (value !== undefined && value !== null && (!Number.isFinite(value) || value < 0)) {
      throw new RangeError(`Budget ${id}: ${name} must be a number ≥ 0, not ${value}.`);
    }
  }
  await db.pool.query(
    `INSERT INTO budget_ledgers (id, scope, limit_usd, limit_tokens, on_exceed) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING`,
    [id, scope, limits.limitUsd ?? null, limits.limitTokens ?? null, limits.onExceed ?? "pause"],
  );
  return (await getBudget(db, id))!;
}

export async function getBudget(db: Db, id: string): Promise<BudgetAccount | undefined> {
  const { rows } = await db.pool.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM budget_ledgers WHERE id = $1`, [id]);
  return rows[0] ? toAccount(rows[0]) : undefined;
}

export interface ReservationRequest {
  ledgerId: string;
  runId: string;
  seq: number;
  stepId: string;
  attempt: number;
  /** The most the call can cost (input estimate + maxTokens of output at the model's price) */
  estimateUsd: number;
  estimateTokens: number;
}

export type ReservationResult =
  | { ok: true; reservationId: string }
  /** The call does not fit: `account` shows spent, reserved and the limit it would pass */
  | { ok: false; account: BudgetAccount };

/**
 * Reserves a call's estimate on a ledger, or refuses when it would pass a limit. One reservation per
 * (ledger, run, seq, attempt): a call that re-reserves after a crash gets its held reservation back;
 * one whose reservation was settled (an interrupted attempt) reserves again on the same row.
 */
export async function reserveBudget(db: Db, request: ReservationRequest): Promise<ReservationResult> {
  return withTransaction(db, async (client) => {
    const existing = await client.query<{ id: string; status: string }>(
      `SELECT id, status FROM budget_reservations WHERE ledger_id = $1 AND run_id = $2 AND seq = $3 AND attempt = $4 FOR UPDATE`,
      [request.ledgerId, request.runId, request.seq, request.attempt],
    );
    const previous = existing.rows[0];
    // Still held (the worker died during the call): the re-run uses it.
    if (previous?.status === "reserved") return { ok: true as const, reservationId: previous.id };
    // The WHERE is re-evaluated on the latest row version after a lock wait: the hard-limit guarantee.
    const reserved = await client.query(
      `UPDATE budget_ledgers SET reserved_usd = reserved_usd + $2, reserved_tokens = reserved_tokens + $3, updated_at = now()
       WHERE id = $1
         AND (limit_usd IS NULL OR spent_usd + reserved_usd + $2 <= limit_usd)
         AND (limit_tokens IS NULL OR spent_tokens + reserved_tokens + $3 <= limit_tokens)`,
      [request.ledgerId, request.estimateUsd, request.estimateTokens],
    );
    if (!reserved.rowCount) {
      const account = await ledgerIn(client, request.ledgerId);
      if (!account) throw new Error(`Budget ${request.ledgerId} does not exist; open it before reserving on it.`);
      return { ok: false as const, account };
    }
    if (previous) {
      // Settled already (the attempt was interrupted and runs again): what it spent stays spent; hold anew.
      await client.query(
        `UPDATE budget_reservations SET status = 'reserved', estimate_usd = $2, estimate_tokens = $3, actual_usd = NULL,
           actual_tokens = NULL, settled_at = NULL WHERE id = $1`,
        [previous.id, request.estimateUsd, request.estimateTokens],
      );
      return { ok: true as const, reservationId: previous.id };
    }
    const id = createId("rsv");
    await client.query(
      `INSERT INTO budget_reservations (id, ledger_id, run_id, seq, step_id, attempt, estimate_usd, estimate_tokens, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'reserved')`,
      [id, request.ledgerId, request.runId, request.seq, request.stepId, request.attempt, request.estimateUsd, request.estimateTokens],
    );
    return { ok: true as const, reservationId: id };
  });
}

/**
 * Settles a reservation with what the call really cost (0 for an attempt that failed before any
 * usage): the estimate leaves `reserved`, the real cost enters `spent`. Settling twice changes nothing.
 */
export async function settleBudget(db: Db, reservationId: string, actual: { costUsd: number; tokens: number }): Promise<void> {
  await db.pool.query(
    `WITH settled AS (
       UPDATE budget_reservations SET status = 'settled', actual_usd = $2, actual_tokens = $3, settled_at = now()
       WHERE id = $1 AND status = 'reserved'
       RETURNING ledger_id, estimate_usd, estimate_tokens
     )
     UPDATE budget_ledgers l SET reserved_usd = l.reserved_usd - s.estimate_usd, reserved_tokens = l.reserved_tokens - s.estimate_tokens,
       spent_usd = l.spent_usd + $2, spent_tokens = l.spent_tokens + $3, updated_at = now()
     FROM settled s WHERE l.id = s.ledger_id`,
    [reservationId, actual.costUsd, actual.tokens],
  );
}

/** Raises a budget's limits by the given amounts (an approver's "raise and continue"). */
export async function raiseBudget(db: Db, id: string, by: { usd?: number; tokens?: number }): Promise<BudgetAccount> {
  const { rows } = await db.pool.query<LedgerRow>(
    `UPDATE budget_ledgers SET limit_usd = CASE WHEN limit_usd IS NULL THEN NULL ELSE limit_usd + $2 END,
       limit_tokens = CASE WHEN limit_tokens IS NULL THEN NULL ELSE limit_tokens + $3 END, updated_at = now()
     WHERE id = $1 RETURNING ${LEDGER_COLUMNS}`,
    [id, by.usd ?? 0, by.tokens ?? 0],
  );
  if (!rows[0]) throw new Error(`Budget ${id} does not exist, so its limit cannot be raised.`);
  return toAccount(rows[0]);
}

async function ledgerIn(client: PoolClient, id: string): Promise<BudgetAccount | undefined> {
  const { rows } = await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM budget_ledgers WHERE id = $1`, [id]);
  return rows[0] ? toAccount(rows[0]) : undefined;
}
