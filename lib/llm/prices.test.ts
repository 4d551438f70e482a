import { describe, expect, it } from "vitest";
import { costUsd, findModelPrice, MODEL_PRICES, priceCall, tokenCostUsd } from "./prices";

describe("findModelPrice", () => {
  it.each([
    ["gpt-4o", "gpt-4o"],
    ["gpt-4o-mini", "gpt-4o-mini"],
    ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-4.1", "gpt-4.1"],
    ["gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"],
    ["o4-mini", "o4-mini"],
    ["claude-sonnet-4-20250514", "claude-sonnet-4"],
    ["claude-sonnet-4-5", "claude-sonnet-4"],
    ["claude-3-5-haiku-latest", "claude-3-5-haiku"],
    ["claude-opus-4-1", "claude-opus-4"],
    ["claude-opus-4-5-20251101", "claude-opus-4-5"],
    ["gemini-2.5-pro", "gemini-2.5-pro"],
    ["gemini-2.5-flash", "gemini-2.5-flash"],
    ["openai/gpt-4o", "gpt-4o"],
    ["meta-llama/llama-3.1-8b-instruct", "llama-3.1-8b"],
    ["llama3.1:70b", "llama-3.1-70b"],
    ["mistral-large-latest", "mistral-large"],
    ["GPT-4o-Mini", "gpt-4o-mini"],
  ])("prices %s as %s", (model, family) => {
    expect(findModelPrice(model)?.model).toBe(family);
  });

  it.each(["llama-3.1-80b", "gpt-4", "gpt-4ox", "my-fine-tune", ""])("does not price %j", (model) => {
    expect(findModelPrice(model)).toBeUndefined();
  });

  it("lists each family once, with positive prices", () => {
    const names = MODEL_PRICES.map((p) => p.model);
    expect(new Set(names).size).toBe(names.length);
    for (const price of MODEL_PRICES) {
      expect(price.inputPerMTok).toBeGreaterThan(0);
      expect(price.outputPerMTok).toBeGreaterThan(0);
      // A cache read is a discount, never a surcharge.
      if (price.cachedInputPerMTok !== undefined) {
        expect(price.cachedInputPerMTok, price.model).toBeGreaterThan(0);
        expect(price.cachedInputPerMTok, price.model).toBeLessThan(price.inputPerMTok);
      }
    }
  });

  it("ships cached-input prices for the OpenAI, Anthropic and Gemini families", () => {
    const withCached = MODEL_PRICES.filter((price) => price.cachedInputPerMTok !== undefined).map((price) => price.model);
    expect(withCached).toEqual(expect.arrayContaining(["gpt-4o", "gpt-4o-mini", "gpt-4.1", "o4-mini", "claude-sonnet-4", "claude-haiku-4-5", "gemini-2.5-pro", "gemini-2.5-flash"]));
    expect(findModelPrice("gpt-4o-mini")?.cachedInputPerMTok).toBe(0.075);
    expect(findModelPrice("claude-sonnet-4-5")?.cachedInputPerMTok).toBe(0.3);
    expect(findModelPrice("llama3.1:8b")?.cachedInputPerMTok).toBeUndefined();
  });
});

describe("costUsd", () => {
  it("charges input and output tokens at the model's prices per million", () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens
    expect(costUsd("gpt-4o-mini", 1_000_000, 0)).toBe(0.15);
    expect(costUsd("gpt-4o-mini", 0, 1_000_000)).toBe(0.6);
    expect(costUsd("gpt-4o-mini", 1200, 300)).toBeCloseTo(0.00018 + 0.00018, 12);
    expect(costUsd("claude-sonnet-4", 1000, 1000)).toBeCloseTo(0.003 + 0.015, 12);
  });

  it("costs an unknown model nothing and says it is unpriced", () => {
    expect(costUsd("my-fine-tune", 5000, 5000)).toBe(0);
    expect(priceCall("my-fine-tune", 5000, 5000)).toEqual({ usd: 0, priced: false });
    expect(priceCall("gpt-4o", 0, 0)).toMatchObject({ usd: 0, priced: true });
  });

  it("does not leak binary float noise into the amount", () => {
    const usd = costUsd("gpt-4o", 3, 7);
    expect(String(usd).length).toBeLessThan(15);
  });
});

describe("cached input tokens", () => {
  it("are charged at the cached price, the rest of the input at the input price", () => {
    // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per million tokens
    expect(costUsd("gpt-4o-mini", 1_000_000, 0, 1_000_000)).toBe(0.075);
    expect(costUsd("gpt-4o-mini", 2_000, 100, 1_500)).toBeCloseTo((500 * 0.15 + 1_500 * 0.075 + 100 * 0.6) / 1e6, 12);
    // claude-sonnet-4: cache reads at 10% of $3
    expect(costUsd("claude-sonnet-4-6", 10_000, 0, 9_000)).toBeCloseTo((1_000 * 3 + 9_000 * 0.3) / 1e6, 12);
    expect(priceCall("gpt-4o", 1000, 10, 0)).toEqual(priceCall("gpt-4o", 1000, 10));
  });

  it("cost the input price when the model has no cached price", () => {
    expect(costUsd("mistral-large", 1_000_000, 0, 600_000)).toBe(costUsd("mistral-large", 1_000_000, 0));
    expect(tokenCostUsd({ inputPerMTok: 2, outputPerMTok: 6, cachedInputPerMTok: null }, { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 1_000_000 })).toBe(2);
  });

  it("never count more cached tokens than input tokens, nor fewer than none", () => {
    const rates = { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.1 };
    expect(tokenCostUsd(rates, { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 5_000_000 })).toBeCloseTo(0.1, 12);
    expect(tokenCostUsd(rates, { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: -5 })).toBe(1);
  });
});
