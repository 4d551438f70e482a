/**
 * Reads behind replay, bulk replay, the compatibility check and version coverage: a run with its
 * journal, failed runs to replay, in-flight runs to check, a run's forks, and in-flight counts per
 * version. Forks themselves are written by `createRun` (copyJournal) in ./run-writes.
 */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import type { JournalEntry, Json, RunStatus } from "../engine/types";
import { loadJournal } from "./journal-writer";
import { openJson } from "./sealed";

/** A run as replay and compatibility checks need it. */
export interface StoredRun {
  id: string;
  workflowName: string;
  workflowVersion: number;
  status: RunStatus;
  input: Json;
  budget: Json | null;
  createdAt: Date;
  /** null until a worker first claimed it */
  startedAt: Date | null;
  forkedFromRunId: string | null;
  forkedAtStep: string | null;
}

interface StoredRunRow {
  id: string;
  workflow_name: string;
  workflow_version: number;
  status: RunStatus;
  input: Json;
  budget: Json | null;
  created_at: Date;
  started_at: Date | null;
  forked_from_run_id: string | null;
  forked_at_step: string | null;
}

const RUN_COLUMNS = `r.id, r.workflow_name, r.workflow_version, r.status, r.input, r.budget, r.created_at, r.started_at,
                     r.forked_from_run_id, r.forked_at_step`;

function toStoredRun(row: StoredRunRow): StoredRun {
  return {
    id: row.id,
    workflowName: row.workflow_name,
    workflowVersion: row.workflow_version,
    status: row.status,
    input: openJson(row.input),
    budget: row.budget,
    createdAt: row.created_at,
    startedAt: row.started_at,
    forkedFromRunId: row.forked_from_run_id,
    forkedAtStep: row.forked_at_step,
  };
}

/** A run, or null when there is no such run. */
export async function getStoredRun(db: Db, runId: string): Promise<StoredRun | null> {
  const { rows } = await withConnectionRetry(() => db.pool.query<StoredRunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = $1`, [runId]));
  return rows[0] ? toStoredRun(rows[0]) : null;
}

/** The run created with this idempotency key, if any. */
export async function findRunByIdempotencyKey(db: Db, idempotencyKey: string): Promise<StoredRun | null> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<StoredRunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.idempotency_key = $1`, [idempotencyKey]),
  );
  return rows[0] ? toStoredRun(rows[0]) : null;
}

/** A run and its journal in call order, or null when there is no such run. */
export async function getRunWithJournal(db: Db, runId: string): Promise<{ run: StoredRun; journal: JournalEntry[] } | null> {
  const run = await getStoredRun(db, runId);
  return run ? { run, journal: await loadJournal(db, runId) } : null;
}

/** Journals of several runs (one query per run, reusing the engine-facing loader). */
export async function loadJournals(db: Db, runIds: string[]): Promise<Map<string, JournalEntry[]>> {
  const journals = new Map<string, JournalEntry[]>();
  for (const runId of runIds) journals.set(runId, await loadJournal(db, runId));
  return journals;
}

export interface FailedRunScan {
  workflow: string;
  version: number;
  /** Runs created at or after this time */
  createdAfter?: Date;
  /** Runs created before this time */
  createdBefore?: Date;
  limit: number;
}

/**
 * Failed runs of one workflow version in a creation-time range, oldest first, that have not been
 * replayed yet (a run with a fork is counted in `alreadyReplayed` instead), so repeating a bulk
 * replay never forks a run twice.
 */
export async function listFailedRunsToReplay(
  db: Db,
  scan: FailedRunScan,
): Promise<{ runs: StoredRun[]; truncated: boolean; alreadyReplayed: number }> {
  const filter = `r.workflow_name = $1 AND r.workflow_version = $2 AND r.status = 'failed'
                  AND ($3::timestamptz IS NULL OR r.created_at >= $3) AND ($4::timestamptz IS NULL OR r.created_at < $4)`;
  const values = [scan.workflow, scan.version, scan.createdAfter ?? null, scan.createdBefore ?? null];
  const [candidates, replayed] = await Promise.all([
    withConnectionRetry(() =>
      db.pool.query<StoredRunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs r
          WHERE ${filter} AND NOT EXISTS (SELECT 1 FROM runs f WHERE f.forked_from_run_id = r.id)
          ORDER BY r.created_at, r.id
          LIMIT $5`,
        [...values, scan.limit + 1],
      ),
    ),
    withConnectionRetry(() =>
      db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM runs r
          WHERE ${filter} AND EXISTS (SELECT 1 FROM runs f WHERE f.forked_from_run_id = r.id)`,
        values,
      ),
    ),
  ]);
  return {
    runs: candidates.rows.slice(0, scan.limit).map(toStoredRun),
    truncated: candidates.rows.length > scan.limit,
    alreadyReplayed: replayed.rows[0].n,
  };
}

