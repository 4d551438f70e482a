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
  createdBy: string | null;
}

interface PriceRow {
  id: string;
  model: string;
  aliases: string[];
  input_per_mtok: string;
  output_per_mtok: string;
  cached_input_per_mtok: string | null;
  effective_from: Date;
  created_by: string | null;
}

const toPrice = (row: PriceRow): StoredModelPrice => ({
  id: row.id,
  model: row.model,
  aliases: row.aliases ?? [],
  inputPerMTok: Number(row.input_per_mtok),
  outputPerMTok: Number(row.output_per_mtok),
  cachedInputPerMTok: row.cached_input_per_mtok === null ? null : Number(row.cached_input_per_mtok),
  effectiveFrom: row.effective_from,
  createdBy: row.created_by,
});

const COLUMNS = `id, model, aliases, input_per_mtok, output_per_mtok, cached_input_per_mtok, effective_from, created_by`;

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
    `INSERT INTO model_prices (id, model, aliases, input_per_mtok, output_per_mtok, cached_input_per_mtok, effective_from, created_by)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
     ON CONFLICT (model, effective_from) DO UPDATE SET aliases = EXCLUDED.aliases, input_per_mtok = EXCLUDED.input_per_mtok,
       output_per_mtok = EXCLUDED.output_per_mtok, cached_input_per_mtok = EXCLUDED.cached_input_per_mtok, created_by = EXCLUDED.created_by
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
    ],
  );
  return toPrice(rows[0]!);
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
