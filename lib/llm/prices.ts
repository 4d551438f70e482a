/**
 * List prices of common models, in USD per million tokens, and the cost of one call.
 *
 * A pure module. This table seeds the editable price table (model_prices, with effective dates;
 * see prisma/migrations/*_budgets and *_cached_tokens) and prices calls when that table is not
 * used. Prices are public list prices for standard (non-batch) text tokens, as published by the
 * providers in late 2025; check them against the providers' pricing pages before relying on them,
 * and add a newer dated row in the console when they change. Open-weight models (Llama, Mistral)
 * show a typical hosted price, since what they cost depends on who serves them.
 *
 * Cached input: the price of prompt tokens read from the provider's prompt cache. OpenAI bills
 * them at 50% (gpt-4o, o3-mini), 25% (gpt-4.1, o3, o4-mini) of the input price; Anthropic bills
 * cache reads at 10% (cache writes cost more than input; Waymark charges them as input, see
 * anthropic-client.ts); Google bills Gemini 2.5 context-cache reads at 10%. A model without a
 * cached price has its cached tokens charged at the input price.
 */

export interface ModelPrice {
  /** The model family this price applies to; also the lookup prefix */
  model: string;
  /** Other spellings of the same family (Ollama tags, hosted names) */
  aliases?: readonly string[];
  /** USD per 1,000,000 input (prompt) tokens */
  inputPerMTok: number;
  /** USD per 1,000,000 output (completion) tokens */
  outputPerMTok: number;
  /** USD per 1,000,000 input tokens read from the provider's prompt cache; absent: the input price */
  cachedInputPerMTok?: number;
}

