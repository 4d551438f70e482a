/**
 * Turns any thrown value into the API's error JSON `{ error, message, requestId, issues? }`.
 * AppErrors keep their status and message; anything else is a 500 whose details stay in the
 * server log (no stack, SQL or configuration ever reaches the caller).
 */
import { isAppError, type ValidationIssue } from "../errors/app-error";
import { createLogger } from "../log/logger";

export interface ApiErrorBody {
  error: string;
  message: string;
  requestId: string;
  issues?: ValidationIssue[];
}

export interface ErrorLogger {
  error(message: string, fields: Record<string, unknown>): void;
}

/** JSON lines with secret redaction (lib/log). */
export const consoleErrorLogger: ErrorLogger = createLogger({ name: "api" });

function serializeForLog(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    return { name: error.name, message: error.message, stack: error.stack, ...(cause ? { cause: serializeForLog(cause) } : {}) };
  }
  return { value: String(error) };
}

export function errorResponse(
  error: unknown,
  requestId: string,
  logger: ErrorLogger = consoleErrorLogger,
  where: Record<string, unknown> = {},
): Response {
  const headers = new Headers({ "X-Request-Id": requestId, "Cache-Control": "no-store" });
  if (isAppError(error)) {
    const body: ApiErrorBody = { error: error.code, message: error.message, requestId };
    if (error.details?.issues?.length) body.issues = error.details.issues;
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === "number" && (error.status === 429 || error.status === 503)) {
      headers.set("Retry-After", String(Math.max(1, Math.ceil(retryAfter))));
    }
    if (error.status >= 500) logger.error("request failed", { requestId, ...where, error: serializeForLog(error) });
    return Response.json(body, { status: error.status, headers });
  }
  logger.error("unhandled error in route handler", { requestId, ...where, error: serializeForLog(error) });
  const body: ApiErrorBody = {
    error: "internal",
    message: `Internal error; see the server log for request ${requestId}.`,
    requestId,
  };
  return Response.json(body, { status: 500, headers });
}
