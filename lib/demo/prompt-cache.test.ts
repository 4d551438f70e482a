import { describe, expect, it } from "vitest";
import { estimateTokens } from "./demo-replies";
import { createPromptCache, DEMO_CACHE_MIN_TOKENS, promptText } from "./prompt-cache";

const system = { role: "system", content: "You are a careful freight analyst. ".repeat(8) };
const ask = (question: string) => [system, { role: "user", content: question }];

describe("demo prompt cache", () => {
  it("reports nothing the first time, then the repeated leading messages as cached", () => {
    const cache = createPromptCache();
    expect(cache.read("gpt-4o-mini", ask("Rotterdam to Chicago?"))).toBe(0);
    // Another question behind the same system prompt: the system prompt is cached, the question is not.
    const cached = cache.read("gpt-4o-mini", ask("Hamburg to Newark?"));
    expect(cached).toBe(estimateTokens(promptText([system])));
    expect(cached).toBeLessThan(estimateTokens(promptText(ask("Hamburg to Newark?"))));
    // The very same prompt again: all of it.
    expect(cache.read("gpt-4o-mini", ask("Hamburg to Newark?"))).toBe(estimateTokens(promptText(ask("Hamburg to Newark?"))));
  });

  it("keeps models apart and ignores prefixes below the threshold", () => {
    const cache = createPromptCache();
    cache.read("gpt-4o-mini", ask("one"));
    expect(cache.read("gpt-4o", ask("two"))).toBe(0);
    const short = [{ role: "system", content: "Be brief." }];
    expect(estimateTokens(promptText(short))).toBeLessThan(DEMO_CACHE_MIN_TOKENS);
    cache.read("gpt-4o", [...short, { role: "user", content: "a" }]);
    expect(cache.read("gpt-4o", [...short, { role: "user", content: "b" }])).toBe(0);
  });

  it("forgets the least recently used prefixes beyond its size", () => {
    const cache = createPromptCache(2);
    cache.read("m", ask("one")); // remembers [system] and [system, one]
    cache.read("m", [{ role: "system", content: "Another long system prompt for the demo. ".repeat(4) }]); // evicts [system]
    expect(cache.read("m", ask("two"))).toBe(0);
  });
});
