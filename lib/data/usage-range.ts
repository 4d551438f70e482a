/**
 * The time window and bucket size of a usage report: a preset (`24h`) or explicit `from`/`to`,
 * and minute, hour or day buckets chosen from the window's length unless asked for. Pure, so the
 * console's pickers (browser) and the API (server) share the same presets and rules.
 */

export const USAGE_RANGE_PRESETS = {
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000 },
} as const;
export type UsageRangePreset = keyof typeof USAGE_RANGE_PRESETS;
export const USAGE_RANGE_PRESET_KEYS = Object.keys(USAGE_RANGE_PRESETS) as [UsageRangePreset, ...UsageRangePreset[]];

export const USAGE_BUCKETS = ["minute", "hour", "day"] as const;
export type UsageBucket = (typeof USAGE_BUCKETS)[number];
export const BUCKET_MS: Record<UsageBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Most buckets one series may have (an hour bucket covers at most ~41 days). @defaultValue 1000 */
export const MAX_USAGE_BUCKETS = 1000;

export interface UsageWindowRequest {
  range?: UsageRangePreset;
  from?: Date;
  to?: Date;
  bucket?: UsageBucket;
}

export interface UsageWindow {
  /** Inclusive; null: since the first call */
  from: Date | null;
  /** Exclusive; null: up to now */
  to: Date | null;
  bucket: UsageBucket;
}

/** Up to 3 hours: minutes; up to 8 days: hours; longer: days (a few dozen to a few hundred points). */
export function autoBucket(spanMs: number): UsageBucket {
  if (spanMs <= 3 * 3_600_000) return "minute";
  if (spanMs <= 8 * 86_400_000) return "hour";
  return "day";
}

/** A preset becomes `[now - preset, now)`; explicit times pass through. Without a start, `to - 30d` sizes the bucket. */
export function resolveUsageWindow(request: UsageWindowRequest, now: Date): UsageWindow {
  const to = request.range ? now : (request.to ?? null);
  const from = request.range ? new Date(now.getTime() - USAGE_RANGE_PRESETS[request.range].ms) : (request.from ?? null);
  const span = (to ?? now).getTime() - (from?.getTime() ?? (to ?? now).getTime() - USAGE_RANGE_PRESETS["30d"].ms);
  return { from, to, bucket: request.bucket ?? autoBucket(span) };
}

/** The start of the bucket a time falls in (UTC, aligned to the Unix epoch like Postgres date_bin). */
export function bucketStart(at: Date, bucket: UsageBucket): Date {
  const size = BUCKET_MS[bucket];
  return new Date(Math.floor(at.getTime() / size) * size);
}

/** How many buckets `[from, to)` spans. */
export function bucketCount(from: Date, to: Date, bucket: UsageBucket): number {
  if (to.getTime() <= from.getTime()) return 0;
  const size = BUCKET_MS[bucket];
  return Math.floor((to.getTime() - 1) / size) - Math.floor(from.getTime() / size) + 1;
}

/** Every bucket start of `[from, to)`, so charts show quiet periods as zero instead of skipping them. */
export function bucketStarts(from: Date, to: Date, bucket: UsageBucket): Date[] {
  const count = Math.min(bucketCount(from, to, bucket), MAX_USAGE_BUCKETS);
  const first = bucketStart(from, bucket).getTime();
  return Array.from({ length: count }, (_, i) => new Date(first + i * BUCKET_MS[bucket]));
}
