/**
 * Read models for the console's dashboards: aggregates the use-case reads (getRun, listRuns…) do
 * not cover. Plain SQL over the shared pool, one round trip per function, because these are
 * GROUP BYs that read better as SQL than as ORM calls. Callers check the viewer role first
 * (every signed-in role may read them).
 */
import type { Pool } from "pg";
import type { Json, RunStatus, StepKind } from "../engine/types";
import type { Page } from "./views";
import { openAuditData } from "./audit-store";

/** What these queries need from a database: a pg pool (the process-wide `Db` and a test database both fit). */
export interface ConsoleQueryDb {
  pool: Pick<Pool, "query">;
}

export const RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"];

export interface OverviewStats {
  /** Runs queued or executing right now */
  activeRuns: number;
  queuedRuns: number;
  runningRuns: number;
  /** Runs parked on a pending approval (a person must act) */
  runsWaitingForPerson: number;
  pendingApprovals: number;
  /** Runs that ended as failed in the 24 hours before `now` */
  failedLast24h: number;
  /** Runs that finished (any terminal status) in the 24 hours before `now` */
  finishedLast24h: number;
  /** LLM spend since midnight UTC, failed attempts included: they were billed too */
  spendTodayUsd: number;
  tokensToday: number;
  /** Start of "today" used for the spend (midnight UTC), ISO */
  dayStartedAt: string;
}

export async function getOverviewStats(db: ConsoleQueryDb, now: Date = new Date()): Promise<OverviewStats> {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const since24h = new Date(now.getTime() - 24 * 3_600_000);
  const { rows } = await db.pool.query<{
    queued: number;
    running: number;
    waiting_for_person: number;
    pending_approvals: number;
    failed_24h: number;
    finished_24h: number;
    spend: number;
    tokens: number;
  }>(
    `SELECT
       (SELECT count(*) FROM runs WHERE status = 'queued')::int AS queued,
       (SELECT count(*) FROM runs WHERE status = 'running')::int AS running,
       (SELECT count(DISTINCT a.run_id) FROM approvals a JOIN runs r ON r.id = a.run_id
          WHERE a.status = 'pending' AND r.status = 'waiting')::int AS waiting_for_person,
       (SELECT count(*) FROM approvals WHERE status = 'pending')::int AS pending_approvals,
       (SELECT count(*) FROM runs WHERE status = 'failed' AND finished_at >= $2 AND finished_at <= $3)::int AS failed_24h,
       (SELECT count(*) FROM runs WHERE status IN ('succeeded','failed','cancelled') AND finished_at >= $2 AND finished_at <= $3)::int AS finished_24h,
       ((SELECT coalesce(sum(cost_usd), 0) FROM journal_entries WHERE kind = 'llm' AND finished_at >= $1 AND finished_at <= $3)
        + (SELECT coalesce(sum(cost_usd), 0) FROM step_attempts WHERE finished_at >= $1 AND finished_at <= $3))::float8 AS spend,
       ((SELECT coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0) FROM journal_entries
          WHERE kind = 'llm' AND finished_at >= $1 AND finished_at <= $3)
        + (SELECT coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0) FROM step_attempts
          WHERE finished_at >= $1 AND finished_at <= $3))::float8 AS tokens`,
    [dayStart, since24h, now],
  );
  const row = rows[0];
  return {
    activeRuns: row.queued + row.running,
    queuedRuns: row.queued,
    runningRuns: row.running,
    runsWaitingForPerson: row.waiting_for_person,
    pendingApprovals: row.pending_approvals,
    failedLast24h: row.failed_24h,
    finishedLast24h: row.finished_24h,
    spendTodayUsd: roundUsd(row.spend),
    tokensToday: Math.round(row.tokens),
    dayStartedAt: dayStart.toISOString(),
  };
}

