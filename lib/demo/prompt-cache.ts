/**
 * The demo provider's prompt cache: like OpenAI's automatic prompt caching, a request whose
 * leading messages (a long system prompt, earlier turns, or the whole prompt) were sent before to
 * the same model reports them as cached input tokens (`usage.prompt_tokens_details.cached_tokens`),
 * so demo runs show cached usage and its lower price as real ones would.
 *
 * Deterministic: a prefix counts as cached once an earlier successful request of this server
 * carried it; nothing expires with time (real caches drop a prefix after minutes of disuse). The
 * unit is a whole message, where real providers cache in blocks of 128 tokens from 1,024 tokens
 * on; the threshold here is low ({@link DEMO_CACHE_MIN_TOKENS}) because the demo's prompts are short.
 */
import { createHash } from "node:crypto";
import { estimateTokens, type DemoChatMessage } from "./demo-replies";

/** A prefix shorter than this many tokens is never cached (OpenAI: 1,024). */
export const DEMO_CACHE_MIN_TOKENS = 32;

/** Prefixes remembered at most; the oldest are forgotten first, so a long-running demo stays small. */
export const DEMO_CACHE_MAX_ENTRIES = 10_000;

/** The prompt text the demo counts tokens of (prompt_tokens is the estimate of all messages). */
export function promptText(messages: readonly DemoChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${m.content}`).join("\n");
}

export interface PromptCache {
  /**
   * The cached input tokens of a request: those of its longest leading run of whole messages
   * that an earlier request to the same model carried (0 when none, or when shorter than the
   * threshold). Then remembers this request's own prefixes for later requests.
   */
  read(model: string, messages: readonly DemoChatMessage[]): number;
}

/** A key per leading run of messages: each chains the previous one, so hashing stays linear in the prompt's size. */
function prefixKeys(model: string, messages: readonly DemoChatMessage[]): string[] {
  let key = createHash("sha256").update(model).digest("hex");
  return messages.map((message) => (key = createHash("sha256").update(key).update(JSON.stringify([message.role, message.content])).digest("hex")));
}

export function createPromptCache(maxEntries = DEMO_CACHE_MAX_ENTRIES): PromptCache {
  /** Keys of (model, leading messages) seen, least recently used first (a Set iterates in insertion order) */
  const seen = new Set<string>();
  return {
    read(model, messages) {
      const keys = prefixKeys(model, messages);
      let cached = 0;
      for (let i = keys.length - 1; i >= 0; i--) {
        if (!seen.has(keys[i]!)) continue;
        const tokens = estimateTokens(promptText(messages.slice(0, i + 1)));
        if (tokens >= DEMO_CACHE_MIN_TOKENS) cached = tokens;
        break;
      }
      for (const key of keys) {
        seen.delete(key); // re-inserting moves a prefix in use to the young end
        seen.add(key);
      }
      while (seen.size > maxEntries) seen.delete(seen.values().next().value!);
      return cached;
    },
  };
}
