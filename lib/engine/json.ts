/** JSON helpers: what a step returns is what the journal stores, so both go through one round trip. */
import type { Json } from "./types";

/**
 * Returns the value as the journal will give it back on replay (Dates become strings, undefined
 * becomes null), so a first execution and a replay see identical data.
 * Throws a TypeError for values JSON cannot hold (BigInt, cycles).
 */
export function jsonRoundTrip(value: unknown): { value: Json; bytes: number } {
  const text = JSON.stringify(value === undefined ? null : value);
  // JSON.stringify returns undefined for functions and symbols at the top level.
  if (text === undefined) return { value: null, bytes: 4 };
  return { value: JSON.parse(text) as Json, bytes: utf8Length(text) };
}

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}
