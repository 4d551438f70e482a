/**
 * Budget accounts (budget_ledgers) and the reservations LLM calls hold on them. Before a call, its
 * estimated cost is reserved on every ledger it is charged to (the run's, its workflow's day and
 * month, the global day) in one transaction that locks those rows, so any number of parallel calls
 * can never reserve past any hard limit. After the call, the settlement moves the estimate out of
 * `reserved` and the real cost into `spent`, and queues an alert when a threshold is reached.
 */
import type { PoolClient } from "pg";
import type { Db } from "./db";
import { withTransaction } from "./db";
import { enqueueAlert } from "../alerts/outbox";
import { createId } from "./ids";

export type BudgetScope = "run" | "workflow-day" | "workflow-month" | "global-day";

export interface BudgetLimits {
  /** Hard limit in USD; null or omitted: no USD limit */
  limitUsd?: number | null;
  /** Hard limit in tokens (input + output); null or omitted: no token limit */
  limitTokens?: number | null;
  /** What happens when a call does not fit. @defaultValue "pause" */
  onExceed?: "pause" | "fail";
  /** Fractions of a limit whose crossing queues an alert (once each), e.g. [0.8]. @defaultValue [] */
  alertThresholds?: number[];
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

/**
 * The ledger id of a scope: `run:<runId>`, `workflow-day:<name>:<yyyy-mm-dd>`, `workflow-month:<name>:<yyyy-mm>`,
 * `global-day:<yyyy-mm-dd>` (UTC dates). The cost dashboard reads ledgers by these ids: keep the format.
 */
export function budgetLedgerId(scope: BudgetScope, ...key: string[]): string {
  return [scope, ...key].join(":");
}

/**
 * Opens a budget account with its limits, or leaves an existing one as it is (its limits may have
 * been raised by an approver since; opening again must not undo that).
 */
export async function openBudget(db: Db, id: string, scope: BudgetScope, limits: BudgetLimits): Promise<BudgetAccount> {
  await withTransaction(db, (client) => openLedgers(client, [{ id, scope, limits }]));
  return (await getBudget(db, id))!;
}

function assertLimits(id: string, limits: BudgetLimits): void {
  for (const [name, value] of [["limitUsd", limits.limitUsd], ["limitTokens", limits.limitTokens]] as const) {
    if (value !== undefined && value !== null && (!Number.isFinite(value) || value < 0)) {
      throw new RangeError(`Budget ${id}: ${name} must be a number ≥ 0, not ${value}.`);
    }
  }
}

export async function getBudget(db: Db, id: string): Promise<BudgetAccount | undefined> {
  const { rows } = await db.pool.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM budget_ledgers WHERE id = $1`, [id]);
  return rows[0] ? toAccount(rows[0]) : undefined;
}

/** A ledger a call is charged to, opened with `limits` in the reservation's transaction if it does not exist yet. */
export interface LedgerSpec {
  id: string;
  scope: BudgetScope;
  limits: BudgetLimits;
}

export interface ReservationRequest {
  /** Every ledger the call is charged to (run, workflow day and month, global day); refused if ANY does not fit */
  ledgers: LedgerSpec[];
  /** Ids of those the caller knows exist (it opened them before): no insert is tried for them */
  knownOpen?: ReadonlySet<string>;
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
  /** The call does not fit: `account` is the (first) ledger it would pass the limit of */
  | { ok: false; account: BudgetAccount };

/**
 * Reserves a call's estimate on every ledger it is charged to, all or none, in one transaction:
 * the ledgers are opened if missing, then locked in id order (so two calls never wait on each other
 * in a cycle), checked, and charged. One reservation row per (ledger, run, seq, attempt): a call that
 * re-reserves after a crash gets its held reservations back; one whose reservations were settled (an
 * interrupted attempt) reserves again on the same rows. The returned id stands for the whole call.
 */
export async function reserveBudget(db: Db, request: ReservationRequest): Promise<ReservationResult> {
  if (request.ledgers.length === 0) throw new RangeError(`Reservation for ${request.runId}/${request.stepId} names no ledger.`);
  const ids = request.ledgers.map((ledger) => ledger.id);
  return withTransaction(db, async (client) => {
    const toOpen = request.ledgers.filter((ledger) => !request.knownOpen?.has(ledger.id));
    if (toOpen.length > 0) await openLedgers(client, toOpen);
    const locked = await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM budget_ledgers WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [ids]);
    const accounts = new Map(locked.rows.map((row) => [row.id, toAccount(row)]));
    const existing = await client.query<{ id: string; ledger_id: string; status: string }>(
      `SELECT id, ledger_id, status FROM budget_reservations WHERE run_id = $1 AND seq = $2 AND attempt = $3 AND ledger_id = ANY($4)`,
      [request.runId, request.seq, request.attempt, ids],
    );
    const held = new Map(existing.rows.filter((row) => row.status === "reserved").map((row) => [row.ledger_id, row.id]));
    const toCharge = ids.filter((id) => !held.has(id));
    // Checked in SQL on the locked rows: exact decimal arithmetic, the column's own rounding.
    const over = await client.query<{ id: string }>(
      `SELECT id FROM budget_ledgers WHERE id = ANY($1) AND NOT (
         (limit_usd IS NULL OR spent_usd + reserved_usd + round($2::numeric, 6) <= limit_usd)
         AND (limit_tokens IS NULL OR spent_tokens + reserved_tokens + $3 <= limit_tokens))`,
      [toCharge, request.estimateUsd, request.estimateTokens],
    );
    // In the caller's order, so the narrowest budget (the run's) is the one named when several refuse.
    const refusing = toCharge.find((id) => over.rows.some((row) => row.id === id));
    if (refusing) return { ok: false as const, account: accounts.get(refusing)! };
    if (toCharge.length > 0) {
      await client.query(
        `UPDATE budget_ledgers SET reserved_usd = reserved_usd + $2, reserved_tokens = reserved_tokens + $3, updated_at = now() WHERE id = ANY($1)`,
        [toCharge, request.estimateUsd, request.estimateTokens],
      );
      // A settled row of an interrupted attempt holds anew; what it spent stays spent.
      const rows = toCharge.map((ledgerId) => ({ id: createId("rsv"), ledgerId }));
      await client.query(
        `INSERT INTO budget_reservations (id, ledger_id, run_id, seq, step_id, attempt, estimate_usd, estimate_tokens, status)
         SELECT r.id, r.ledger_id, $3, $4, $5, $6, $7, $8, 'reserved' FROM unnest($1::text[], $2::text[]) AS r(id, ledger_id)
         ON CONFLICT (ledger_id, run_id, seq, attempt) DO UPDATE SET status = 'reserved', estimate_usd = EXCLUDED.estimate_usd,
           estimate_tokens = EXCLUDED.estimate_tokens, actual_usd = NULL, actual_tokens = NULL, settled_at = NULL`,
        [rows.map((row) => row.id), rows.map((row) => row.ledgerId), request.runId, request.seq, request.stepId, request.attempt, request.estimateUsd, request.estimateTokens],
      );
    }
    const first = await client.query<{ id: string }>(
      `SELECT id FROM budget_reservations WHERE run_id = $1 AND seq = $2 AND attempt = $3 AND ledger_id = ANY($4) ORDER BY ledger_id LIMIT 1`,
      [request.runId, request.seq, request.attempt, ids],
    );
    return { ok: true as const, reservationId: first.rows[0]!.id };
  });
}

async function openLedgers(client: PoolClient, unordered: LedgerSpec[]): Promise<void> {
  for (const { id, limits } of unordered) assertLimits(id, limits);
  // In id order like the locks: two transactions opening the same new ledgers never wait in a cycle.
  const ledgers = [...unordered].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await client.query(
    `INSERT INTO budget_ledgers (id, scope, limit_usd, limit_tokens, on_exceed, alert_thresholds)
     SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::int[], $5::text[], $6::jsonb[])
     ON CONFLICT (id) DO NOTHING`,
    [
      ledgers.map((ledger) => ledger.id),
      ledgers.map((ledger) => ledger.scope),
      ledgers.map((ledger) => ledger.limits.limitUsd ?? null),
      ledgers.map((ledger) => ledger.limits.limitTokens ?? null),
      ledgers.map((ledger) => ledger.limits.onExceed ?? "pause"),
      ledgers.map((ledger) => JSON.stringify(ledger.limits.alertThresholds ?? [])),
    ],
  );
}

/**
 * Settles every reservation of the call `reservationId` belongs to with what the call really cost
 * (0 for an attempt that failed before any usage): the estimate leaves `reserved`, the real cost
 * enters `spent`, on each ledger. A ledger whose spend reaches one of its alert thresholds queues
 * that alert in the same transaction (once per ledger and threshold). Settling twice changes nothing.
 */
export async function settleBudget(db: Db, reservationId: string, actual: { costUsd: number; tokens: number }): Promise<void> {
  await withTransaction(db, async (client) => {
    const held = await client.query<{ ledger_id: string }>(
      `SELECT r.ledger_id FROM budget_reservations r JOIN budget_reservations c ON c.id = $1
       WHERE r.run_id = c.run_id AND r.seq = c.seq AND r.attempt = c.attempt AND r.status = 'reserved'`,
      [reservationId],
    );
    if (held.rows.length === 0) return;
    const ledgerIds = held.rows.map((row) => row.ledger_id);
    // Same lock order as reserveBudget.
    await client.query(`SELECT id FROM budget_ledgers WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [ledgerIds]);
    const settled = await client.query<LedgerRow & { alert_thresholds: number[] }>(
      `WITH settled AS (
         UPDATE budget_reservations r SET status = 'settled', actual_usd = $2, actual_tokens = $3, settled_at = now()
         FROM budget_reservations c
         WHERE c.id = $1 AND r.run_id = c.run_id AND r.seq = c.seq AND r.attempt = c.attempt AND r.status = 'reserved'
         RETURNING r.ledger_id, r.estimate_usd, r.estimate_tokens
       )
       UPDATE budget_ledgers l SET reserved_usd = l.reserved_usd - s.estimate_usd, reserved_tokens = l.reserved_tokens - s.estimate_tokens,
         spent_usd = l.spent_usd + $2, spent_tokens = l.spent_tokens + $3, updated_at = now()
       FROM settled s WHERE l.id = s.ledger_id
       RETURNING ${LEDGER_COLUMNS.split(", ").map((column) => `l.${column}`).join(", ")}, l.alert_thresholds`,
      [reservationId, actual.costUsd, actual.tokens],
    );
    for (const row of settled.rows) await queueThresholdAlerts(client, toAccount(row), row.alert_thresholds);
  });
}

