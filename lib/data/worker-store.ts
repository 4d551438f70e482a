/**
 * Worker presence: each worker process records which workflow versions it serves and refreshes
 * `last_seen_at` on a heartbeat. A worker is live while it has missed fewer than three beats, so
 * the console can say "no worker has version N" for runs that stay queued.
 */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";

/** A version a worker serves, as stored in `worker_presence.versions`. */
export interface ServedVersion {
  name: string;
  version: number;
  hash: string;
}

/** A version a worker refuses to serve: its body changed under an already registered version number. */
export interface RefusedVersion {
  name: string;
  version: number;
  /** The hash registered first (in workflow_definitions) */
  storedHash: string;
  /** The hash of the body this worker has */
  hash: string;
}

export interface WorkerPresenceInput {
  id: string;
  host: string;
  pid: number;
  versions: ServedVersion[];
  refused: RefusedVersion[];
  heartbeatMs: number;
}

export interface WorkerPresenceRow extends WorkerPresenceInput {
  startedAt: Date;
  lastSeenAt: Date;
}

/** Beats a worker may miss before it counts as gone. */
export const MISSED_BEATS_BEFORE_GONE = 3;

/**
 * Records (or re-records, after a restart under the same id) a worker and what it serves. Rows of
 * workers gone for more than a day are deleted on the way, so the table stays small.
 */
export async function upsertWorkerPresence(db: Db, worker: WorkerPresenceInput): Promise<void> {
  await db.pool.query("DELETE FROM worker_presence WHERE last_seen_at < now() - interval '1 day'");
  await withConnectionRetry(() =>
    db.pool.query(
      `INSERT INTO worker_presence (id, host, pid, versions, refused, heartbeat_ms, started_at, last_seen_at, stopped_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, now(), now(), NULL)
       ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, versions = EXCLUDED.versions,
         refused = EXCLUDED.refused, heartbeat_ms = EXCLUDED.heartbeat_ms, started_at = now(), last_seen_at = now(),
         stopped_at = NULL`,
      [worker.id, worker.host, worker.pid, JSON.stringify(worker.versions), JSON.stringify(worker.refused), Math.round(worker.heartbeatMs)],
    ),
  );
}

/** The heartbeat. Returns false when the row is gone (pruned while the worker was paused): re-upsert then. */
export async function touchWorkerPresence(db: Db, workerId: string): Promise<boolean> {
  const { rowCount } = await withConnectionRetry(() =>
    db.pool.query("UPDATE worker_presence SET last_seen_at = now(), stopped_at = NULL WHERE id = $1", [workerId]),
  );
  return (rowCount ?? 0) > 0;
}

/** A clean shutdown: the worker stops counting at once instead of after three missed beats. */
export async function markWorkerStopped(db: Db, workerId: string): Promise<void> {
  await db.pool.query("UPDATE worker_presence SET stopped_at = now() WHERE id = $1", [workerId]);
}

interface PresenceRow {
  id: string;
  host: string;
  pid: number;
  versions: ServedVersion[];
  refused: RefusedVersion[];
  heartbeat_ms: number;
  started_at: Date;
  last_seen_at: Date;
}

/** Workers that are live now (not stopped, seen within three beats), newest first. */
export async function listLiveWorkers(db: Db): Promise<WorkerPresenceRow[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<PresenceRow>(
      `SELECT id, host, pid, versions, refused, heartbeat_ms, started_at, last_seen_at
         FROM worker_presence
        WHERE stopped_at IS NULL
          AND last_seen_at > now() - ($1::int * heartbeat_ms) * interval '1 millisecond'
        ORDER BY started_at DESC`,
      [MISSED_BEATS_BEFORE_GONE],
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    host: row.host,
    pid: row.pid,
    versions: row.versions,
    refused: row.refused,
    heartbeatMs: row.heartbeat_ms,
    startedAt: row.started_at,
    lastSeenAt: row.last_seen_at,
  }));
}

/** Whether any worker ever reported presence (before that, "no worker has version N" would be a guess). */
export async function anyWorkerEverSeen(db: Db): Promise<boolean> {
  const { rows } = await db.pool.query<{ seen: boolean }>("SELECT EXISTS (SELECT 1 FROM worker_presence) AS seen");
  return rows[0].seen;
}