/** Runs not yet ended (queued, running, waiting), oldest first, optionally of one workflow (version). */
export async function listInFlightRuns(
  db: Db,
  scan: { workflow?: string; version?: number; limit: number },
): Promise<{ runs: StoredRun[]; truncated: boolean }> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<StoredRunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r
        WHERE r.status IN ('queued', 'running', 'waiting')
          AND ($1::text IS NULL OR r.workflow_name = $1) AND ($2::int IS NULL OR r.workflow_version = $2)
        ORDER BY r.created_at, r.id
        LIMIT $3`,
      [scan.workflow ?? null, scan.version ?? null, scan.limit + 1],
    ),
  );
  return { runs: rows.slice(0, scan.limit).map(toStoredRun), truncated: rows.length > scan.limit };
}

/** A fork as the run page lists it. */
export interface ForkSummary {
  id: string;
  status: RunStatus;
  version: number;
  forkedAtStep: string | null;
  requestedBy: string | null;
  createdAt: string;
}

/** The runs forked from `runId`, oldest first. */
export async function listForks(db: Db, runId: string): Promise<ForkSummary[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ id: string; status: RunStatus; workflow_version: number; forked_at_step: string | null; requested_by: string | null; created_at: Date }>(
      `SELECT id, status, workflow_version, forked_at_step, requested_by, created_at
         FROM runs WHERE forked_from_run_id = $1 ORDER BY created_at, id`,
      [runId],
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    version: row.workflow_version,
    forkedAtStep: row.forked_at_step,
    requestedBy: row.requested_by,
    createdAt: row.created_at.toISOString(),
  }));
}

/**
 * The steps a similar, finished run recorded after `afterStepId`: the most recent succeeded run of
 * the version that went through that step. A replay preview shows them as the steps likely to
 * run after the source run's journal ends (a run that failed never recorded them).
 */
export async function findLikelyTail(
  db: Db,
  query: { workflow: string; version: number; afterStepId: string; excludeRunId: string },
): Promise<{ runId: string; steps: JournalEntry[] } | null> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ id: string; seq: number }>(
      `SELECT r.id, j.seq FROM runs r JOIN journal_entries j ON j.run_id = r.id AND j.step_id = $3
        WHERE r.workflow_name = $1 AND r.workflow_version = $2 AND r.status = 'succeeded' AND r.id <> $4
        ORDER BY r.finished_at DESC NULLS LAST, r.id DESC
        LIMIT 1`,
      [query.workflow, query.version, query.afterStepId, query.excludeRunId],
    ),
  );
  if (!rows[0]) return null;
  const journal = await loadJournal(db, rows[0].id);
  return { runId: rows[0].id, steps: journal.filter((entry) => entry.seq > rows[0].seq) };
}

export interface InFlightCount {
  workflow: string;
  version: number;
  queued: number;
  running: number;
  waiting: number;
}

/** Runs not yet ended, per workflow version. */
export async function countInFlightByVersion(db: Db): Promise<InFlightCount[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ workflow: string; version: number; queued: number; running: number; waiting: number }>(
      `SELECT workflow_name AS workflow, workflow_version AS version,
              count(*) FILTER (WHERE status = 'queued')::int AS queued,
              count(*) FILTER (WHERE status = 'running')::int AS running,
              count(*) FILTER (WHERE status = 'waiting')::int AS waiting
         FROM runs WHERE status IN ('queued', 'running', 'waiting')
        GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
  );
  return rows;
}

/** Runs whose idempotency key starts with `prefix` (the forks of one bulk replay request), oldest first. */
export async function listRunsByKeyPrefix(db: Db, prefix: string): Promise<StoredRun[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<StoredRunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r WHERE starts_with(r.idempotency_key, $1) ORDER BY r.created_at, r.id`,
      [prefix],
    ),
  );
  return rows.map(toStoredRun);
}
