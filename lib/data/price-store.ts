/**
 * Model prices with effective dates (table model_prices) and the price snapshot an LLM call is
 * charged at. A price change is a new row with a later effective date, never an edit, so a call
 * is always charged the price that was in force when it started, and its snapshot is stored with it.
 */
import type { LlmPriceSnapshot } from "../engine/types";
import type { Db } from "./db";
import { findPriceIn, roundUsd, tokenCostUsd } from "../llm/prices";
import { createId } from "./ids";

export interface StoredModelPrice {
  id: string;
  model: string;
  aliases: string[];
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number | null;
  effectiveFrom: Date;
  /** The vendor that sets the list price ("openai", "anthropic"…); null when nobody said */
  provider: string | null;
  createdBy: string | null;
  createdAt: Date;
}

interface PriceRow {
  id: string;
  model: string;
  aliases: string[];
  input_per_mtok: string;
  output_per_mtok: string;
  cached_input_per_mtok: string | null;
  effective_from: Date;
  provider: string | null;
  created_by: string | null;
  created_at: Date;
}

const toPrice = (row: PriceRow): StoredModelPrice => ({
  id: row.id,
  model: row.model,
  aliases: row.aliases ?? [],
  inputPerMTok: Number(row.input_per_mtok),
  outputPerMTok: Number(row.output_per_mtok),
  cachedInputPerMTok: row.cached_input_per_mtok === null ? null : Number(row.cached_input_per_mtok),
  effectiveFrom: row.effective_from,
  provider: row.provider,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

const COLUMNS = `id, model, aliases, input_per_mtok, output_per_mtok, cached_input_per_mtok, effective_from, provider, created_by, created_at`;

/** Every price row, newest first per model (the console's price table with its history). */
export async function listModelPrices(db: Db): Promise<StoredModelPrice[]> {
  const { rows } = await db.pool.query<PriceRow>(`SELECT ${COLUMNS} FROM model_prices ORDER BY model, effective_from DESC`);
  return rows.map(toPrice);
}

/** The price of every model in force at `at`: per model, the latest row effective at or before it. */
export async function pricesEffectiveAt(db: Db, at: Date): Promise<StoredModelPrice[]> {
  const { rows } = await db.pool.query<PriceRow>({
    name: "waymark_prices_effective_at",
    text: `SELECT DISTINCT ON (model) ${COLUMNS} FROM model_prices WHERE effective_from <= $1
           ORDER BY model, effective_from DESC`,
    values: [at],
  });
  return rows.map(toPrice);
}

export interface NewModelPrice {
  model: string;
  aliases?: string[];
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number | null;
  /** From when the price applies; calls that started earlier keep the price they were charged. */
  effectiveFrom: Date;
  /** The vendor that sets the list price */
  provider?: string | null;
  /** "user:<id>", "apikey:<id>" */
  createdBy?: string;
}

/**
 * Adds a price from a date on. Adding a row for the same model and date again replaces that row's
 * numbers (a correction before it takes effect); rows of other dates are history and stay.
 */
export async function addModelPrice(db: Db, price: NewModelPrice): Promise<StoredModelPrice> {
  const model = price.model.trim().toLowerCase();
  if (!model) throw new TypeError("A price needs a model name.");
  for (const [name, value] of [["inputPerMTok", price.inputPerMTok], ["outputPerMTok", price.outputPerMTok]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} of ${model} must be a number ≥ 0 (USD per million tokens), not ${value}.`);
  }
  const { rows } = await db.pool.query<PriceRow>(
    `INSERT INTO model_prices (id, model, aliases, input_per_mtok, output_per_mtok, cached_input_per_mtok, effective_from, created_by, provider)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (model, effective_from) DO UPDATE SET aliases = EXCLUDED.aliases, input_per_mtok = EXCLUDED.input_per_mtok,
       output_per_mtok = EXCLUDED.output_per_mtok, cached_input_per_mtok = EXCLUDED.cached_input_per_mtok, created_by = EXCLUDED.created_by,
       provider = EXCLUDED.provider
     RETURNING ${COLUMNS}`,
    [
      createId("price"),
      model,
      JSON.stringify((price.aliases ?? []).map((alias) => alias.trim().toLowerCase())),
      price.inputPerMTok,
      price.outputPerMTok,
      price.cachedInputPerMTok ?? null,
      price.effectiveFrom,
      price.createdBy ?? null,
      price.provider ?? null,
    ],
  );
  return toPrice(rows[0]!);
}

/** Every price row of one model (normalized name), newest first. */
export async function listPricesOfModel(db: Db, model: string): Promise<StoredModelPrice[]> {
  const { rows } = await db.pool.query<PriceRow>(`SELECT ${COLUMNS} FROM model_prices WHERE model = $1 ORDER BY effective_from DESC`, [
    model.trim().toLowerCase(),
  ]);
  return rows.map(toPrice);
}

/** What one LLM call attempt was charged, with the price snapshot it was charged at (table llm_charges). */
export interface LlmChargeView {
  seq: number;
  stepId: string;
  attempt: number;
  /** The attempt's outcome: "succeeded", "failed", "timed_out"… */
  status: string;
  model: string | null;
  inputTokens: number;
  /** The part of inputTokens read from the provider's prompt cache */
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number;
  chargedAt: string;
  /** The price it was charged at; null when the model had no price (cost 0). cachedInputPerMTok null: cached tokens cost the input price */
  price: { priceId: string | null; inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok: number | null; effectiveFrom: string | null } | null;
}

/** A run's charges, one per LLM call attempt (failed ones included), in step and attempt order. */
export async function listRunCharges(db: Db, runId: string): Promise<LlmChargeView[]> {
  const { rows } = await db.pool.query<{
    seq: number;
    step_id: string;
    attempt: number;
    status: string;
    model: string | null;
    price_id: string | null;
    input_per_mtok: string | null;
    output_per_mtok: string | null;
    cached_input_per_mtok: string | null;
    price_effective_from: Date | null;
    input_tokens: number;
    cached_input_tokens: number;
    output_tokens: number;
    cost_usd: string;
    charged_at: Date;
  }>(
    `SELECT seq, step_id, attempt, status, model, price_id, input_per_mtok, output_per_mtok, cached_input_per_mtok, price_effective_from,
            input_tokens, cached_input_tokens, output_tokens, cost_usd, charged_at
     FROM llm_charges WHERE run_id = $1 ORDER BY seq, attempt`,
    [runId],
  );
  return rows.map((row) => ({
    seq: row.seq,
    stepId: row.step_id,
    attempt: row.attempt,
    status: row.status,
    model: row.model,
    inputTokens: row.input_tokens,
    cachedInputTokens: row.cached_input_tokens,
    outputTokens: row.output_tokens,
    costUsd: Number(row.cost_usd),
    chargedAt: row.charged_at.toISOString(),
    price:
      row.input_per_mtok === null || row.output_per_mtok === null
        ? null
        : {
            priceId: row.price_id,
            inputPerMTok: Number(row.input_per_mtok),
            outputPerMTok: Number(row.output_per_mtok),
            cachedInputPerMTok: row.cached_input_per_mtok === null ? null : Number(row.cached_input_per_mtok),
            effectiveFrom: row.price_effective_from ? row.price_effective_from.toISOString() : null,
          },
  }));
}

export interface PriceRequest {
  /** The model the provider says answered (priced first) */
  model?: string | null;
  /** The model the step asked for (priced when the answering model has no price) */
  requestModel?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  /** The part of inputTokens read from the prompt cache: charged at the cached-input price when the model has one */
  cachedInputTokens?: number | null;
  /** When the call ran: the price in force then is charged */
  at: Date;
}

/** A call's cost and the price snapshot it was computed with; undefined when no price is known. */
export interface PricedCall {
  costUsd: number;
  price: LlmPriceSnapshot;
}

/** Prices a call at the prices in force when it ran (the answering model first, then the requested one). */
export async function priceCallAt(db: Db, request: PriceRequest): Promise<PricedCall | undefined> {
  const names = [request.model, request.requestModel].filter((name): name is string => !!name);
  if (names.length === 0) return undefined;
  const prices = await pricesEffectiveAt(db, request.at);
  for (const name of names) {
    const price = findPriceIn(prices, name);
    if (!price) continue;
    const usd = tokenCostUsd(price, { inputTokens: request.inputTokens ?? 0, outputTokens: request.outputTokens ?? 0, cachedInputTokens: request.cachedInputTokens ?? 0 });
    return {
      costUsd: roundUsd(usd),
      price: {
        priceId: price.id,
        model: price.model,
        inputPerMTok: price.inputPerMTok,
        outputPerMTok: price.outputPerMTok,
        cachedInputPerMTok: price.cachedInputPerMTok,
        effectiveFrom: price.effectiveFrom.toISOString(),
      },
    };
  }
  return undefined;
}
