/**
 * The model price table for the console and the API: viewers read it (per model: the price in
 * force, changes scheduled for later, and the history), admins add a price from a date on. Every
 * addition is audited.
 *
 * Why no backdating: each LLM call attempt stores the price it was charged at (llm_charges), so a
 * backdated row could not change what past calls cost anyway; it would only make the table claim a
 * price that nobody was charged. A price therefore takes effect now or later; a row not yet in
 * force can be corrected by adding it again with the same date.
 */
import { z } from "zod";
import { addModelPrice, listModelPrices, listPricesOfModel, type StoredModelPrice } from "../data/price-store";
import { invalidInput } from "../errors/app-error";
import { actorRef, assertRole } from "./authorize";
import { appendAudit } from "./data-port";
import type { ControlDeps } from "./deps";
import type { Actor } from "./types";

/** A request dated this little before now is taken as "now" (clock skew, a slow form). */
export const PRICE_BACKDATE_TOLERANCE_MS = 60_000;

const MODEL_NAME = /^[a-z0-9][a-z0-9._:/-]{0,99}$/;
const perMTok = z.number({ error: "enter a price in USD per million tokens" }).finite().min(0, "must be 0 or more (USD per million tokens)").max(100_000, "must be at most 100,000 USD per million tokens");

/** `POST /api/v1/admin/prices` and the console's form. */
export const modelPriceBody = z.strictObject({
  model: z
    .string()
    .trim()
    .toLowerCase()
    .regex(MODEL_NAME, "must be a model name: lowercase letters, digits and . _ : / - (e.g. gpt-4o-mini)"),
  /** The vendor that sets the price. @defaultValue the model's previous row's, else guessed from the name */
  provider: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9.-]{0,39}$/, "must be a short vendor name such as openai, anthropic, google")
    .optional(),
  inputPerMTok: perMTok,
  outputPerMTok: perMTok,
  cachedInputPerMTok: perMTok.nullable().optional(),
  /** Other spellings priced the same (Ollama tags…). @defaultValue the model's previous row's */
  aliases: z.array(z.string().trim().toLowerCase().regex(MODEL_NAME, "must be a model name")).max(10).optional(),
  /** ISO 8601 with a time zone. @defaultValue now */
  effectiveFrom: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone, e.g. 2027-01-01T00:00:00Z" }).optional(),
});
export type ModelPriceInput = z.output<typeof modelPriceBody>;

export interface ModelPriceRowView {
  id: string;
  model: string;
  provider: string | null;
  aliases: string[];
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number | null;
  effectiveFrom: string;
  /** "seed", "user:<id>", "apikey:<id>" */
  createdBy: string | null;
  createdAt: string;
}

export interface ModelPricesView {
  model: string;
  provider: string | null;
  aliases: string[];
  /** The price in force now; null when every row of the model starts later */
  current: ModelPriceRowView | null;
  /** Prices that take effect later, soonest first */
  scheduled: ModelPriceRowView[];
  /** Earlier prices, newest first */
  history: ModelPriceRowView[];
}

export interface PriceTableView {
  asOf: string;
  models: ModelPricesView[];
}

/** The vendor of a model family, from its name, for rows nobody labelled. */
export function guessPriceProvider(model: string): string | null {
  const name = model.slice(model.lastIndexOf("/") + 1);
  if (/^(gpt-|o\d|chatgpt|text-embedding)/.test(name)) return "openai";
  if (name.startsWith("claude")) return "anthropic";
  if (/^(gemini|gemma)/.test(name)) return "google";
  if (name.startsWith("llama")) return "meta";
  if (/^(mistral|mixtral|codestral|open-mistral)/.test(name)) return "mistral";
  return null;
}

