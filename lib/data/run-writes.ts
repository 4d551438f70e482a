/**
 * The run lifecycle in SQL: create, claim (lease + epoch), release, finish a tick, cancel, and
 * find runs that need a tick. Each is one statement (one round trip) so that concurrent workers,
 * the reconciler and the console race safely on row locks instead of read-then-write.
 */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import type { Json, RunStatus, SerializedError, TickOutcome } from "../engine/types";
import { jsonParam } from "./canonical-json";
import { inputSearchParam, openJson, sealedJsonParam } from "./sealed";
import { notFound } from "../errors/app-error";
import { staleEpochError } from "./stale-epoch";

export interface CreateRunInput {
  id: string;
  workflowName: string;
  workflowVersion: number;
  input: Json;
  /** A repeat with the same key returns the first run instead of creating another */
  idempotencyKey?: string;
  /** "user:<id>", "apikey:<id>", "webhook:<workflow>", "replay:<runId>" */
  requestedBy: string;
  budget?: Json;
  deadlineAt: Date | null;
  forkedFromRunId?: string;
  forkedAtStep?: string;
  /** W3C trace context of the run's root span */
  traceContext?: Json;
  /** For a fork: copy the source run's journal entries (and their approvals) with seq < beforeSeq */
  copyJournal?: { fromRunId: string; beforeSeq: number };
}

/**
 * Inserts a queued run and its `created` event. With an idempotency key, concurrent callers all
 * get the one run that won the insert (`created` is true only for the winner).
 */
