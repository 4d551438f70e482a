/**
 * A signed webhook delivery starts a run: verify the signature over the raw bytes first (nothing is
 * parsed or looked up for an unsigned body beyond the workflow's secrets), then start the run with
 * the idempotency key `webhook:<workflow>:<webhook-id>`, so a replayed or retried delivery returns
 * the run it already started instead of creating another one.
 */
import type { Pool } from "pg";
import type { AuthDb } from "../auth/db";
import type { Actor, Control } from "../control/types";
import { AppError } from "../errors/app-error";
import { MAX_JSON_DEPTH, jsonDepth, jsonErrorWithoutInput } from "../http/json-body";
import { consumeRateLimit, type RateLimit } from "./rate-limit";
import { verifyWebhook } from "./webhook-verify";
import { webhookSecretsFor } from "./webhook-secrets";

/** The actor a verified delivery starts its run as (audited as `webhook:<workflow>`). */
export function webhookActor(workflow: string): Actor {
  return { kind: "webhook", id: workflow, label: `webhook for ${workflow}`, role: "operator" };
}

/** The run idempotency key of a delivery. */
export const webhookIdempotencyKey = (workflow: string, webhookId: string) => `webhook:${workflow}:${webhookId}`;

export interface WebhookDeliveryResult {
  runId: string;
  /** False when this `webhook-id` already started a run (a replay or a retry) */
  created: boolean;
}

/**
 * Verifies and applies one delivery; the JSON body is the run's input. 404 when the workflow has no
 * webhook secret (the same answer as an unknown workflow, so names can't be probed), 400/401 from
 * verification, 429 over the per-workflow rate limit, then what `startRun` answers.
 */
export interface WebhookDeliveryDeps {
  db: AuthDb & { pool: Pick<Pool, "query"> };
  control: Control;
  /** Verified deliveries allowed per workflow (WAYMARK_RATE_LIMIT_WEBHOOKS per minute). @defaultValue 600 per 60 s */
  rateLimit?: Omit<RateLimit, "what">;
}

export async function acceptWebhookDelivery(
  deps: WebhookDeliveryDeps,
  workflow: string,
  rawBody: Uint8Array,
  headers: Headers,
): Promise<WebhookDeliveryResult> {
  const secrets = await webhookSecretsFor(deps.db, workflow);
  if (secrets.length === 0) {
    throw new AppError(
      "not_found",
      404,
      `No webhook is configured for workflow "${workflow}"; an admin can create its signing secret on the console's admin page.`,
    );
  }
  const { id } = verifyWebhook(secrets, rawBody, headers);
  // Counted after verification, so unsigned floods cannot use up a sender's allowance.
  await consumeRateLimit(deps.db, `webhook:${workflow}`, {
    what: `webhook deliveries for ${workflow}`,
    limit: 600,
    ...deps.rateLimit,
  });
  const input = parseJson(rawBody);
  const { run, created } = await deps.control.startRun(
    { workflow, input, idempotencyKey: webhookIdempotencyKey(workflow, id) },
    webhookActor(workflow),
  );
  return { runId: run.id, created };
}

function parseJson(rawBody: Uint8Array): unknown {
  const text = new TextDecoder().decode(rawBody);
  if (text.trim() === "") throw new AppError("invalid_json", 400, "The webhook body is empty; send the run's input as a JSON object.");
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new AppError("invalid_json", 400, `The webhook body is nested deeper than ${MAX_JSON_DEPTH} levels; flatten it.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", 400, `The webhook body is not valid JSON: ${jsonErrorWithoutInput(error)}`);
  }
}
