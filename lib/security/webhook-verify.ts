/**
 * Verifies a Standard Webhooks delivery with the `standardwebhooks` library: HMAC-SHA256 over
 * `id.timestamp.rawBody` (the raw bytes — re-serialised JSON would break signatures), constant-time
 * comparison, every `v1,` entry of the signature header tried, and a ±5 minute timestamp tolerance.
 */
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { AppError } from "../errors/app-error";

const REQUIRED_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
/** Longer webhook ids are refused; they become part of the run's idempotency key. */
export const MAX_WEBHOOK_ID_LENGTH = 150;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Checks the delivery against each accepted secret (current, then previous) and returns its
 * `webhook-id`. 400 when a header is missing or the id is malformed; 401 for a bad signature or
 * a timestamp outside the tolerance.
 */
export function verifyWebhook(secrets: readonly string[], rawBody: Uint8Array, headers: Headers): { id: string } {
  const missing = REQUIRED_HEADERS.filter((name) => !headers.get(name));
  if (missing.length > 0) {
    throw new AppError(
      "missing_signature_headers",
      400,
      `The webhook delivery is missing the header(s) ${missing.join(", ")}; sign it with a Standard Webhooks library.`,
    );
  }
  const id = headers.get("webhook-id")!;
  if (id.length > MAX_WEBHOOK_ID_LENGTH || !PRINTABLE_ASCII.test(id)) {
    throw new AppError(
      "invalid_input",
      400,
      `The webhook-id header must be 1–${MAX_WEBHOOK_ID_LENGTH} printable ASCII characters without spaces.`,
      { reason: "invalid_id" },
    );
  }
  const signed = {
    "webhook-id": id,
    "webhook-timestamp": headers.get("webhook-timestamp")!,
    "webhook-signature": headers.get("webhook-signature")!,
  };
  const payload = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  let failure = "No matching signature found";
  for (const secret of secrets) {
    try {
      // jsonParse off: the caller parses (with a depth limit) and answers bad JSON with 400.
      new Webhook(secret).verify(payload, signed, { jsonParse: false });
      return { id };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      failure = error.message;
      // A timestamp outside the tolerance fails the same way for every secret.
      if (/timestamp/i.test(failure) || /headers/i.test(failure)) break;
    }
  }
  const timestamp = /timestamp/i.test(failure);
  throw new AppError(
    timestamp ? "timestamp_out_of_tolerance" : "invalid_signature",
    401,
    timestamp
      ? "The webhook-timestamp is more than 5 minutes away from the server's clock; send the delivery again with a fresh timestamp."
      : "The webhook signature does not match this workflow's secret; check the secret (rotated secrets stay valid until the next rotation) and that the body is sent unchanged.",
  );
}
