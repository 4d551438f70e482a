/** The audit log of operator actions. The database refuses UPDATE and DELETE on it (a trigger). */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import type { Json } from "../engine/types";
import { jsonParam } from "./canonical-json";
import { invalidInput } from "../errors/app-error";
import { openSecret, sealSecret, SecretBoxError } from "../security/secret-box";

export interface AuditInput {
  /** "user:<id>", "apikey:<id>", "system" */
  actor: string;
  /** Verb-first, e.g. "run.cancel", "approval.decide" */
  action: string;
  /** What it was done to, e.g. a run id */
  target?: string;
  data?: Json;
}

export interface AuditEntryView {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  data: Json | null;
  createdAt: string;
}

/**
 * An approver's free-text `comment` is a decision payload, sealed at rest like the decision itself;
 * the rest of an entry stays plaintext because queries read it (`data->>'actorLabel'`, login IPs).
 */
function withComment<T extends Json | null | undefined>(data: T, map: (comment: string) => string): T {
  const fields = data as Record<string, Json> | null | undefined;
  if (!fields || typeof fields !== "object" || Array.isArray(fields) || typeof fields.comment !== "string") return data;
  return { ...fields, comment: map(fields.comment) } as unknown as T;
}

/** Shown for a comment the ring cannot open (its key was removed): the log stays readable. */
export const RETIRED_KEY_COMMENT = "[sealed comment: WAYMARK_ENCRYPTION_KEYS no longer holds its key]";

/**
 * An entry's data as stored → as shown (its comment opened). Audit rows are append-only, so
 * rotate-keys cannot re-seal them; once their key is removed the comment reads as
 * {@link RETIRED_KEY_COMMENT} rather than failing the whole log.
 */
export const openAuditData = (data: Json | null): Json | null =>
  withComment(data, (comment) => {
    try {
      return openSecret(comment);
    } catch (error) {
      if (error instanceof SecretBoxError) return RETIRED_KEY_COMMENT;
      throw error;
    }
  });

export async function appendAudit(db: Db, entry: AuditInput): Promise<void> {
  await db.pool.query("INSERT INTO audit_entries (actor, action, target, data) VALUES ($1, $2, $3, $4::jsonb)", [
    entry.actor,
    entry.action,
    entry.target ?? null,
    jsonParam(withComment(entry.data, sealSecret)),
  ]);
}

/** Newest first; pass the last id seen as `beforeId` for the next page. */
export async function listAuditEntries(
  db: Db,
  options: { limit?: number; beforeId?: string } = {},
): Promise<AuditEntryView[]> {
  if (options.beforeId !== undefined && !/^\d{1,18}$/.test(options.beforeId)) {
    throw invalidInput(`"${options.beforeId}" is not an audit entry id: pass the id of the last entry of the previous page.`);
  }
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ id: string; actor: string; action: string; target: string | null; data: Json | null; created_at: Date }>(
      `SELECT id::text, actor, action, target, data, created_at FROM audit_entries
       WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY id DESC LIMIT $2`,
      [options.beforeId ?? null, Math.min(Math.max(options.limit ?? 100, 1), 500)],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    actor: r.actor,
    action: r.action,
    target: r.target,
    data: openAuditData(r.data),
    createdAt: r.created_at.toISOString(),
  }));
}
