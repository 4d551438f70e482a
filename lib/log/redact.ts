/**
 * Removes secrets from text before it is logged, stored for display or exported: API keys
 * (OpenAI/Anthropic/Waymark), bearer tokens, passwords in URLs and key=value pairs.
 */
const patterns: Array<[RegExp, string]> = [
  [/\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,})/g, "[REDACTED]"],
  [/\bwm_[A-Za-z0-9_-]{20,}/g, "[REDACTED]"],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[REDACTED]"],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s"'@]+:)[^@\s"'/]+@/gi, "$1[REDACTED]@"],
  [/("?(?:password|passwd|secret|api[_-]?key|token|authorization)"?\s*[:=]\s*"?)([^"\s,}]{4,})/gi, "$1[REDACTED]"],
];

export function redactSecrets(text: string, extra: RegExp[] = []): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  for (const pattern of extra) out = out.replace(pattern, "[REDACTED]");
  return out;
}

/** Property names whose string values are secrets whatever they look like (`password`, `webhookSecret`, `access_token`). */
const SECRET_KEY = /(password|passwd|secret|api[_-]?key|token|authorization)$/i;

/**
 * A copy of a JSON value for display: every string passes through {@link redactSecrets}, and
 * string values under secret-named keys are replaced whole. Numbers stay (`inputTokens` is a count).
 */
export function redactJson<T>(value: T): T {
  if (typeof value === "string") return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactJson(item)) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = typeof item === "string" && SECRET_KEY.test(key) ? "[REDACTED]" : redactJson(item);
  }
  return out as T;
}
