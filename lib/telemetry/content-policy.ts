/**
 * What of a prompt or completion may leave the worker on a span. The GenAI conventions make
 * content opt-in ("SHOULD NOT capture by default"): without the switch no content attribute is
 * exported at all. With it, content is still redacted of secrets (API keys, bearer tokens,
 * credentials in URLs, key=value secrets and the configured patterns) and each text is capped,
 * keeping the JSON structure the conventions define.
 */
import type { Json, LlmMessage } from "../engine/types";
import { redactSecrets } from "../log/redact";
import { CONTENT_ATTRIBUTES } from "./semconv";

export interface ContentPolicyOptions {
  /** Export `gen_ai.input.messages` / `gen_ai.output.messages`. @defaultValue false */
  capture?: boolean;
  /** Extra secret patterns (WAYMARK_REDACT_PATTERNS) */
  redactPatterns?: RegExp[];
  /** Longest text kept per message part. @defaultValue 16_384 */
  maxTextChars?: number;
}

export interface ContentPolicy {
  readonly capture: boolean;
  /** Redacts secrets from any text that goes onto a span (content, error messages, attribute values). */
  redact(text: string): string;
  /** A content attribute as exported: undefined when capture is off; otherwise redacted, capped JSON. */
  contentValue(value: unknown): string | undefined;
}

export function createContentPolicy(options: ContentPolicyOptions = {}): ContentPolicy {
  const extra = options.redactPatterns ?? [];
  const maxChars = options.maxTextChars ?? 16_384;
  const redact = (text: string) => redactSecrets(text, extra);
  const cap = (text: string) => (text.length > maxChars ? `${text.slice(0, maxChars)}…[${text.length - maxChars} more characters]` : text);

  // Redact each string inside the JSON value, then serialise: a pattern can never break the JSON.
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return cap(redact(value));
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };

  return {
    capture: options.capture ?? false,
    redact,
    contentValue(value) {
      if (!(options.capture ?? false) || value === undefined || value === null) return undefined;
      let parsed: unknown = value;
      if (typeof value === "string") {
        try {
          parsed = JSON.parse(value);
        } catch {
          return cap(redact(value));
        }
      }
      return JSON.stringify(scrub(parsed));
    },
  };
}

export const isContentAttribute = (name: string) => CONTENT_ATTRIBUTES.has(name);

/** `gen_ai.input.messages` in the conventions' shape: `[{role, parts: [{type: "text", content}]}]`. */
export function inputMessages(messages: LlmMessage[]): Json {
  return messages.map((message) => ({ role: message.role, parts: [{ type: "text", content: message.content }] }));
}

/** `gen_ai.output.messages`: one assistant message with its finish reason. */
export function outputMessages(text: string, finishReason: string): Json {
  return [{ role: "assistant", parts: [{ type: "text", content: text }], finish_reason: finishReason }];
}
