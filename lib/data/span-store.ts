/**
 * The console's trace store: spans (from workers and from any OTLP sender) and the span export
 * counters worker processes report. Plain SQL: one round trip per batch insert, and trace search
 * as one grouped query.
 */
import type { Json, RunStatus } from "../engine/types";
import type { GenAiFacts, SpanEventRecord, SpanKindName, SpanLinkRecord, SpanRecord, SpanStatusName } from "../telemetry/span-record";
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import { invalidInput } from "../errors/app-error";

/** A span as the API and the console show it. */
export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKindName;
  serviceName: string;
  scopeName: string | null;
  /** ISO time (millisecond precision); exact nanoseconds in `startUnixNano` */
  startTime: string;
  endTime: string;
  startUnixNano: string;
  endUnixNano: string;
  /** Fractional milliseconds */
  durationMs: number;
  status: { code: SpanStatusName; message: string | null };
  attributes: Record<string, Json>;
  resourceAttributes: Record<string, Json>;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  runId: string | null;
  genAi: GenAiFacts;
}

/** One trace in search results. */
export interface TraceSummaryView {
  traceId: string;
  /** The root span's name (the earliest span's while the root has not arrived) */
  rootName: string;
  rootPresent: boolean;
  services: string[];
  startTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  status: "ok" | "error";
  models: string[];
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  runId: string | null;
}

export interface TraceSearch {
  service?: string;
  model?: string;
  /** "error": traces with at least one failed span; "ok": traces without */
  status?: "ok" | "error";
  limit?: number;
  /** From the previous page's `nextCursor` */
  cursor?: string;
}

export interface ExportStatsRow {
  destination: string;
  exported: number;
  dropped: number;
  droppedQueueFull: number;
  failedExports: number;
}

/** Totals per destination over every worker process that reported, with the newest error. */
export interface ExportStatsView extends ExportStatsRow {
  processes: number;
  lastError: string | null;
  updatedAt: string;
}

const INSERT_CHUNK = 500;

