/**
 * The cost dashboard's state as it lives in the URL (`/costs?range=24h&groupBy=model`, or
 * `from`/`to` for a custom range), shared by the server page (first render) and the browser
 * (polling `GET /api/v1/usage` with the same parameters), so both ask for the same report.
 */
import { queryOptions } from "@tanstack/react-query";
import type { UsageFilter, UsageReport } from "../../lib/data/usage-queries";
import { USAGE_RANGE_PRESETS, type UsageRangePreset } from "../../lib/data/usage-range";
import { fetchJson } from "./fetch-json";

export const USAGE_GROUP_OPTIONS = { model: "Model", workflow: "Workflow", version: "Version" } as const;
export type UsageGroupOption = keyof typeof USAGE_GROUP_OPTIONS;

export interface UsagePageParams {
  /** A preset, or absent with `from`/`to` (a custom range) */
  range?: UsageRangePreset;
  /** ISO times of a custom range */
  from?: string;
  to?: string;
  groupBy: UsageGroupOption;
  workflow?: string;
}

/** The page opens on the last 24 hours, by model. */
export const DEFAULT_USAGE_PARAMS: UsagePageParams = { range: "24h", groupBy: "model" };

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  const trimmed = v?.trim();
  return trimmed ? trimmed : undefined;
}

const isoOrUndefined = (value: string | undefined) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined);

/** Reads the state from URL search params, dropping anything malformed rather than failing the page. */
export function parseUsageParams(searchParams: SearchParams): UsagePageParams {
  const groupBy = first(searchParams.groupBy);
  const params: UsagePageParams = { groupBy: groupBy && groupBy in USAGE_GROUP_OPTIONS ? (groupBy as UsageGroupOption) : DEFAULT_USAGE_PARAMS.groupBy };
  const from = isoOrUndefined(first(searchParams.from));
  const to = isoOrUndefined(first(searchParams.to));
  const range = first(searchParams.range);
  if (from && (!to || Date.parse(from) < Date.parse(to))) {
    params.from = from;
    if (to) params.to = to;
  } else {
    params.range = range && range in USAGE_RANGE_PRESETS ? (range as UsageRangePreset) : DEFAULT_USAGE_PARAMS.range;
  }
  const workflow = first(searchParams.workflow);
  if (workflow) params.workflow = workflow.slice(0, 200);
  return params;
}

/** The use-case filter for these params (the server's first render). */
export function toUsageFilter(params: UsagePageParams): UsageFilter {
  return {
    range: params.range,
    from: params.from ? new Date(params.from) : undefined,
    to: params.to ? new Date(params.to) : undefined,
    groupBy: [params.groupBy],
    workflow: params.workflow,
  };
}

function toSearch(params: UsagePageParams): URLSearchParams {
  const query = new URLSearchParams();
  if (params.range) query.set("range", params.range);
  if (params.from) query.set("from", params.from);
  if (params.to) query.set("to", params.to);
  query.set("groupBy", params.groupBy);
  if (params.workflow) query.set("workflow", params.workflow);
  return query;
}

/** `GET /api/v1/usage` with the same filter. */
export function usageApiUrl(params: UsagePageParams): string {
  return `/api/v1/usage?${toSearch(params).toString()}`;
}

/** The console URL for a change; a preset replaces a custom range and the other way round. */
export function usagePageHref(params: UsagePageParams, change: Partial<UsagePageParams>): string {
  const next: UsagePageParams = { ...params, ...change };
  if (change.range) {
    delete next.from;
    delete next.to;
  } else if (change.from) {
    delete next.range;
  }
  return `/costs?${toSearch(next).toString()}`;
}

export function usageQuery(params: UsagePageParams) {
  return queryOptions({
    queryKey: ["usage", params] as const,
    queryFn: ({ signal }) => fetchJson<UsageReport>(usageApiUrl(params), signal),
  });
}
