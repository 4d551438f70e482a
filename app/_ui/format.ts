/**
 * Number and money formatting shared by server and client components. Deterministic (no
 * locale or time zone), so server HTML and the hydrated page agree.
 */
export { formatDuration } from "../../lib/timeline/format-duration";

/** "$0.0042", "$1.23", "$1,204.50": small LLM costs keep 4 significant decimals. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value === 0) return "$0.00";
  if (Math.abs(value) < 0.0001) return "<$0.0001";
  if (Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${groupThousands(value.toFixed(2))}`;
}

/** "950", "12.4k", "1.2M" */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (Math.abs(value) < 1000) return String(Math.round(value));
  if (Math.abs(value) < 1_000_000) return `${trim(value / 1000)}k`;
  return `${trim(value / 1_000_000)}M`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "–";
  const pct = ratio * 100;
  return `${pct < 10 && pct !== 0 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/** "2026-11-23 10:04:05 UTC": the server-rendered fallback before the browser shows local time. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "–";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "3s", "5m", "2h", "4d": how long ago, in one unit. */
export function formatAge(fromIso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(fromIso));
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

function trim(value: number): string {
  return value.toFixed(1).replace(/\.0$/, "");
}

function groupThousands(fixed: string): string {
  const [whole, fraction] = fixed.split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction ? `.${fraction}` : ""}`;
}
