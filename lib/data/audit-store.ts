/** The audit log of operator actions. The database refuses UPDATE and DELETE on it (a trigger). */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import type { Json } from "../engine/types";
import { jsonParam } from "./canonical-json";
import { invalidInput } from "../errors/app-error";
import { openedText } from "./sealed";
import { sealSecret } from "../security/secret-box";

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

/** An entry's data as stored → as shown (its comment opened). */
export const openAuditData = (data: Json | null): Json | null => withComment(data, openedText);

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