/** Stores spans; a span already stored (same trace and span id) is left as it is. Returns how many were new. */
export async function insertSpans(db: Db, spans: SpanRecord[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < spans.length; i += INSERT_CHUNK) {
    const chunk = spans.slice(i, i + INSERT_CHUNK).map((s) => ({
      trace_id: s.traceId,
      span_id: s.spanId,
      parent_span_id: s.parentSpanId,
      name: s.name,
      kind: s.kind,
      service_name: s.serviceName,
      scope_name: s.scopeName,
      scope_version: s.scopeVersion,
      start_unix_nano: s.startUnixNano,
      end_unix_nano: s.endUnixNano,
      status_code: s.statusCode,
      status_message: s.statusMessage,
      attributes: s.attributes,
      resource_attributes: s.resourceAttributes,
      events: s.events,
      links: s.links,
      run_id: s.runId,
      gen_ai_operation: s.genAi.operation,
      gen_ai_provider: s.genAi.provider,
      gen_ai_request_model: s.genAi.requestModel,
      gen_ai_response_model: s.genAi.responseModel,
      input_tokens: clampInt(s.genAi.inputTokens),
      output_tokens: clampInt(s.genAi.outputTokens),
      cost_usd: s.genAi.costUsd,
    }));
    const { rowCount } = await db.pool.query(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, service_name, scope_name, scope_version,
                          start_unix_nano, end_unix_nano, status_code, status_message, attributes, resource_attributes,
                          events, links, run_id, gen_ai_operation, gen_ai_provider, gen_ai_request_model,
                          gen_ai_response_model, input_tokens, output_tokens, cost_usd)
       SELECT trace_id, span_id, parent_span_id, name, kind, service_name, scope_name, scope_version,
              start_unix_nano::bigint, end_unix_nano::bigint, status_code, status_message, attributes, resource_attributes,
              events, links, run_id, gen_ai_operation, gen_ai_provider, gen_ai_request_model,
              gen_ai_response_model, input_tokens, output_tokens, cost_usd
       FROM jsonb_to_recordset($1::jsonb) AS x(
         trace_id text, span_id text, parent_span_id text, name text, kind text, service_name text, scope_name text,
         scope_version text, start_unix_nano text, end_unix_nano text, status_code text, status_message text,
         attributes jsonb, resource_attributes jsonb, events jsonb, links jsonb, run_id text, gen_ai_operation text,
         gen_ai_provider text, gen_ai_request_model text, gen_ai_response_model text, input_tokens int,
         output_tokens int, cost_usd numeric)
       ON CONFLICT (trace_id, span_id) DO NOTHING`,
      [JSON.stringify(chunk, nullCharsOut)],
    );
    inserted += rowCount ?? 0;
  }
  return inserted;
}

/** Postgres text and jsonb refuse U+0000; a sender's stray NUL must not lose the whole batch. */
function nullCharsOut(_key: string, value: unknown): unknown {
  return typeof value === "string" && value.includes("\u0000") ? value.replace(/\u0000/g, "\uFFFD") : value;
}

function clampInt(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return Math.max(-2_147_483_648, Math.min(2_147_483_647, Math.round(value)));
}

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: SpanKindName;
  service_name: string;
  scope_name: string | null;
  start_unix_nano: string;
  end_unix_nano: string;
  status_code: SpanStatusName;
  status_message: string | null;
  attributes: Record<string, Json>;
  resource_attributes: Record<string, Json>;
  events: SpanEventRecord[];
  links: SpanLinkRecord[];
  run_id: string | null;
  gen_ai_operation: string | null;
  gen_ai_provider: string | null;
  gen_ai_request_model: string | null;
  gen_ai_response_model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: string | null;
}

/** Unix nanoseconds (decimal string) → ISO time. */
export function nanosToIso(nanos: string): string {
  return new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();
}

/** Difference of two nanosecond timestamps in (fractional) milliseconds. */
export function nanosDiffMs(start: string, end: string): number {
  const diff = BigInt(end) - BigInt(start);
  return diff > 0n ? Number(diff) / 1e6 : 0;
}

function toSpanView(row: SpanRow): SpanView {
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    name: row.name,
    kind: row.kind,
    serviceName: row.service_name,
    scopeName: row.scope_name,
    startTime: nanosToIso(row.start_unix_nano),
    endTime: nanosToIso(row.end_unix_nano),
    startUnixNano: row.start_unix_nano,
    endUnixNano: row.end_unix_nano,
    durationMs: nanosDiffMs(row.start_unix_nano, row.end_unix_nano),
    status: { code: row.status_code, message: row.status_message },
    attributes: row.attributes,
    resourceAttributes: row.resource_attributes,
    events: row.events,
    links: row.links,
    runId: row.run_id,
    genAi: {
      operation: row.gen_ai_operation,
      provider: row.gen_ai_provider,
      requestModel: row.gen_ai_request_model,
      responseModel: row.gen_ai_response_model,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    },
  };
}

const SPAN_COLUMNS = `trace_id, span_id, parent_span_id, name, kind, service_name, scope_name,
  start_unix_nano::text, end_unix_nano::text, status_code, status_message, attributes, resource_attributes, events, links,
  run_id, gen_ai_operation, gen_ai_provider, gen_ai_request_model, gen_ai_response_model, input_tokens, output_tokens,
  cost_usd::text`;

/** Most spans returned for one trace (a runaway trace must not take the console down). */
export const MAX_TRACE_SPANS = 5_000;

/** Every span of a trace, and of a run (spans carrying its `waymark.run.id` in another trace, e.g. before the context was stored), by start time. */
export async function listTraceSpans(db: Db, query: { traceId?: string | null; runId?: string | null }): Promise<SpanView[]> {
  if (!query.traceId && !query.runId) return [];
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<SpanRow>(
      `SELECT ${SPAN_COLUMNS} FROM spans
       WHERE ($1::text IS NOT NULL AND trace_id = $1) OR ($2::text IS NOT NULL AND run_id = $2)
       -- A parent often starts in the same nanosecond as its first child: roots first on ties.
       ORDER BY start_unix_nano, (parent_span_id IS NULL) DESC, span_id LIMIT $3`,
      [query.traceId ?? null, query.runId ?? null, MAX_TRACE_SPANS],
    ),
  );
  return rows.map(toSpanView);
}

/** What the trace view needs to know about a run. */
export interface RunTraceRef {
  id: string;
  workflowName: string;
  workflowVersion: number;
  status: RunStatus;
  traceContext: Json | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export async function getRunTraceRef(db: Db, runId: string): Promise<RunTraceRef | null> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{
      id: string;
      workflow_name: string;
      workflow_version: number;
      status: RunStatus;
      trace_context: Json | null;
      created_at: Date;
      started_at: Date | null;
      finished_at: Date | null;
    }>(
      `SELECT id, workflow_name, workflow_version, status, trace_context, created_at, started_at, finished_at
       FROM runs WHERE id = $1`,
      [runId],
    ),
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    workflowName: row.workflow_name,
    workflowVersion: row.workflow_version,
    status: row.status,
    traceContext: row.trace_context,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function encodeCursor(startUnixNano: string, traceId: string): string {
  return Buffer.from(`${startUnixNano}:${traceId}`).toString("base64url");
}

function decodeCursor(cursor: string): { start: string; traceId: string } {
  const match = /^(\d{1,20}):([0-9a-f]{32})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw invalidInput(`"${cursor.slice(0, 60)}" is not a trace cursor: pass the nextCursor of the previous page.`);
  return { start: match[1], traceId: match[2] };
}

/** Traces, newest first, filtered by service, model (request or response) and status. */
export async function searchTraces(db: Db, search: TraceSearch): Promise<{ traces: TraceSummaryView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(search.limit ?? 50, 1), 200);
  const cursor = search.cursor ? decodeCursor(search.cursor) : null;
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{
      trace_id: string;
      root_name: string;
      root_present: boolean;
      services: string[];
      start_nano: string;
      end_nano: string;
      span_count: number;
      error_count: number;
      models: string[] | null;
      input_tokens: string | null;
      output_tokens: string | null;
      cost_usd: string | null;
      run_id: string | null;
    }>(
      `WITH candidates AS (
         SELECT DISTINCT trace_id FROM spans
         WHERE ($1::text IS NULL OR service_name = $1)
           AND ($2::text IS NULL OR gen_ai_request_model = $2 OR gen_ai_response_model = $2)
       ),
       traces AS (
         SELECT s.trace_id,
                (array_agg(s.name ORDER BY (s.parent_span_id IS NULL) DESC, s.start_unix_nano))[1] AS root_name,
                bool_or(s.parent_span_id IS NULL) AS root_present,
                array_agg(DISTINCT s.service_name) AS services,
                min(s.start_unix_nano)::text AS start_nano,
                max(s.end_unix_nano)::text AS end_nano,
                count(*)::int AS span_count,
                (count(*) FILTER (WHERE s.status_code = 'error'))::int AS error_count,
                array_agg(DISTINCT coalesce(s.gen_ai_response_model, s.gen_ai_request_model))
                  FILTER (WHERE coalesce(s.gen_ai_response_model, s.gen_ai_request_model) IS NOT NULL) AS models,
                sum(s.input_tokens)::text AS input_tokens,
                sum(s.output_tokens)::text AS output_tokens,
                sum(s.cost_usd)::text AS cost_usd,
                max(s.run_id) AS run_id
         FROM spans s JOIN candidates c ON c.trace_id = s.trace_id
         GROUP BY s.trace_id
       )
       SELECT * FROM traces
       WHERE ($3::text IS NULL OR ($3 = 'error') = (error_count > 0))
         AND ($4::numeric IS NULL OR (start_nano::numeric, trace_id) < ($4::numeric, $5::text))
       ORDER BY start_nano::numeric DESC, trace_id DESC
       LIMIT $6`,
      [search.service ?? null, search.model ?? null, search.status ?? null, cursor?.start ?? null, cursor?.traceId ?? null, limit + 1],
    ),
  );
  const page = rows.slice(0, limit);
  const traces = page.map((r) => ({
    traceId: r.trace_id,
    rootName: r.root_name,
    rootPresent: r.root_present,
    services: r.services.sort(),
    startTime: nanosToIso(r.start_nano),
    durationMs: nanosDiffMs(r.start_nano, r.end_nano),
    spanCount: r.span_count,
    errorCount: r.error_count,
    status: r.error_count > 0 ? ("error" as const) : ("ok" as const),
    models: (r.models ?? []).sort(),
    inputTokens: Number(r.input_tokens ?? 0),
    outputTokens: Number(r.output_tokens ?? 0),
    costUsd: Number(r.cost_usd ?? 0),
    runId: r.run_id,
  }));
  const last = page.at(-1);
  return { traces, nextCursor: rows.length > limit && last ? encodeCursor(last.start_nano, last.trace_id) : null };
}

/** Services and models seen, for the search filters. */
export async function listTraceFacets(db: Db): Promise<{ services: string[]; models: string[] }> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ kind: "service" | "model"; value: string }>(
      `SELECT DISTINCT 'service' AS kind, service_name AS value FROM spans
       UNION
       SELECT DISTINCT 'model', m FROM spans, LATERAL (VALUES (gen_ai_request_model), (gen_ai_response_model)) AS v(m)
       WHERE m IS NOT NULL
       ORDER BY 1, 2 LIMIT 1000`,
    ),
  );
  return {
    services: rows.filter((r) => r.kind === "service").map((r) => r.value),
    models: rows.filter((r) => r.kind === "model").map((r) => r.value),
  };
}

/** A worker's counters since it started (they only grow), per destination. */
export async function saveExportStats(
  db: Db,
  processId: string,
  stats: Array<ExportStatsRow & { lastError: string | null }>,
): Promise<void> {
  if (stats.length === 0) return;
  await db.pool.query(
    `INSERT INTO span_export_stats (process_id, destination, exported, dropped, dropped_queue_full, failed_exports, last_error, updated_at)
     SELECT $1, destination, exported, dropped, dropped_queue_full, failed_exports, last_error, now()
     FROM jsonb_to_recordset($2::jsonb) AS x(destination text, exported bigint, dropped bigint, dropped_queue_full bigint,
                                            failed_exports bigint, last_error text)
     ON CONFLICT (process_id, destination) DO UPDATE SET
       exported = EXCLUDED.exported, dropped = EXCLUDED.dropped, dropped_queue_full = EXCLUDED.dropped_queue_full,
       failed_exports = EXCLUDED.failed_exports, last_error = coalesce(EXCLUDED.last_error, span_export_stats.last_error),
       updated_at = now()`,
    [
      processId,
      JSON.stringify(
        stats.map((s) => ({
          destination: s.destination,
          exported: s.exported,
          dropped: s.dropped,
          dropped_queue_full: s.droppedQueueFull,
          failed_exports: s.failedExports,
          last_error: s.lastError,
        })),
      ),
    ],
  );
}

export async function readExportStats(db: Db): Promise<ExportStatsView[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{
      destination: string;
      exported: string;
      dropped: string;
      dropped_queue_full: string;
      failed_exports: string;
      processes: number;
      last_error: string | null;
      updated_at: Date;
    }>(
      `SELECT destination, sum(exported)::text AS exported, sum(dropped)::text AS dropped,
              sum(dropped_queue_full)::text AS dropped_queue_full, sum(failed_exports)::text AS failed_exports,
              count(*)::int AS processes,
              (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE last_error IS NOT NULL))[1] AS last_error,
              max(updated_at) AS updated_at
       FROM span_export_stats GROUP BY destination ORDER BY destination`,
    ),
  );
  return rows.map((r) => ({
    destination: r.destination,
    exported: Number(r.exported),
    dropped: Number(r.dropped),
    droppedQueueFull: Number(r.dropped_queue_full),
    failedExports: Number(r.failed_exports),
    processes: r.processes,
    lastError: r.last_error,
    updatedAt: r.updated_at.toISOString(),
  }));
}