/** The share of its limit a ledger has spent (the larger of USD and tokens); null without limits. */
export function usedFraction(account: Pick<BudgetAccount, "limitUsd" | "limitTokens" | "spentUsd" | "spentTokens">): number | null {
  const shares = [
    account.limitUsd !== null ? (account.limitUsd > 0 ? account.spentUsd / account.limitUsd : account.spentUsd > 0 ? Infinity : 0) : null,
    account.limitTokens !== null ? (account.limitTokens > 0 ? account.spentTokens / account.limitTokens : account.spentTokens > 0 ? Infinity : 0) : null,
  ].filter((share): share is number => share !== null);
  return shares.length ? Math.max(...shares) : null;
}

async function queueThresholdAlerts(client: PoolClient, account: BudgetAccount, thresholds: number[]): Promise<void> {
  const used = usedFraction(account);
  if (used === null) return;
  for (const threshold of thresholds.filter((fraction) => used >= fraction)) {
    await enqueueAlert(client, {
      dedupeKey: `threshold:${account.id}:${threshold}`,
      type: "budget.threshold",
      data: {
        ledgerId: account.id,
        scope: account.scope,
        threshold,
        usedFraction: Number(used.toFixed(6)),
        limitUsd: account.limitUsd,
        limitTokens: account.limitTokens,
        spentUsd: account.spentUsd,
        spentTokens: account.spentTokens,
      },
    });
  }
}

/** Raises a budget's limits by the given amounts (an approver's "raise and continue"). */
export async function raiseBudget(db: Db, id: string, by: { usd?: number; tokens?: number }): Promise<BudgetAccount> {
  return raiseLedger(db.pool, id, by);
}

/** {@link raiseBudget} on a given connection (inside a caller's transaction). */
export async function raiseLedger(client: Pick<PoolClient, "query">, id: string, by: { usd?: number; tokens?: number }): Promise<BudgetAccount> {
  const { rows } = await client.query<LedgerRow>(
    `UPDATE budget_ledgers SET limit_usd = CASE WHEN limit_usd IS NULL THEN NULL ELSE limit_usd + $2 END,
       limit_tokens = CASE WHEN limit_tokens IS NULL THEN NULL ELSE limit_tokens + $3 END, updated_at = now()
     WHERE id = $1 RETURNING ${LEDGER_COLUMNS}`,
    [id, by.usd ?? 0, by.tokens ?? 0],
  );
  if (!rows[0]) throw new Error(`Budget ${id} does not exist, so its limit cannot be raised.`);
  return toAccount(rows[0]);
}
