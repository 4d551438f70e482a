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
