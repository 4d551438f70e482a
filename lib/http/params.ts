/** Validation helpers for path segments and query strings. */
import { z } from "zod";
import { AppError, invalidInput, issuesFromZod } from "../errors/app-error";

/** The longest id (run, approval, key, user, workflow name, Idempotency-Key) the API accepts. */
export const MAX_ID_LENGTH = 256;

/**
 * Why `value` cannot be an id, or null when it can: ids are 1–256 characters, not only
 * whitespace, without ":" (BullMQ job ids and our derived keys use it as a separator) or control
 * characters (NUL cannot even be stored in Postgres text).
 */
export function idProblem(value: string): string | null {
  if (value.trim() === "") return "it is empty or only whitespace";
  if (value.length > MAX_ID_LENGTH) return `it is longer than ${MAX_ID_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return "it contains a control character";
  if (value.includes(":")) return 'it contains ":"';
  return null;
}

/** An id with its control characters shown as "?" and cut to 40 characters, safe to echo. */
function shownId(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return shown.replace(/[\u0000-\u001f\u007f]/g, "?");
}

/** 400 `invalid_id`: the caller sent something that can never be an id (S18). */
export function invalidId(what: string, value: string, problem: string, path = what): AppError {
  const message = `Invalid ${what} "${shownId(value)}": ${problem}; ids are 1–${MAX_ID_LENGTH} characters without ":" or control characters.`;
  return new AppError("invalid_id", 400, message, { issues: [{ path, message: problem }] });
}

/**
 * A run/approval/key/user id or workflow name from the path, checked before any lookup: a
 * malformed one answers 400 `invalid_id`, so it never reaches a query or a queue.
 */
export function pathId(value: string | string[] | undefined, what: string): string {
  return checkedId(value, what, "path");
}

/** The same check for an id in a body field (`issuePath` names the field, e.g. "workflow"). */
export function checkedId(value: string | string[] | undefined, what: string, issuePath: string): string {
  const id = typeof value === "string" ? value : "";
  const problem = idProblem(id);
  if (problem) throw invalidId(what, id, problem, issuePath);
  return id;
}

/** The query string as an object: repeated keys become arrays. */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    result[key] = values.length === 1 ? values[0] : values;
  }
  return result;
}

/** `?status=a,b` or `?status=a&status=b` → ["a", "b"]. */
export function commaList<T extends string>(item: z.ZodType<T, string>) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(","))
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}

/**
 * Validates `value` with `schema`; a failure is a 400 naming every field, with the first one in
 * the message (e.g. `version: Invalid input: expected number, received string`).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string, prefix?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = issuesFromZod(parsed.error.issues, prefix);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw invalidInput(`Invalid ${where}: ${first.path}: ${first.message}${more}.`, issues);
}