export async function createRun(db: Db, run: CreateRunInput): Promise<{ runId: string; created: boolean }> {
  const insert = () =>
    db.pool.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO runs (id, workflow_name, workflow_version, status, input, input_search, idempotency_key, requested_by,
                           budget, deadline_at, forked_from_run_id, forked_at_step, trace_context, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', $4::jsonb, $14::jsonb, $5, $6, $7::jsonb, $8, $9, $10, $11::jsonb, now(), now())
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id
       ),
       copied AS (
         INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, attempts, input, output, error, side_effect,
                                      wake_at, started_at, finished_at, provider, request_model, model, input_tokens,
                                      output_tokens, cost_usd, finish_reason, latency_ms, response_id, server_address)
         SELECT ins.id || '#' || j.seq, ins.id, j.seq, j.step_id, j.kind, j.status, j.attempts, j.input, j.output, j.error,
                j.side_effect, j.wake_at, j.started_at, j.finished_at, j.provider, j.request_model, j.model, j.input_tokens,
                j.output_tokens, j.cost_usd, j.finish_reason, j.latency_ms, j.response_id, j.server_address
         FROM ins JOIN journal_entries j ON j.run_id = $12 AND j.seq < $13
       ),
       copied_approvals AS (
         INSERT INTO approvals (id, run_id, step_id, kind, status, summary, data, payload_hash, expires_at, decided_by,
                                decided_at, comment, created_at)
         SELECT 'apr_' || replace(gen_random_uuid()::text, '-', ''), ins.id, a.step_id, a.kind, a.status, a.summary, a.data,
                a.payload_hash, a.expires_at, a.decided_by, a.decided_at, a.comment, a.created_at
         FROM ins
         JOIN approvals a ON a.run_id = $12
         JOIN journal_entries j ON j.run_id = a.run_id AND j.step_id = a.step_id AND j.seq < $13
       ),
       ev AS (
         INSERT INTO run_events (run_id, type, data)
         SELECT id, 'created', jsonb_build_object('requestedBy', $6::text, 'forkedFromRunId', $9::text, 'forkedAtStep', $10::text)
         FROM ins
       )
       SELECT id FROM ins`,
      [
        run.id,
        run.workflowName,
        run.workflowVersion,
        sealedJsonParam(run.input ?? null),
        run.idempotencyKey ?? null,
        run.requestedBy,
        jsonParam(run.budget),
        run.deadlineAt,
        run.forkedFromRunId ?? null,
        run.forkedAtStep ?? null,
        jsonParam(run.traceContext),
        run.copyJournal?.fromRunId ?? null,
        run.copyJournal?.beforeSeq ?? 0,
        inputSearchParam(run.input ?? null),
      ],
    );
  // Without a key a retried insert could create a second run; with one, the retry is harmless.
  const inserted = run.idempotencyKey ? await withConnectionRetry(insert) : await insert();
  if (inserted.rows[0]) return { runId: inserted.rows[0].id, created: true };
  // Lost the race on the idempotency key: ON CONFLICT waited for the winner to commit, so it is visible now.
  const winner = await db.pool.query<{ id: string }>("SELECT id FROM runs WHERE idempotency_key = $1", [run.idempotencyKey]);
  if (!winner.rows[0]) throw new Error(`Run with idempotency key "${run.idempotencyKey}" vanished while being created.`);
  return { runId: winner.rows[0].id, created: false };
}

export interface ClaimedRun {
  id: string;
  workflowName: string;
  workflowVersion: number;
  input: Json;
  /** The fencing token: every journal write of this tick carries it */
  epoch: number;
  startedAt: Date;
  deadlineAt: Date | null;
  traceContext: Json | null;
  budget: Json | null;
  /** Set when earlier workers died holding this run: where (journal position) and how often in a row */
  recovery?: { position: number; crashes: number };
}

interface ClaimRow {
  id: string;
  workflow_name: string;
  workflow_version: number;
  input: Json;
  epoch: number;
  started_at: Date;
  deadline_at: Date | null;
  trace_context: Json | null;
  budget: Json | null;
  crash_count: number;
  crash_position: number | null;
}

/** Which runs a worker may claim now; kept in one place for claimRun and findRunsToWake. */
const CLAIMABLE = `(
  r.status = 'queued'
  OR (r.status = 'running' AND ((r.lease_owner IS NULL AND (r.wake_at IS NULL OR r.wake_at <= now()))
                                OR r.lease_expires_at < now()))
  OR (r.status = 'waiting' AND (r.needs_tick OR r.wake_at <= now()))
  OR (r.status IN ('running', 'waiting') AND r.deadline_at <= now()
      AND (r.lease_owner IS NULL OR r.lease_expires_at < now()))
)`;

/**
 * Claims a run for one tick: bumps the epoch (fencing out any earlier holder) and takes a lease.
 * Returns null when the run is not claimable (someone holds a live lease, it is terminal, or it
 * waits for something that has not happened). Taking over an expired lease counts a crash at the
 * run's journal position, for poison-run detection.
 */
export async function claimRun(
  db: Db,
  claim: { runId: string; workerId: string; leaseMs: number },
): Promise<ClaimedRun | null> {
  const { rows } = await db.pool.query<ClaimRow>({
    name: "waymark_claim_run",
    text: `WITH cur AS (
             -- FOR UPDATE reads the latest committed row, so "was the lease held?" matches the row we update.
             SELECT r.id, r.lease_owner AS previous_owner,
                    (SELECT count(*) FROM journal_entries j
                      WHERE j.run_id = r.id AND j.status IN ('succeeded', 'failed', 'waiting'))::int AS position
             FROM runs r WHERE r.id = $1 FOR UPDATE
           ),
           claimed AS (
             UPDATE runs r SET
               epoch = r.epoch + 1,
               lease_owner = $2,
               lease_expires_at = now() + $3::int * interval '1 millisecond',
               status = 'running',
               needs_tick = false,
               started_at = coalesce(r.started_at, now()),
               updated_at = now(),
               crash_count = CASE WHEN c.previous_owner IS NULL THEN r.crash_count
                                  WHEN r.crash_position = c.position THEN r.crash_count + 1
                                  ELSE 1 END,
               crash_position = CASE WHEN c.previous_owner IS NULL THEN r.crash_position ELSE c.position END
             FROM cur c
             WHERE r.id = c.id AND ${CLAIMABLE}
             RETURNING r.id, r.workflow_name, r.workflow_version, r.input, r.epoch, r.started_at, r.deadline_at,
                       r.trace_context, r.budget, r.crash_count, r.crash_position, c.previous_owner
           ),
           ev AS (
             INSERT INTO run_events (run_id, type, data)
             SELECT id,
                    CASE WHEN previous_owner IS NULL THEN 'claimed' ELSE 'recovered' END,
                    CASE WHEN previous_owner IS NULL
                         THEN jsonb_build_object('workerId', $2::text, 'epoch', epoch)
                         ELSE jsonb_build_object('workerId', $2::text, 'epoch', epoch, 'previousWorker', previous_owner,
                                                 'position', crash_position, 'crashes', crash_count) END
             FROM claimed
           )
           SELECT * FROM claimed`,
    values: [claim.runId, claim.workerId, Math.round(claim.leaseMs)],
  });
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    workflowName: row.workflow_name,
    workflowVersion: row.workflow_version,
    input: openJson(row.input),
    epoch: row.epoch,
    startedAt: row.started_at,
    deadlineAt: row.deadline_at,
    traceContext: row.trace_context,
    budget: row.budget,
    ...(row.crash_count > 0 ? { recovery: { position: row.crash_position ?? 0, crashes: row.crash_count } } : {}),
  };
}

/**
 * Gives a claimed run back without running it (this worker lacks its version, or is shutting
 * down): the lease is cleared and the epoch kept, so the next claim proceeds normally.
 */
export async function releaseClaim(
  db: Db,
  release: { runId: string; epoch: number; status: "queued" },
): Promise<{ released: boolean }> {
  const { rowCount } = await db.pool.query(
    `WITH rel AS (
       UPDATE runs SET status = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND epoch = $2 AND lease_owner IS NOT NULL
       RETURNING id
     ),
     ev AS (INSERT INTO run_events (run_id, type, data) SELECT id, 'released', jsonb_build_object('epoch', $2::int) FROM rel)
     SELECT id FROM rel`,
    [release.runId, release.epoch, release.status],
  );
  return { released: (rowCount ?? 0) > 0 };
}

function finishEvent(outcome: TickOutcome): { type: string; data: Json } {
  switch (outcome.type) {
    case "succeeded":
      return { type: "succeeded", data: null };
    case "failed": {
      // The message may quote step data: it stays on the run, sealed (run_events is append-only, so a
      // sealed copy here could never be re-sealed after a key rotation).
      const { name, reason } = outcome.error;
      return { type: "failed", data: { name, reason: reason ?? null } };
    }
    case "suspended":
      return {
        type: outcome.runStatus === "waiting" ? "waiting" : "retry_scheduled",
        data: { wakeAt: outcome.wakeAt?.toISOString() ?? null },
      };
  }
}

/** The error as stored on the run: the stack never leaves the worker's logs. */
function storedError(error: SerializedError): Json {
  const { stack: _stack, ...rest } = error;
  return JSON.parse(JSON.stringify(rest)) as Json;
}

/**
 * Ends a tick: records the outcome, clears the lease, refreshes the run's totals and resets the
 * crash counter. `requeue` tells the caller to enqueue another tick at once: an approval was
 * decided while this tick ran, or the wake-up time has already passed.
 */
export async function finishTick(
  db: Db,
  finish: { runId: string; epoch: number; outcome: TickOutcome },
): Promise<{ status: RunStatus; requeue: boolean }> {
  const { outcome } = finish;
  const event = finishEvent(outcome);
  const { rows } = await db.pool.query<{ status: RunStatus; requeue: boolean }>({
    name: "waymark_finish_tick",
    text: `WITH totals AS (
             SELECT (SELECT count(*) FROM journal_entries WHERE run_id = $1) AS step_count,
                    (SELECT coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0)
                       FROM journal_entries WHERE run_id = $1)
                  + (SELECT coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0)
                       FROM step_attempts WHERE run_id = $1) AS total_tokens,
                    (SELECT coalesce(sum(cost_usd), 0) FROM journal_entries WHERE run_id = $1)
                  + (SELECT coalesce(sum(cost_usd), 0) FROM step_attempts WHERE run_id = $1) AS total_cost
           ),
           done AS (
             UPDATE runs r SET
               status = CASE WHEN $3 = 'suspended' THEN (CASE WHEN r.needs_tick THEN 'queued' ELSE $4 END) ELSE $3 END,
               output = CASE WHEN $3 = 'succeeded' THEN $5::jsonb ELSE r.output END,
               error = CASE WHEN $3 = 'failed' THEN $6::jsonb WHEN $3 = 'succeeded' THEN NULL ELSE r.error END,
               finished_at = CASE WHEN $3 = 'suspended' THEN NULL ELSE now() END,
               wake_at = CASE WHEN $3 = 'suspended' THEN $7::timestamptz ELSE NULL END,
               lease_owner = NULL,
               lease_expires_at = NULL,
               crash_count = 0,
               crash_position = NULL,
               step_count = t.step_count,
               total_tokens = t.total_tokens,
               total_cost_usd = t.total_cost,
               updated_at = now()
             FROM totals t
             WHERE r.id = $1 AND r.epoch = $2 AND r.lease_owner IS NOT NULL
             RETURNING r.id, r.status,
                       r.status IN ('queued', 'running', 'waiting')
                         AND (r.needs_tick OR r.wake_at <= now() OR (r.status = 'running' AND r.wake_at IS NULL)) AS requeue
           ),
           -- an ended run leaves nothing pending in the inbox
           closed AS (
             UPDATE approvals SET status = 'expired', decided_at = now()
             WHERE run_id IN (SELECT id FROM done WHERE status IN ('succeeded', 'failed')) AND status = 'pending'
           ),
           ev AS (INSERT INTO run_events (run_id, type, data) SELECT id, $8, $9::jsonb FROM done)
           SELECT status, requeue FROM done`,
    values: [
      finish.runId,
      finish.epoch,
      outcome.type,
      outcome.type === "suspended" ? outcome.runStatus : null,
      outcome.type === "succeeded" ? sealedJsonParam(outcome.output ?? null) : null,
      outcome.type === "failed" ? sealedJsonParam(storedError(outcome.error)) : null,
      outcome.type === "suspended" ? outcome.wakeAt : null,
      event.type,
      jsonParam(event.data),
    ],
  });
  if (!rows[0]) throw staleEpochError(finish.runId, finish.epoch);
  return { status: rows[0].status, requeue: rows[0].requeue };
}

/**
 * Cancels a run that has not ended: bumps the epoch so a worker mid-tick is fenced out, clears
 * the lease and expires its pending approvals. Ended runs are left as they are.
 */
export async function cancelRun(db: Db, cancel: { runId: string; by: string }): Promise<{ changed: boolean }> {
  const { rows } = await db.pool.query<{ found: boolean; changed: boolean }>(
    `WITH upd AS (
       UPDATE runs SET status = 'cancelled', epoch = epoch + 1, lease_owner = NULL, lease_expires_at = NULL,
                       wake_at = NULL, needs_tick = false, finished_at = now(), updated_at = now()
       WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')
       RETURNING id
     ),
     apr AS (
       UPDATE approvals SET status = 'expired', decided_at = now()
       WHERE run_id IN (SELECT id FROM upd) AND status = 'pending'
       RETURNING id
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, data)
       SELECT id, 'cancelled', jsonb_build_object('by', $2::text, 'expiredApprovals', (SELECT count(*) FROM apr)) FROM upd
     )
     SELECT EXISTS (SELECT 1 FROM runs WHERE id = $1) AS found, EXISTS (SELECT 1 FROM upd) AS changed`,
    [cancel.runId, cancel.by],
  );
  if (!rows[0].found) throw notFound("Run", cancel.runId);
  return { changed: rows[0].changed };
}

export interface WakeScan {
  /** A queued run untouched for this long has probably lost its job (Redis flush, crash before enqueue) */
  staleQueuedMs: number;
  /** Most run ids returned */
  limit: number;
}

/**
 * Runs that need a tick but may have no job in the queue: expired leases, due wake-ups, decided
 * approvals, stale queued runs and passed deadlines. The reconciler enqueues them (duplicates
 * are harmless: only one claim wins).
 */
export async function findRunsToWake(db: Db, scan: WakeScan): Promise<string[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ id: string }>(
      `SELECT r.id FROM runs r
       WHERE (r.status = 'running' AND r.lease_owner IS NOT NULL AND r.lease_expires_at < now())
          OR (r.status = 'running' AND r.lease_owner IS NULL AND (r.wake_at IS NULL OR r.wake_at <= now()))
          OR (r.status = 'waiting' AND (r.needs_tick OR r.wake_at <= now()))
          OR (r.status = 'queued' AND r.updated_at < now() - $1::int * interval '1 millisecond')
          OR (r.status IN ('queued', 'running', 'waiting') AND r.deadline_at <= now()
              AND (r.lease_owner IS NULL OR r.lease_expires_at < now()))
       ORDER BY r.updated_at
       LIMIT $2`,
      [Math.round(scan.staleQueuedMs), scan.limit],
    ),
  );
  return rows.map((row) => row.id);
}

/** Stores the run's root trace context once (the first tick creates the root span). */
export async function saveTraceContext(db: Db, save: { runId: string; traceContext: Json }): Promise<void> {
  await db.pool.query("UPDATE runs SET trace_context = $2::jsonb WHERE id = $1 AND trace_context IS NULL", [
    save.runId,
    JSON.stringify(save.traceContext),
  ]);
}