export const MODEL_PRICES: readonly ModelPrice[] = [
  { model: "gpt-4o", inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25 },
  { model: "gpt-4o-mini", inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
  { model: "gpt-4.1", inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
  { model: "gpt-4.1-mini", inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1 },
  { model: "gpt-4.1-nano", inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025 },
  { model: "o4-mini", inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.275 },
  { model: "o3", inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5 },
  { model: "o3-mini", inputPerMTok: 1.1, outputPerMTok: 4.4, cachedInputPerMTok: 0.55 },
  { model: "claude-sonnet-4", inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
  { model: "claude-3-7-sonnet", inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
  { model: "claude-3-5-sonnet", inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3 },
  { model: "claude-3-5-haiku", inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08 },
  { model: "claude-haiku-4-5", inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1 },
  { model: "claude-opus-4", inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5 },
  { model: "claude-opus-4-5", inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5 },
  { model: "gemini-2.5-pro", inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 },
  { model: "gemini-2.5-flash", inputPerMTok: 0.3, outputPerMTok: 2.5, cachedInputPerMTok: 0.03 },
  { model: "gemini-2.5-flash-lite", inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.01 },
  { model: "llama-3.1-8b", aliases: ["llama3.1:8b", "llama3.1-8b"], inputPerMTok: 0.05, outputPerMTok: 0.08 },
  { model: "llama-3.1-70b", aliases: ["llama3.1:70b", "llama3.1-70b"], inputPerMTok: 0.59, outputPerMTok: 0.79 },
  { model: "mistral-large", inputPerMTok: 2, outputPerMTok: 6 },
  { model: "mistral-medium", inputPerMTok: 0.4, outputPerMTok: 2 },
  { model: "mistral-small", inputPerMTok: 0.1, outputPerMTok: 0.3 },
  { model: "mistral-7b", aliases: ["mistral:7b", "open-mistral-7b"], inputPerMTok: 0.25, outputPerMTok: 0.25 },
];

/** What {@link findPriceIn} needs of a table row: the family name and its other spellings. */
export interface PriceKey {
  model: string;
  aliases?: readonly string[];
}

/** Every spelling → its row, longest first so that `gpt-4o-mini` wins over `gpt-4o`. */
function prefixesOf<T extends PriceKey>(table: readonly T[]): ReadonlyArray<readonly [string, T]> {
  return table
    .flatMap((price) => [price.model, ...(price.aliases ?? [])].map((prefix) => [prefix.toLowerCase(), price] as const))
    .sort((a, b) => b[0].length - a[0].length);
}

const PREFIXES = prefixesOf(MODEL_PRICES);

/**
 * Lower-cases the name and drops a routing prefix (`openai/gpt-4o`, `meta-llama/llama-3.1-8b-instruct`),
 * so OpenRouter-style names price like their bare model.
 */
function normalizeModelName(model: string): string {
  const lower = model.trim().toLowerCase();
  return lower.slice(lower.lastIndexOf("/") + 1);
}

function findIn<T>(prefixes: ReadonlyArray<readonly [string, T]>, model: string): T | undefined {
  const name = normalizeModelName(model);
  for (const [prefix, price] of prefixes) {
    if (name === prefix) return price;
    if (name.startsWith(prefix) && !/[a-z0-9]/.test(name.charAt(prefix.length))) return price;
  }
  return undefined;
}

/**
 * The price of a model: the longest table entry that is a prefix of the (normalized) name and
 * ends at a word boundary, so dated snapshots (`gpt-4o-mini-2024-07-18`, `claude-sonnet-4-20250514`)
 * and variants (`llama-3.1-8b-instruct`) find their family, but `llama-3.1-80b` does not match `llama-3.1-8b`.
 * Returns undefined for a model the table does not know.
 */
export function findModelPrice(model: string): ModelPrice | undefined {
  return findIn(PREFIXES, model);
}

/** {@link findModelPrice} over another table (e.g. the prices stored in Postgres, effective at a date). */
export function findPriceIn<T extends PriceKey>(table: readonly T[], model: string): T | undefined {
  return findIn(prefixesOf(table), model);
}

export interface CallCost {
  usd: number;
  /** false when no price is known for the model: `usd` is then 0, and the caller should say so */
  priced: boolean;
  /** The table entry used */
  price?: ModelPrice;
}

/** Rounds away binary-float noise (0.1 + 0.2) below a billionth of a cent. */
export const roundUsd = (usd: number) => Math.round(usd * 1e11) / 1e11;

/** A call's token counts; `cachedInputTokens` is the part of `inputTokens` read from the prompt cache. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** @defaultValue 0 */
  cachedInputTokens?: number;
}

/** What {@link tokenCostUsd} needs of a price (a table row, a stored price, a snapshot). */
export interface TokenRates {
  inputPerMTok: number;
  outputPerMTok: number;
  /** null or absent: cached tokens cost the input price */
  cachedInputPerMTok?: number | null;
}

/**
 * USD for `usage` at `rates`, not rounded (see {@link roundUsd}): cached input tokens at the cached
 * price when there is one (else the input price), the rest of the input at the input price. A
 * cached count above the input count (a provider's inconsistency) is capped at the input count.
 */
export function tokenCostUsd(rates: TokenRates, usage: TokenUsage): number {
  const input = Math.max(0, usage.inputTokens);
  const cached = Math.min(input, Math.max(0, usage.cachedInputTokens ?? 0));
  const cachedRate = rates.cachedInputPerMTok ?? rates.inputPerMTok;
  return ((input - cached) * rates.inputPerMTok + cached * cachedRate + Math.max(0, usage.outputTokens) * rates.outputPerMTok) / 1_000_000;
}

/** The cost of one call, with whether the model was priced at all. */
export function priceCall(model: string, inputTokens: number, outputTokens: number, cachedInputTokens = 0): CallCost {
  const price = findModelPrice(model);
  if (!price) return { usd: 0, priced: false };
  return { usd: roundUsd(tokenCostUsd(price, { inputTokens, outputTokens, cachedInputTokens })), priced: true, price };
}

/** USD cost of one call; 0 for a model the table does not know (see {@link priceCall} to tell). */
export function costUsd(model: string, inputTokens: number, outputTokens: number, cachedInputTokens = 0): number {
  return priceCall(model, inputTokens, outputTokens, cachedInputTokens).usd;
}
