/** Validation helpers for path segments and query strings. */
import { z } from "zod";
import { AppError, invalidInput, issuesFromZod } from "../errors/app-error";

export const MAX_PATH_ID_LENGTH = 100;

/**
 * A run/approval/key/user id from the path. Ids are 1–100 characters without ":" or control
 * characters; anything else cannot exist, so it answers 404 like an unknown id (no probing).
 */
export function pathId(value: string | string[] | undefined, what: string): string {
  const id = typeof value === "string" ? value : "";
  const valid = id.trim() !== "" && id.length <= MAX_PATH_ID_LENGTH && !/[:\u0000-\u001f\u007f]/.test(id);
  if (!valid) {
    const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
    throw new AppError(
      "not_found",
      404,
      `${what} "${shown.replace(/[\u0000-\u001f\u007f]/g, "?")}" was not found (ids are 1–${MAX_PATH_ID_LENGTH} characters without ":").`,
    );
  }
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