/** The number shown on the Approvals nav item. */
export async function countPendingApprovals(db: ConsoleQueryDb): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM approvals WHERE status = 'pending'`);
  return rows[0].n;
}

export interface StepSeen {
  stepId: string;
  kind: StepKind;
  /** Smallest journal position the step was recorded at (steps are listed in this order) */
  position: number;
  /** In how many of the sampled runs the step appears (branches make some steps conditional) */
  seenInRuns: number;
}

export interface VersionStats {
  workflow: string;
  version: number;
  runsByStatus: Record<RunStatus, number>;
  totalRuns: number;
  /** failed / (succeeded + failed); null before any run finished that way */
  failureRate: number | null;
  lastRunAt: string | null;
  /** Distinct steps recorded by this version's most recent runs, in journal order */
  steps: StepSeen[];
  /** How many runs the step list was sampled from */
  sampledRuns: number;
}

/** How many recent runs per version the step list is read from, to keep the query bounded. */
const STEP_SAMPLE_RUNS = 200;

/**
 * Per version of one workflow (or of all workflows when `workflow` is omitted): run counts by
 * status, failure rate, and the steps seen in its runs.
 */
export async function getVersionStats(db: ConsoleQueryDb, workflow?: string): Promise<VersionStats[]> {
  const [counts, steps] = await Promise.all([
    db.pool.query<{ workflow: string; version: number; status: string; n: number; last_run_at: Date }>(
      `SELECT workflow_name AS workflow, workflow_version AS version, status, count(*)::int AS n, max(created_at) AS last_run_at
         FROM runs WHERE ($1::text IS NULL OR workflow_name = $1)
        GROUP BY 1, 2, 3`,
      [workflow ?? null],
    ),
    db.pool.query<{ workflow: string; version: number; step_id: string; kind: string; position: number; seen_in: number; sampled: number }>(
      `WITH sampled AS (
         SELECT id, workflow_name, workflow_version,
                count(*) OVER (PARTITION BY workflow_name, workflow_version) AS total
           FROM (SELECT id, workflow_name, workflow_version,
                        row_number() OVER (PARTITION BY workflow_name, workflow_version ORDER BY created_at DESC) AS rn
                   FROM runs WHERE ($1::text IS NULL OR workflow_name = $1)) ranked
          WHERE rn <= $2)
       SELECT s.workflow_name AS workflow, s.workflow_version AS version, j.step_id, j.kind,
              min(j.seq)::int AS position, count(*)::int AS seen_in, max(s.total)::int AS sampled
         FROM journal_entries j JOIN sampled s ON s.id = j.run_id
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, position, j.step_id`,
      [workflow ?? null, STEP_SAMPLE_RUNS],
    ),
  ]);

  const byVersion = new Map<string, VersionStats>();
  const entry = (name: string, version: number) => {
    const key = `${name}@${version}`;
    let stats = byVersion.get(key);
    if (!stats) {
      stats = {
        workflow: name,
        version,
        runsByStatus: Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>,
        totalRuns: 0,
        failureRate: null,
        lastRunAt: null,
        steps: [],
        sampledRuns: 0,
      };
      byVersion.set(key, stats);
    }
    return stats;
  };
  for (const row of counts.rows) {
    const stats = entry(row.workflow, row.version);
    if ((RUN_STATUSES as readonly string[]).includes(row.status)) stats.runsByStatus[row.status as RunStatus] += row.n;
    stats.totalRuns += row.n;
    const last = row.last_run_at.toISOString();
    if (!stats.lastRunAt || last > stats.lastRunAt) stats.lastRunAt = last;
  }
  for (const row of steps.rows) {
    const stats = entry(row.workflow, row.version);
    stats.steps.push({ stepId: row.step_id, kind: row.kind as StepKind, position: row.position, seenInRuns: row.seen_in });
    stats.sampledRuns = Math.max(stats.sampledRuns, row.sampled);
  }
  for (const stats of byVersion.values()) {
    const decided = stats.runsByStatus.succeeded + stats.runsByStatus.failed;
    stats.failureRate = decided === 0 ? null : stats.runsByStatus.failed / decided;
  }
  return [...byVersion.values()].sort((a, b) => a.workflow.localeCompare(b.workflow) || b.version - a.version);
}

export interface AuditEntryView {
  id: string;
  /** "user:<id>", "apikey:<id>", "system:waymark" */
  actor: string;
  /** The actor as a person reads it: the email or key name at the time, else the raw ref */
  actorLabel: string;
  action: string;
  target: string | null;
  data: Json | null;
  createdAt: string;
}

export interface AuditFilter {
  /** @defaultValue 50 (at most 200) */
  limit?: number;
  /** The `nextCursor` of the previous page */
  cursor?: string;
  /** Exact action name, e.g. "run.start" */
  action?: string;
}

/** The append-only audit log, newest first, keyset-paginated by id. */
export async function listAuditEntries(db: ConsoleQueryDb, filter: AuditFilter = {}): Promise<Page<AuditEntryView>> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const cursor = filter.cursor && /^\d+$/.test(filter.cursor) ? filter.cursor : null;
  const { rows } = await db.pool.query<{
    id: string;
    actor: string;
    action: string;
    target: string | null;
    data: Json | null;
    created_at: Date;
    label: string | null;
  }>(
    `SELECT a.id::text AS id, a.actor, a.action, a.target, a.data, a.created_at,
            coalesce(a.data->>'actorLabel', u.email, k.name) AS label
       FROM audit_entries a
       LEFT JOIN users u ON a.actor = 'user:' || u.id
       LEFT JOIN api_keys k ON a.actor = 'apikey:' || k.id
      WHERE ($1::bigint IS NULL OR a.id < $1::bigint)
        AND ($2::text IS NULL OR a.action = $2)
      ORDER BY a.id DESC
      LIMIT $3`,
    [cursor, filter.action ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    actor: row.actor,
    actorLabel: row.label ?? row.actor,
    action: row.action,
    target: row.target,
    data: openAuditData(row.data),
    createdAt: row.created_at.toISOString(),
  }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** The distinct audit actions, for the audit page's filter. */
export async function listAuditActions(db: ConsoleQueryDb): Promise<string[]> {
  const { rows } = await db.pool.query<{ action: string }>(`SELECT DISTINCT action FROM audit_entries ORDER BY action`);
  return rows.map((row) => row.action);
}

/**
 * Turns actor refs ("user:<id>", "apikey:<id>", "replay:<runId>", …) into what a person reads:
 * a user's email, a key's name. Unknown refs map to themselves.
 */
export async function resolveActorLabels(db: ConsoleQueryDb, refs: ReadonlyArray<string | null>): Promise<Record<string, string>> {
  const unique = [...new Set(refs.filter((ref): ref is string => typeof ref === "string" && ref.length > 0))];
  const labels: Record<string, string> = Object.fromEntries(unique.map((ref) => [ref, ref]));
  const ids = (prefix: string) => unique.filter((ref) => ref.startsWith(prefix)).map((ref) => ref.slice(prefix.length));
  const userIds = ids("user:");
  const keyIds = ids("apikey:");
  if (userIds.length === 0 && keyIds.length === 0) return labels;
  const { rows } = await db.pool.query<{ ref: string; label: string }>(
    `SELECT 'user:' || id AS ref, email AS label FROM users WHERE id = ANY($1::text[])
     UNION ALL
     SELECT 'apikey:' || id AS ref, 'API key ' || name AS label FROM api_keys WHERE id = ANY($2::text[])`,
    [userIds, keyIds],
  );
  for (const row of rows) labels[row.ref] = row.label;
  return labels;
}

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
