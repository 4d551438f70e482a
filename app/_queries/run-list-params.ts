/**
 * The runs list's filters as they live in the URL (`/runs?workflow=…&status=failed&range=24h`),
 * shared by the server page (first render) and the browser (polling), so both ask for the same runs.
 */
import type { RunStatus } from "../../lib/engine/types";
import type { RunFilter } from "../../lib/control/types";
import { USAGE_RANGE_PRESETS } from "../../lib/data/usage-range";

export const RUN_STATUS_OPTIONS: readonly RunStatus[] = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"];
export const ACTIVE_STATUSES: readonly RunStatus[] = ["queued", "running", "waiting"];

/** The cost dashboard's ranges, plus a shorter one for watching live runs. */
export const TIME_RANGES = {
  "15m": { label: "Last 15 minutes", ms: 15 * 60_000 },
  ...USAGE_RANGE_PRESETS,
} as const;
export type TimeRange = keyof typeof TIME_RANGES;

/** Rows per page. @defaultValue 50 */
export const RUNS_PAGE_SIZE = 50;

export interface RunListParams {
  workflow?: string;
  version?: number;
  /** One or more statuses; "active" in the URL means queued, running or waiting */
  status?: RunStatus[];
  /** Run id prefix or text inside the input */
  search?: string;
  range?: TimeRange;
  cursor?: string;
}

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const trimmed = v?.trim();
  return trimmed ? trimmed : undefined;
}

/** Reads the filters from URL search params, dropping anything malformed rather than failing the page. */
export function parseRunListParams(searchParams: SearchParams): RunListParams {
  const params: RunListParams = {};
  const workflow = first(searchParams.workflow);
  if (workflow) params.workflow = workflow.slice(0, 200);
  const version = Number(first(searchParams.version));
  if (Number.isInteger(version) && version > 0) params.version = version;
  const statusValues = ([] as string[])
    .concat(searchParams.status ?? [])
    .flatMap((value) => value.split(","))
    .map((value) => value.trim());
  const statuses = statusValues.flatMap((value) =>
    value === "active" ? [...ACTIVE_STATUSES] : (RUN_STATUS_OPTIONS as readonly string[]).includes(value) ? [value as RunStatus] : [],
  );
  if (statuses.length > 0) params.status = [...new Set(statuses)];
  const search = first(searchParams.q);
  if (search) params.search = search.slice(0, 200);
  const range = first(searchParams.range);
  if (range && range in TIME_RANGES) params.range = range as TimeRange;
  const cursor = first(searchParams.cursor);
  if (cursor) params.cursor = cursor.slice(0, 500);
  return params;
}

/** The use-case filter for these params; the time range is relative to `now`. */
export function toRunFilter(params: RunListParams, now: Date): RunFilter {
  return {
    workflow: params.workflow,
    version: params.version,
    status: params.status,
    search: params.search,
    createdAfter: params.range ? new Date(now.getTime() - TIME_RANGES[params.range].ms) : undefined,
    limit: RUNS_PAGE_SIZE,
    cursor: params.cursor,
  };
}

/** `GET /api/v1/runs` with the same filter (the route maps these names onto RunFilter). */
export function runsApiUrl(params: RunListParams, now: Date): string {
  const filter = toRunFilter(params, now);
  const query = new URLSearchParams();
  if (filter.workflow) query.set("workflow", filter.workflow);
  if (filter.version) query.set("version", String(filter.version));
  if (filter.status?.length) query.set("status", filter.status.join(","));
  if (filter.search) query.set("search", filter.search);
  if (filter.createdAfter) query.set("createdAfter", filter.createdAfter.toISOString());
  if (filter.cursor) query.set("cursor", filter.cursor);
  query.set("limit", String(filter.limit ?? RUNS_PAGE_SIZE));
  return `/api/v1/runs?${query.toString()}`;
}

/** The console URL for a filter change; resets the cursor (a new filter starts at page one). */
export function runsPageHref(params: RunListParams, change: Partial<RunListParams> = {}): string {
  const next = { ...params, cursor: undefined, ...change };
  const query = new URLSearchParams();
  if (next.workflow) query.set("workflow", next.workflow);
  if (next.version) query.set("version", String(next.version));
  if (next.status?.length) query.set("status", next.status.join(","));
  if (next.search) query.set("q", next.search);
  if (next.range) query.set("range", next.range);
  if (next.cursor) query.set("cursor", next.cursor);
  const qs = query.toString();
  return qs ? `/runs?${qs}` : "/runs";
}

export function isActiveStatus(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}
