/**
 * The budget alert endpoint (alert_endpoints, one row): where alerts are POSTed and the Standard
 * Webhooks secret they are signed with. The secret is shown once, when it is created or rotated;
 * reads return it only to the deliverer.
 */
import type { Pool } from "pg";
import { openSecret, sealSecret } from "../security/secret-box";
import { newWebhookSecret } from "../security/webhook-secrets";
import { ALERT_ENDPOINT_ID } from "./outbox";

/** The signing secret as stored: sealed with the active key (lib/security/secret-box). */
export function sealAlertSecret(secret: string): string {
  return sealSecret(secret);
}

/** The stored secret in plaintext; one stored before encryption is read as it is. */
export function openAlertSecret(sealed: string): string {
  return openSecret(sealed);
}

/** The endpoint as pages and the API show it: never the secret, and the URL without its path. */
export interface AlertEndpointView {
  /** Scheme, host and port; the path is left out (it often holds a token, as Slack's do) */
  urlOrigin: string;
  /** True when the URL has a path or query beyond the origin */
  urlHasPath: boolean;
  enabled: boolean;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

interface EndpointRow {
  url: string;
  secret_sealed: string;
  enabled: boolean;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: EndpointRow): AlertEndpointView => {
  const url = new URL(row.url);
  return {
    urlOrigin: url.origin,
    urlHasPath: url.pathname !== "/" || url.search !== "",
    enabled: row.enabled,
    updatedBy: row.updated_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
};

async function endpointRow(pool: Pick<Pool, "query">): Promise<EndpointRow | undefined> {
  const { rows } = await pool.query<EndpointRow>(
    `SELECT url, secret_sealed, enabled, updated_by, created_at, updated_at FROM alert_endpoints WHERE id = $1`,
    [ALERT_ENDPOINT_ID],
  );
  return rows[0];
}

export async function getAlertEndpoint(pool: Pick<Pool, "query">): Promise<AlertEndpointView | null> {
  const row = await endpointRow(pool);
  return row ? toView(row) : null;
}

/** Where to send and what to sign with; null when no endpoint is set or it is disabled. */
export async function alertDestination(pool: Pick<Pool, "query">): Promise<{ url: string; secret: string } | null> {
  const row = await endpointRow(pool);
  return row?.enabled ? { url: row.url, secret: openAlertSecret(row.secret_sealed) } : null;
}

/**
 * Sets the endpoint. A new endpoint always gets a new secret; an existing one keeps its secret
 * unless `rotateSecret`. `url` omitted keeps the current URL. Returns the new secret once, else null.
 */
export async function saveAlertEndpoint(
  pool: Pick<Pool, "query">,
  settings: { url?: string; enabled?: boolean; rotateSecret?: boolean },
  by: string,
): Promise<{ endpoint: AlertEndpointView; secret: string | null } | { missingUrl: true }> {
  const existing = await endpointRow(pool);
  const url = settings.url ?? existing?.url;
  if (!url) return { missingUrl: true };
  const secret = !existing || settings.rotateSecret ? newWebhookSecret() : null;
  const { rows } = await pool.query<EndpointRow>(
    `INSERT INTO alert_endpoints (id, url, secret_sealed, enabled, updated_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled, updated_by = EXCLUDED.updated_by, updated_at = now(),
       secret_sealed = CASE WHEN $6 THEN EXCLUDED.secret_sealed ELSE alert_endpoints.secret_sealed END
     RETURNING url, secret_sealed, enabled, updated_by, created_at, updated_at`,
    [ALERT_ENDPOINT_ID, url, sealAlertSecret(secret ?? openAlertSecret(existing!.secret_sealed)), settings.enabled ?? existing?.enabled ?? true, by, secret !== null],
  );
  return { endpoint: toView(rows[0]!), secret };
}

/** Removes the endpoint; alerts still queued are dropped when their turn comes. */
export async function deleteAlertEndpoint(pool: Pick<Pool, "query">): Promise<boolean> {
  const { rowCount } = await pool.query(`DELETE FROM alert_endpoints WHERE id = $1`, [ALERT_ENDPOINT_ID]);
  return (rowCount ?? 0) > 0;
}
