/**
 * Errors that reach a caller. Each carries a stable `code`, an HTTP status and a message that
 * says what happened, to what, and what to do next. Route handlers turn them into
 * `{ error: code, message, requestId }`; anything else becomes a 500 without details.
 */
export type ErrorCode =
  | "invalid_input"
  | "invalid_json"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "already_decided"
  | "not_replayable"
  | "payload_too_large"
  | "unprocessable"
  | "rate_limited"
  | "unavailable"
  | "internal"
  | "unsupported_media_type"
  // Signed webhooks (lib/security/webhook-verify.ts)
  | "missing_signature_headers"
  | "invalid_signature"
  | "timestamp_out_of_tolerance"
  // Tool fetches refused by the SSRF guard (lib/security/ssrf.ts)
  | "ssrf_blocked"
  // Hardening (S18, idempotency, read-only endpoints)
  | "invalid_id"
  | "idempotency_key_reused"
  | "method_not_allowed";

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. "input.weightKg" */
  path: string;
  message: string;
}

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: { issues?: ValidationIssue[]; retryAfterSeconds?: number; [key: string]: unknown },
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) =>
  new AppError("not_found", 404, `${what} "${id}" was not found.`);

export const invalidInput = (message: string, issues?: ValidationIssue[]) =>
  new AppError("invalid_input", 400, message, issues ? { issues } : undefined);

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError("conflict", 409, message, details);

export const forbidden = (message: string) => new AppError("forbidden", 403, message);

export const unauthorized = (message = "Authentication required: send `Authorization: Bearer <api key>`.") =>
  new AppError("unauthorized", 401, message);

/**
 * AppError by shape, not only `instanceof`: Next bundles server actions, route handlers and the
 * modules they call into separate layers, so an AppError thrown in lib/control can be an instance
 * of another copy of the class (seen with Turbopack: a 409 from decideApproval escaped instanceof).
 */
export function isAppError(error: unknown): error is AppError {
  if (error instanceof AppError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { name, code, status, message } = error as Partial<AppError>;
  return name === "AppError" && typeof code === "string" && typeof status === "number" && typeof message === "string";
}

/** Turns zod issues into our field-level issues, prefixing each path (e.g. "input"). */
export function issuesFromZod(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix?: string,
): ValidationIssue[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== "").join(".");
    return { path: path || (prefix ?? "(root)"), message: issue.message };
  });
}
