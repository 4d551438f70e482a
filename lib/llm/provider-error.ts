/**
 * One error type for every provider, so the engine decides retries the same way whichever SDK
 * failed: `retryable` (rate limits, 5xx, network) versus not (bad key, unknown model, bad request).
 */

export interface ProviderErrorDetails {
  /** `gen_ai.provider.name` of the provider that failed */
  provider: string;
  model: string;
  serverAddress?: string;
  /** HTTP status the provider answered with, when it answered */
  status?: number;
  /** Value for the span's `error.type`: the HTTP status, `timeout` or `connection_error` */
  errorType: string;
  retryable: boolean;
}

export class LlmProviderError extends Error {
  override name = "LlmProviderError";
  /** Read by the engine (`isFatalError`): true when retrying cannot help, so the step fails at once */
  readonly fatal: boolean;
  /** The provider's HTTP status; the engine uses it as the span's `error.type` */
  readonly status?: number;
  constructor(
    message: string,
    readonly details: ProviderErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.fatal = !details.retryable;
    this.status = details.status;
  }
}

const CREDENTIAL_HINTS: Record<string, string> = {
  openai: "check OPENAI_API_KEY and OPENAI_BASE_URL",
  anthropic: "check ANTHROPIC_API_KEY",
  "waymark-demo": "the built-in demo provider refused it",
};

function hintFor(status: number | undefined, provider: string): string {
  if (status === undefined) return "the provider could not be reached; the step will be retried";
  if (status === 401 || status === 403) return `the provider refused the credentials: ${CREDENTIAL_HINTS[provider] ?? "check the API key"}`;
  if (status === 404) return "the provider does not know this model or path: check the model name";
  if (status === 408 || status === 409 || status === 429) return "the provider asked to slow down; the step will be retried";
  if (status >= 500) return "the provider failed; the step will be retried";
  return "the provider rejected the request: check the step's model, messages and options";
}

function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

/** True for the abort of our own signal (step timeout, shutdown): that is not a provider failure. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "APIUserAbortError");
}

/**
 * Wraps an SDK error (openai or @anthropic-ai/sdk: both throw `APIError` subclasses carrying
 * `status`) in an {@link LlmProviderError} whose message says what failed, where, and what to do.
 */
export function toProviderError(
  error: unknown,
  context: { provider: string; model: string; serverAddress?: string },
): LlmProviderError {
  const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : undefined;
  const isTimeout = error instanceof Error && /timeout/i.test(error.name);
  const errorType = status !== undefined ? String(status) : isTimeout ? "timeout" : "connection_error";
  const sdkMessage = error instanceof Error ? error.message.replace(/\s+/g, " ").slice(0, 300) : String(error);
  const where = context.serverAddress ? ` at ${context.serverAddress}` : "";
  const message =
    `LLM call to ${context.provider}${where} for model "${context.model}" failed` +
    `${status !== undefined ? ` with HTTP ${status}` : ""}: ${sdkMessage} — ${hintFor(status, context.provider)}.`;
  return new LlmProviderError(message, { ...context, status, errorType, retryable: isRetryableStatus(status) }, { cause: error });
}
