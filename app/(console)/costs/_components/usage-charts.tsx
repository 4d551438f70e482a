"use client";
/**
 * Stacked bar charts of the usage series (recharts): cost per group and tokens by kind, one bar per
 * bucket (bars, not areas: each bucket is a sum, and sparse spend would read as a ramp). Axis and grid colours come from the console's CSS variables (costs.module.css), so the
 * charts follow light and dark mode; band colours are mid-tones readable on both.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageBucket } from "../../../../lib/data/usage-range";
import { formatCount, formatUsd } from "../../../_ui/format";
import type { StackedSeries } from "../_lib/chart-data";
import styles from "./costs.module.css";

/** Distinguishable in light and dark mode; "Other" is always the grey. */
const BAND_COLORS = ["#6366f1", "#0ea5e9", "#f59e0b", "#10b981", "#ec4899", "#8b5cf6"];
const OTHER_COLOR = "#94a3b8";
/** Cached input in the same hue as the rest of the input, lighter: it is the cheaper part of it. */
export const TOKEN_COLORS = { "Cached input": "#7dd3fc", "Uncached input": "#0ea5e9", Output: "#f59e0b" } as const;

export function bandColor(key: string, index: number): string {
  return key === "Other" ? OTHER_COLOR : BAND_COLORS[index % BAND_COLORS.length]!;
}

const tickFormat: Record<UsageBucket, Intl.DateTimeFormatOptions> = {
  minute: { hour: "2-digit", minute: "2-digit" },
  hour: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
  // Day buckets are UTC days (like daily budgets): label them in UTC, or viewers west of UTC see the day before.
  day: { month: "short", day: "numeric", timeZone: "UTC" },
};

function formatBucket(iso: string, bucket: UsageBucket, withYear = false): string {
  const options = withYear && bucket === "day" ? { ...tickFormat.day, year: "numeric" as const } : tickFormat[bucket];
  const label = new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  return withYear && bucket === "day" ? `${label} (UTC)` : label;
}

const tooltipStyle: React.CSSProperties = {
  background: "var(--panel)",
  border: "1px solid var(--border-strong)",
  borderRadius: 6,
  color: "var(--text)",
  fontSize: 12,
  boxShadow: "var(--shadow)",
};

export function StackedBarChart({
  series,
  bucket,
  format,
  colors,
  label,
}: {
  series: StackedSeries;
  bucket: UsageBucket;
  format: "usd" | "tokens";
  colors: (key: string, index: number) => string;
  label: string;
}) {
  const formatValue = format === "usd" ? (value: number) => formatUsd(value) : (value: number) => formatCount(value);
  return (
    <div className={styles.chart} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={series.rows} margin={{ top: 8, right: 12, bottom: 0, left: 4 }} barCategoryGap="12%">
          <CartesianGrid vertical={false} />
          <XAxis dataKey="start" tickFormatter={(iso: string) => formatBucket(iso, bucket)} minTickGap={28} tickLine={false} />
          <YAxis tickFormatter={(value: number) => formatValue(value)} width={format === "usd" ? 64 : 48} tickLine={false} axisLine={false} />
          <Tooltip
            contentStyle={tooltipStyle}
            labelStyle={{ color: "var(--muted)", marginBottom: 4 }}
            labelFormatter={(iso) => formatBucket(String(iso), bucket, true)}
            formatter={(value) => formatValue(Number(value))}
          />
          {/* In the series' order (costliest band first; tokens bottom to top), not alphabetically. */}
          <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} itemSorter={(item) => series.keys.indexOf(String(item.dataKey))} />
          {series.keys.map((key, index) => (
            <Bar key={key} dataKey={key} name={key} stackId="total" fill={colors(key, index)} maxBarSize={28} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
