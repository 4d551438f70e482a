/**
 * What the console's server actions return to their forms: a message a person can act on, and
 * per-field messages from AppError issues. Thrown AppErrors (403, 404, 409…) become results;
 * Next's own control flow (redirect, notFound) passes through untouched.
 */
import { unstable_rethrow } from "next/navigation";
import { isAppError, type AppError, type ValidationIssue } from "../../../lib/errors/app-error";

/** The AppError inside a thrown value, if it is one (see isAppError: checked by shape). */
export function asAppError(error: unknown): AppError | null {
  return isAppError(error) ? error : null;
}

export interface ActionResult {
  ok: boolean;
  /** Shown above the form (role="alert") */
  message?: string;
  /** Field name → message; AppError issue paths with `prefix.` stripped */
  fieldErrors?: Record<string, string>;
  /** HTTP-like status of a failure (403, 409…), for tests and styling */
  status?: number;
}

/** Field name → first message, for issues whose path starts with `prefix` ("input" → "input.weightKg" → "weightKg"). */
export function fieldErrorsFromIssues(issues: ValidationIssue[] | undefined, prefix?: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues ?? []) {
    let path = issue.path;
    if (prefix) {
      if (path === prefix) path = "(root)";
      else if (path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1);
    }
    errors[path] ??= issue.message;
  }
  return errors;
}

/** Runs an action body; AppErrors become `{ ok: false, message, status, fieldErrors }`. */
export async function toActionResult(body: () => Promise<ActionResult>, options: { issuePrefix?: string } = {}): Promise<ActionResult> {
  try {
    return await body();
  } catch (error) {
    unstable_rethrow(error);
    const appError = asAppError(error);
    if (appError) {
      return {
        ok: false,
        status: appError.status,
        message: appError.message,
        fieldErrors: fieldErrorsFromIssues(appError.details?.issues, options.issuePrefix),
      };
    }
    throw error;
  }
}
