/**
 * Audit rows for sign-in and administration (the run use cases in lib/control write their own).
 * audit_entries is append-only in the database; nothing here reads it back except the login limiter.
 */
import type { AuthDb } from "./db";
import type { Prisma } from "../data/generated/prisma/client";

export type AuthAuditAction =
  | "login"
  | "login_failed"
  | "logout"
  | "api_key_create"
  | "api_key_revoke"
  | "user_create"
  | "user_role_change"
  | "user_disable"
  | "user_enable"
  | "user_password_reset";

export interface AuditRecord {
  /** Actor reference: "user:<id>", "apikey:<id>", "anonymous", "system" */
  actor: string;
  action: AuthAuditAction;
  target?: string | null;
  /** Never secrets: no passwords, keys, tokens or their hashes */
  data?: Record<string, string | number | boolean | null>;
}

export async function writeAudit(db: AuthDb, record: AuditRecord): Promise<void> {
  await db.prisma.auditEntry.create({
    data: {
      actor: record.actor,
      action: record.action,
      target: record.target ?? null,
      ...(record.data ? { data: record.data as Prisma.InputJsonValue } : {}),
    },
  });
}

/** The audit target of sign-in events, shared with the login limiter's queries. */
export function emailTarget(normalizedEmail: string): string {
  return `email:${normalizedEmail}`;
}
