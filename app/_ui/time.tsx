"use client";
/**
 * Times in the reader's own time zone. The first render (server and hydration) prints UTC so
 * both sides agree; after mount it switches to local time, and relative ages keep ticking.
 */
import { useEffect, useState, useSyncExternalStore } from "react";
import { formatAge, formatUtc } from "./format";

const subscribeNever = () => () => undefined;
function useIsClient(): boolean {
  return useSyncExternalStore(subscribeNever, () => true, () => false);
}

const localFormat = new Map<string, Intl.DateTimeFormat>();
function formatLocal(iso: string, withDate: boolean): string {
  const key = withDate ? "date" : "time";
  let format = localFormat.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, withDate
      ? { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }
      : { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    localFormat.set(key, format);
  }
  return format.format(new Date(iso));
}

/** An absolute time, e.g. "Nov 23, 2026, 10:04:05". */
export function LocalTime({ iso, timeOnly = false }: { iso: string | null | undefined; timeOnly?: boolean }) {
  const isClient = useIsClient();
  if (!iso) return <span className="faint">–</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)}>
      {isClient ? formatLocal(iso, !timeOnly) : formatUtc(iso)}
    </time>
  );
}

/**
 * The current time, re-rendered every `intervalMs` while `enabled`. Pass `initialNow` (the
 * server's render time) in server-rendered components, so the first client render prints the
 * same durations as the server HTML; the clock starts after hydration.
 */
export function useNow(intervalMs = 1000, enabled = true, initialNow?: number): number {
  const [now, setNow] = useState(() => initialNow ?? Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs, enabled]);
  return now;
}

/** "5m ago", ticking; the absolute time is in the tooltip. */
export function RelativeTime({ iso, suffix = " ago" }: { iso: string | null | undefined; suffix?: string }) {
  const isClient = useIsClient();
  const now = useNow(5_000, isClient);
  if (!iso) return <span className="faint">–</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)} suppressHydrationWarning>
      {isClient ? `${formatAge(iso, now)}${suffix}` : formatUtc(iso)}
    </time>
  );
}
