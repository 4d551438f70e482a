/**
 * Per-workflow Standard Webhooks signing secrets. A secret is shown once, when it is created or
 * rotated; rotation keeps the previous secret valid (two secrets accepted) until the next rotation,
 * so a sender can switch without dropped deliveries. Both are sealed at rest (lib/security/secret-box).
 */
import { randomBytes } from "node:crypto";
import type { AuthDb } from "../auth/db";
import { actorRef, assertRole } from "../control/authorize";
import type { Actor } from "../control/types";
import { openSecret, sealSecret } from "./secret-box";

/** The Standard Webhooks secret format: `whsec_` + base64 of 32 random bytes (spec: 24–64 bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** A workflow's webhook configuration as lists show it: never a secret. */
export interface WebhookSecretRecord {
  workflow: string;
  createdAt: string;
  rotatedAt: string | null;
  /** Whether a previous secret is still accepted */
  previousActive: boolean;
}

export interface IssuedWebhookSecret {
  record: WebhookSecretRecord;
  /** The new secret in plaintext: returned this once */
  secret: string;
}

type Row = { workflowName: string; createdAt: Date; rotatedAt: Date | null; previousSecret: string | null };

function toRecord(row: Row): WebhookSecretRecord {
  return {
    workflow: row.workflowName,
    createdAt: row.createdAt.toISOString(),
    rotatedAt: row.rotatedAt?.toISOString() ?? null,
    previousActive: row.previousSecret !== null,
  };
}

/**
 * Creates the workflow's first secret, or rotates it (the current secret becomes the previous one,
 * the older previous one stops working). Admin only; audited as `webhook_secret_create`/`_rotate`.
 * The caller checks that the workflow exists.
 */
export async function issueWebhookSecret(db: AuthDb, actor: Actor, workflow: string): Promise<IssuedWebhookSecret> {
  assertRole(actor, "admin", "creating or rotating a webhook secret");
  const secret = newWebhookSecret();
  const row = await db.prisma.$transaction(async (tx) => {
    const existing = await tx.webhookSecret.findUnique({ where: { workflowName: workflow } });
    const saved = existing
      ? await tx.webhookSecret.update({
          where: { workflowName: workflow },
          // re-sealed, so a secret stored before encryption (or under an older key) is sealed now too
          data: { secret: sealSecret(secret), previousSecret: sealSecret(openSecret(existing.secret)), rotatedAt: new Date() },
        })
      : await tx.webhookSecret.create({ data: { workflowName: workflow, secret: sealSecret(secret), createdBy: actorRef(actor) } });
    await tx.auditEntry.create({
      data: {
        actor: actorRef(actor),
        action: existing ? "webhook_secret_rotate" : "webhook_secret_create",
        target: workflow,
        data: { actorLabel: actor.label },
      },
    });
    return saved;
  });
  return { record: toRecord(row), secret };
}

/** Every workflow that has a webhook secret (no secrets in the result). Admin only. */
export async function listWebhookSecrets(db: AuthDb, actor: Actor): Promise<WebhookSecretRecord[]> {
  assertRole(actor, "admin", "listing webhook secrets");
  const rows = await db.prisma.webhookSecret.findMany({ orderBy: { workflowName: "asc" } });
  return rows.map(toRecord);
}

/** The secrets a delivery for `workflow` may be signed with, newest first; empty when none is set. */
export async function webhookSecretsFor(db: AuthDb, workflow: string): Promise<string[]> {
  const row = await db.prisma.webhookSecret.findUnique({ where: { workflowName: workflow } });
  if (!row) return [];
  return (row.previousSecret ? [row.secret, row.previousSecret] : [row.secret]).map((sealed) => openSecret(sealed));
}
