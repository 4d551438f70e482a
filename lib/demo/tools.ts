/**
 * The demo workflows' tools: deterministic stand-ins for a rates API, a capacity system, a web
 * search, an email service, a report publisher and a ticket router. Read-only tools compute their
 * answers from their arguments; tools with effects deliver them to the side-effect sink.
 *
 * Why module state: workflow files import these functions directly (they are the README's
 * examples and must read like ordinary code), so the sink cannot be passed in per call. Each
 * process configures the tools once at start (`configureDemoTools`, done by the worker); tests
 * configure them with a memory sink. Read-only tools work unconfigured (no latency); tools with
 * effects refuse to run unconfigured rather than drop an effect silently.
 */
import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { safeFetch, type SafeFetchOptions } from "../security/ssrf";
import type { Sink } from "./sink";
import { rankDocuments, WEB_CORPUS, type WebDocument } from "./web-corpus";

export type { WebDocument };

// Result shapes are type aliases, not interfaces, so they are assignable to `Json` and can go
// straight into approval data.

export interface DemoToolFlags {
  /** Name of a tool (e.g. `"sendEmail"`) that fails every call with a retryable error until cleared (replay tests). */
  failTool?: string;
}

export interface DemoToolsConfig {
  sink: Sink;
  /** Artificial latency per call, so runs look alive in the console. @defaultValue 0 */
  toolLatencyMs?: number;
  flags?: DemoToolFlags;
  /**
   * Lets `fetchSource` fetch URLs outside the canned demo web, through the SSRF guard
   * (lib/security/ssrf). Off by default so the demo stays offline. @defaultValue undefined (off)
   */
  liveFetch?: SafeFetchOptions;
}

/** Every tool takes an optional signal (the step's) and stops waiting when it aborts. */
export interface ToolCallOptions {
  signal?: AbortSignal;
}

export type EffectReceipt = {
  /** false when this idempotency key was already delivered: the effect did not happen again */
  applied: boolean;
  deliveries: number;
};

export class DemoToolError extends Error {
  override name = "DemoToolError";
  /** Read by the engine: a non-retryable tool error fails the step without retries */
  readonly fatal: boolean;
  constructor(
    message: string,
    readonly tool: string,
    /** Whether retrying the call can help */
    readonly retryable: boolean,
  ) {
    super(message);
    this.fatal = !retryable;
  }
}

let config: { sink?: Sink; toolLatencyMs: number; flags: DemoToolFlags; liveFetch?: SafeFetchOptions } = { toolLatencyMs: 0, flags: {} };

/** Sets the process-wide sink, latency and flags. Call once at process start (and in tests). */
export function configureDemoTools(options: DemoToolsConfig): void {
  config = { sink: options.sink, toolLatencyMs: options.toolLatencyMs ?? 0, flags: { ...options.flags }, liveFetch: options.liveFetch };
}

/** Back to the unconfigured state: no sink, no latency, no flags (tests). */
export function resetDemoTools(): void {
  config = { toolLatencyMs: 0, flags: {} };
}

/** Changes one flag at run time, e.g. `setDemoToolFlag("failTool", "sendEmail")`; `undefined` clears it. */
export function setDemoToolFlag<K extends keyof DemoToolFlags>(name: K, value: DemoToolFlags[K]): void {
  config.flags = { ...config.flags, [name]: value };
}

/** Shared by every tool: latency, abort, and the failure flag. */
async function callTool(tool: DemoToolName, options: ToolCallOptions | undefined): Promise<void> {
  options?.signal?.throwIfAborted();
  if (config.toolLatencyMs > 0) await delay(config.toolLatencyMs, undefined, { signal: options?.signal });
  if (config.flags.failTool === tool) {
    throw new DemoToolError(
      `Demo tool ${tool} failed on purpose (flag failTool=${tool}); clear it with setDemoToolFlag("failTool", undefined) and the step's retry will succeed.`,
      tool,
      true,
    );
  }
}

async function deliver(tool: DemoToolName, channel: string, idempotencyKey: string, payload: unknown): Promise<EffectReceipt> {
  if (!config.sink) {
    throw new DemoToolError(
      `Demo tool ${tool} has no side-effect sink: call configureDemoTools({ sink }) at process start (the worker does; tests use createMemorySink()).`,
      tool,
      false,
    );
  }
  return config.sink.deliver({ idempotencyKey, channel, payload });
}

/** A stable number in [0, 1) for a text and a purpose: the same lane always gets the same rates. */
function unitHash(text: string, purpose: string): number {
  return createHash("sha256").update(purpose).update("\0").update(text.trim().toLowerCase()).digest().readUInt32BE(0) / 2 ** 32;
}
const between = (low: number, high: number, unit: number) => low + (high - low) * unit;
const cents = (usd: number) => Math.round(usd * 100) / 100;

// ---------------------------------------------------------------------------------------------
// Freight

export type CarrierRate = {
  carrier: string;
  service: "ocean" | "ocean+rail" | "air";
  transitDays: number;
  /** Fixed charge per shipment */
  baseUsd: number;
  perKgUsd: number;
  currency: "USD";
};

export type CarrierCapacity = {
  carrier: string;
  availableKg: number;
  departsInDays: number;
  fits: boolean;
};

/** The demo carriers: a range for each figure, from which each lane gets its own values. */
const CARRIERS = [
  { carrier: "Northwind Ocean", service: "ocean", transit: [18, 24], base: [180, 300], perKg: [0.55, 0.85], capacityKg: [8_000, 40_000] },
  { carrier: "Blue Anchor Intermodal", service: "ocean+rail", transit: [14, 19], base: [220, 380], perKg: [0.7, 1.05], capacityKg: [4_000, 20_000] },
  { carrier: "Skyline Air Cargo", service: "air", transit: [3, 5], base: [150, 250], perKg: [3.8, 5.2], capacityKg: [500, 3_000] },
] as const;

