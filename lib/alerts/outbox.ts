/**
 * The alert outbox (alert_outbox): an alert is a row written in the same transaction as the change
 * that caused it, so a crash can never lose it nor send one for a change that rolled back. A unique
 * `dedupe_key` per cause (`threshold:<ledger>:<fraction>`, `paused:<approval>`) makes "exactly one
 * alert per crossing" a database fact. Deliverers claim due rows with a lease (SKIP LOCKED), so any
 * number of workers share the work and a killed worker's rows come back when its lease ends.
 */
import type { Pool, PoolClient } from "pg";
import { jsonParam } from "../data/canonical-json";
import { createId } from "../data/ids";

export type AlertType = "budget.threshold" | "budget.paused";

/** The Standard Webhooks payload shape: `{ type, timestamp, data }`. */
export interface AlertPayload {
  type: AlertType;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface OutboxAlert {
  id: string;
  type: AlertType;
  payload: AlertPayload;
  attempts: number;
}

/** Id of the one alert endpoint (alert_endpoints). */
export const ALERT_ENDPOINT_ID = "budget";

/** Delivery attempts before an alert is given up as `failed`. @defaultValue 12 (about 2 hours of backoff) */
export const MAX_ALERT_ATTEMPTS = 12;

/**
 * Queues an alert inside the caller's transaction, once per `dedupeKey`, and only while an enabled
 * alert endpoint exists (with none, nothing is queued; a later crossing check queues it then).
 */
export async function enqueueAlert(
  client: Pick<PoolClient, "query">,
  alert: { dedupeKey: string; type: AlertType; data: Record<string, unknown> },
): Promise<void> {
  const payload: AlertPayload = { type: alert.type, timestamp: new Date().toISOString(), data: alert.data };
  await client.query(
    `INSERT INTO alert_outbox (id, dedupe_key, type, payload)
     SELECT $1, $2, $3, $4::jsonb WHERE EXISTS (SELECT 1 FROM alert_endpoints WHERE id = $5 AND enabled)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [createId("alr"), alert.dedupeKey, alert.type, jsonParam(payload), ALERT_ENDPOINT_ID],
  );
}

/** Claims up to `limit` due alerts for `leaseMs`; each claim counts as an attempt. */
export async function claimDueAlerts(pool: Pick<Pool, "query">, options: { limit: number; leaseMs: number }): Promise<OutboxAlert[]> {
  const { rows } = await pool.query<{ id: string; type: AlertType; payload: AlertPayload; attempts: number }>(
    `UPDATE alert_outbox SET attempts = attempts + 1, locked_until = now() + make_interval(secs => $2::double precision / 1000)
     WHERE id IN (
       SELECT id FROM alert_outbox
       WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
       ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, type, payload, attempts`,
    [options.limit, options.leaseMs],
  );
  return rows;
}

export async function markAlertDelivered(pool: Pick<Pool, "query">, id: string): Promise<void> {
  await pool.query(`UPDATE alert_outbox SET status = 'delivered', delivered_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`, [id]);
}

/** Exponential backoff: 5 s, 10 s, 20 s … capped at 30 minutes. */
export function alertRetryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/**
 * Records a failed attempt: retried after the backoff, or `failed` after {@link MAX_ALERT_ATTEMPTS};
 * `dropped` when there is nowhere to send it (the endpoint was removed or disabled).
 */
export async function markAlertFailed(
  pool: Pick<Pool, "query">,
  alert: Pick<OutboxAlert, "id" | "attempts">,
  error: string,
  options: { drop?: boolean } = {},
): Promise<void> {
  const status = options.drop ? "dropped" : alert.attempts >= MAX_ALERT_ATTEMPTS ? "failed" : "pending";
  await pool.query(
    `UPDATE alert_outbox SET status = $2, last_error = $3, locked_until = NULL,
       next_attempt_at = now() + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
    [alert.id, status, error.slice(0, 500), alertRetryDelayMs(alert.attempts)],
  );
}
