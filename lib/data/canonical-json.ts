import { payloadDigest } from "../security/secret-box";
import type { Json } from "../engine/types";

/** JSON with object keys sorted at every level, so equal values always serialise (and hash) alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * A keyed digest of what an approver is shown; a decision carrying another hash was made on a stale
 * view. Keyed (not plain sha256) because the summary and data are sealed at rest.
 */
export function approvalPayloadHash(summary: string, data: Json | undefined): string {
  return payloadDigest(canonicalJson({ summary, data: data ?? null }));
}

/** A value as a jsonb query parameter: `undefined` becomes SQL NULL, anything else its JSON text. */
export function jsonParam(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