/** Rates of three carriers for a lane such as "Rotterdam → Chicago". Deterministic per lane. */
export async function fetchCarrierRates(lane: string, options?: ToolCallOptions): Promise<CarrierRate[]> {
  await callTool("fetchCarrierRates", options);
  return CARRIERS.map((c) => ({
    carrier: c.carrier,
    service: c.service,
    transitDays: Math.round(between(c.transit[0], c.transit[1], unitHash(lane, `${c.carrier}/transit`))),
    baseUsd: cents(between(c.base[0], c.base[1], unitHash(lane, `${c.carrier}/base`))),
    perKgUsd: cents(between(c.perKg[0], c.perKg[1], unitHash(lane, `${c.carrier}/perKg`))),
    currency: "USD",
  }));
}

/** Free capacity of each carrier on the lane's next departure, and whether `weightKg` fits. */
export async function lookupCapacity(lane: string, weightKg: number, options?: ToolCallOptions): Promise<CarrierCapacity[]> {
  await callTool("lookupCapacity", options);
  return CARRIERS.map((c) => {
    const availableKg = Math.round(between(c.capacityKg[0], c.capacityKg[1], unitHash(lane, `${c.carrier}/capacity`)) / 100) * 100;
    const departsInDays = 1 + Math.floor(unitHash(lane, `${c.carrier}/departure`) * 7);
    return { carrier: c.carrier, availableKg, departsInDays, fits: availableKg >= weightKg };
  });
}

export type Email = {
  to: string;
  subject: string;
  body: string;
};

/** Sends an email (to the sink, channel `email`); the same idempotency key sends it once. */
export async function sendEmail(email: Email, idempotencyKey: string, options?: ToolCallOptions): Promise<EffectReceipt & { messageId: string }> {
  await callTool("sendEmail", options);
  const receipt = await deliver("sendEmail", "email", idempotencyKey, email);
  const messageId = `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 16)}@demo.waymark.local>`;
  return { ...receipt, messageId };
}

// ---------------------------------------------------------------------------------------------
// Research

export type SearchResult = {
  title: string;
  url: string;
  snippet: string;
};

/** The three demo-web documents that best match the query. */
export async function searchWeb(query: string, options?: ToolCallOptions): Promise<SearchResult[]> {
  await callTool("searchWeb", options);
  return rankDocuments(query, 3).map((doc) => ({ title: doc.title, url: doc.url, snippet: `${doc.text.slice(0, 140)}…` }));
}

/** The full text of a demo-web document found by `searchWeb`. */
export async function fetchSource(url: string, options?: ToolCallOptions): Promise<WebDocument> {
  await callTool("fetchSource", options);
  const doc = WEB_CORPUS.find((d) => d.url === url);
  if (doc) return { ...doc };
  if (!config.liveFetch) {
    throw new DemoToolError(`fetchSource: no document at ${url}; the demo web serves only URLs that searchWeb returns.`, "fetchSource", false);
  }
  // A real fetch: internal addresses are refused (SsrfBlockedError, not retried) on every hop.
  const response = await safeFetch(url, { ...config.liveFetch, signal: options?.signal ?? config.liveFetch.signal });
  if (response.status >= 400) {
    throw new DemoToolError(`fetchSource: ${url} answered ${response.status}.`, "fetchSource", response.status >= 500 || response.status === 429);
  }
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(response.text)?.[1]?.trim() || response.url;
  return { url: response.url, title, text: response.text.slice(0, 100_000) };
}

export type Report = {
  title: string;
  body: string;
  sources?: Array<{ title: string; url: string }>;
};

/** Publishes a report (to the sink, channel `publish`) and returns where it lives. */
export async function publishReport(report: Report, idempotencyKey: string, options?: ToolCallOptions): Promise<EffectReceipt & { url: string }> {
  await callTool("publishReport", options);
  const receipt = await deliver("publishReport", "publish", idempotencyKey, report);
  const slug = report.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
  const id = createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 8);
  return { ...receipt, url: `https://reports.example.com/${slug}-${id}` };
}

// ---------------------------------------------------------------------------------------------
// Support

/** Moves a ticket to a queue (to the sink, channel `ticket-route`). */
export async function routeTicket(
  ticketId: string,
  queue: string,
  idempotencyKey: string,
  options?: ToolCallOptions & { note?: string },
): Promise<EffectReceipt & { ticketId: string; queue: string }> {
  await callTool("routeTicket", options);
  const receipt = await deliver("routeTicket", "ticket-route", idempotencyKey, { ticketId, queue, note: options?.note ?? null });
  return { ...receipt, ticketId, queue };
}

export type CustomerNotification = {
  ticketId: string;
  customer: string;
  message: string;
};

/** Sends the customer a reply on their ticket (to the sink, channel `notify`). */
export async function notifyCustomer(notification: CustomerNotification, idempotencyKey: string, options?: ToolCallOptions): Promise<EffectReceipt> {
  await callTool("notifyCustomer", options);
  return deliver("notifyCustomer", "notify", idempotencyKey, notification);
}

// ---------------------------------------------------------------------------------------------

const demoTools = { fetchCarrierRates, lookupCapacity, sendEmail, searchWeb, fetchSource, publishReport, routeTicket, notifyCustomer };

export type DemoTools = typeof demoTools;
export type DemoToolName = keyof DemoTools;

/** All tools as one object (e.g. to pass to code that takes a tool set). */
export function getDemoTools(): DemoTools {
  return demoTools;
}