const toRowView = (row: StoredModelPrice): ModelPriceRowView => ({
  id: row.id,
  model: row.model,
  provider: row.provider,
  aliases: row.aliases,
  inputPerMTok: row.inputPerMTok,
  outputPerMTok: row.outputPerMTok,
  cachedInputPerMTok: row.cachedInputPerMTok,
  effectiveFrom: row.effectiveFrom.toISOString(),
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

/** Rows of many models (any order) → per model: current, scheduled, history. Pure. */
export function groupPriceRows(rows: readonly StoredModelPrice[], now: Date): ModelPricesView[] {
  const byModel = new Map<string, StoredModelPrice[]>();
  for (const row of rows) byModel.set(row.model, [...(byModel.get(row.model) ?? []), row]);
  return [...byModel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, list]) => {
      const newestFirst = [...list].sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime());
      const inForce = newestFirst.filter((row) => row.effectiveFrom <= now);
      const current = inForce[0] ?? null;
      const shown = current ?? newestFirst.at(-1)!;
      return {
        model,
        provider: shown.provider ?? guessPriceProvider(model),
        aliases: shown.aliases,
        current: current ? toRowView(current) : null,
        scheduled: newestFirst.filter((row) => row.effectiveFrom > now).reverse().map(toRowView),
        history: inForce.slice(1).map(toRowView),
      };
    });
}

export async function listPrices(deps: ControlDeps, actor: Actor, now = new Date()): Promise<PriceTableView> {
  assertRole(actor, "viewer", "viewing prices");
  return { asOf: now.toISOString(), models: groupPriceRows(await listModelPrices(deps.db), now) };
}

/**
 * Adds a price from `effectiveFrom` (default now) on. Refused (400) when dated in the past: calls
 * already made keep the price they were charged, and the table must say what that was. A row of the
 * same model and date that has not taken effect yet is replaced (a correction).
 */
export async function addPrice(deps: ControlDeps, input: ModelPriceInput, actor: Actor, now = new Date()): Promise<ModelPricesView> {
  assertRole(actor, "admin", "changing prices");
  const requested = input.effectiveFrom ? new Date(input.effectiveFrom) : now;
  if (requested.getTime() < now.getTime() - PRICE_BACKDATE_TOLERANCE_MS) {
    throw invalidInput(
      `effectiveFrom ${requested.toISOString()} is in the past. Calls made since then were charged the price in force at the time, and each keeps that price; a new price takes effect now or later (leave effectiveFrom out for now).`,
      [{ path: "effectiveFrom", message: "must be now or later" }],
    );
  }
  const effectiveFrom = requested < now ? now : requested;
  const existing = await listPricesOfModel(deps.db, input.model);
  const previous = existing.find((row) => row.effectiveFrom <= effectiveFrom) ?? existing.at(-1);
  const inForce = existing.find((row) => row.effectiveFrom <= now);
  const replaced = existing.find((row) => row.effectiveFrom.getTime() === effectiveFrom.getTime());
  const provider = input.provider ?? previous?.provider ?? guessPriceProvider(input.model);
  const saved = await addModelPrice(deps.db, {
    model: input.model,
    provider,
    aliases: input.aliases ?? previous?.aliases ?? [],
    inputPerMTok: input.inputPerMTok,
    outputPerMTok: input.outputPerMTok,
    // Left out: the previous cached price carries over (an explicit null removes it).
    cachedInputPerMTok: input.cachedInputPerMTok === undefined ? (previous?.cachedInputPerMTok ?? null) : input.cachedInputPerMTok,
    effectiveFrom,
    createdBy: actorRef(actor),
  });
  await appendAudit(deps.db, {
    actor: actorRef(actor),
    action: "model_price.add",
    target: saved.model,
    data: {
      actorLabel: actor.label,
      provider,
      inputPerMTok: saved.inputPerMTok,
      outputPerMTok: saved.outputPerMTok,
      cachedInputPerMTok: saved.cachedInputPerMTok,
      effectiveFrom: saved.effectiveFrom.toISOString(),
      replacedScheduled: replaced !== undefined,
      before: inForce ? { inputPerMTok: inForce.inputPerMTok, outputPerMTok: inForce.outputPerMTok, cachedInputPerMTok: inForce.cachedInputPerMTok } : null,
    },
  });
  return groupPriceRows(await listPricesOfModel(deps.db, saved.model), now)[0]!;
}
