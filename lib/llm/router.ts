/**
 * The LlmClient the engine uses: picks a provider per request model and prices every response.
 *
 * **Routing rule.** A request's `model` picks its provider:
 *
 * 1. A model whose name starts with `claude` (e.g. `claude-sonnet-4-6`) goes to **Anthropic**
 *    when `ANTHROPIC_API_KEY` is set.
 * 2. Every other model — including `provider/model` names such as `openai/gpt-4o`,
 *    `anthropic/claude-sonnet-4` or `meta-llama/llama-3.1-8b-instruct` — goes to the
 *    **OpenAI-compatible endpoint** at `OPENAI_BASE_URL` (default `https://api.openai.com/v1`)
 *    with `OPENAI_API_KEY`, when either of the two is set. That is how OpenRouter, Ollama,
 *    vLLM and other OpenAI-compatible servers are used.
 * 3. A model whose provider has no credentials set is answered by the **built-in demo
 *    provider** (an OpenAI-compatible server on loopback with deterministic replies and usage);
 *    its responses report the provider `waymark-demo`.
 *
 * `gen_ai.provider.name` is `anthropic`, `openai` or `waymark-demo`. An `OPENAI_BASE_URL` other
 * than api.openai.com (OpenRouter, Ollama, vLLM) still reports `openai`: the value names the
 * protocol spoken, because Waymark cannot know who serves the endpoint; `server.address` tells
 * them apart.
 *
 * Cost: every response is priced from `priceSource` (the stored price table, with effective
 * dates) when given and it knows the model; otherwise with the static table in `prices.ts`, on the model the provider says
 * answered, or on the requested model when the table does not know that one (cached input tokens
 * at the model's cached-input price when it has one, else at its input price); a model the
 * table does not know at all costs 0 and is reported through `onUnpricedModel`. Demo-provider
 * responses are priced like the model they stand in for, so budgets and cost charts behave in
 * the demo as they would in production.
 */
import type { Config } from "../config/env";
import type { LlmClient, LlmPriceSnapshot, LlmRequest, LlmResponse } from "../engine/types";
import { createAnthropicClient } from "./anthropic-client";
import { createOpenAiClient } from "./openai-client";
import { priceCall } from "./prices";

export type LlmProviderName = "openai" | "anthropic" | "waymark-demo";

export const DEMO_PROVIDER_NAME = "waymark-demo";

export interface LlmRouterOptions {
  /** The OpenAI-compatible endpoint. Omitted: those models are served by the demo provider. */
  openai?: {
    /** @defaultValue "https://api.openai.com/v1" */
    baseURL?: string;
    apiKey: string;
  };
  /** Anthropic. Omitted: `claude*` models are served by the demo provider. */
  anthropic?: {
    apiKey: string;
    /** @defaultValue "https://api.anthropic.com" */
    baseURL?: string;
  };
  /** Base URL of the running demo provider, e.g. `http://127.0.0.1:41234/v1` (see `startDemoProvider`) */
  demoBaseUrl: string;
  /** Called once per model name that has no price; its calls are recorded at cost 0. */
  onUnpricedModel?: (model: string) => void;
  /**
   * The editable price table (Postgres, with effective dates): prices a response at the price in
   * force now and returns the snapshot, or undefined for a model it does not know. Omitted, or
   * undefined for a model: the static table in `prices.ts` prices the call.
   */
  priceSource?: (call: {
    model: string;
    requestModel: string;
    inputTokens: number;
    outputTokens: number;
    /** The part of inputTokens read from the prompt cache (charged at the cached price when there is one) */
    cachedInputTokens: number;
    at: Date;
  }) => Promise<
    { costUsd: number; price: LlmPriceSnapshot } | undefined
  >;
  /** The time a call is priced at (the price in force then applies). @defaultValue () => new Date() */
  now?: () => Date;
}

/** Which provider serves `model`, given which providers have credentials (the rule above). */
export function routeModel(model: string, configured: { openai: boolean; anthropic: boolean }): LlmProviderName {
  if (model.trim().toLowerCase().startsWith("claude")) return configured.anthropic ? "anthropic" : DEMO_PROVIDER_NAME;
  return configured.openai ? "openai" : DEMO_PROVIDER_NAME;
}

export interface LlmRouter extends LlmClient {
  /** The provider a request for `model` would go to (for startup logs and the console). */
  routeOf(model: string): LlmProviderName;
}

export function createLlmRouter(options: LlmRouterOptions): LlmRouter {
  const clients: Record<LlmProviderName, LlmClient | undefined> = {
    openai: options.openai && createOpenAiClient({ baseURL: options.openai.baseURL, apiKey: options.openai.apiKey }),
    anthropic: options.anthropic && createAnthropicClient(options.anthropic),
    // The demo provider ignores the key; the SDK insists on one.
    "waymark-demo": createOpenAiClient({ baseURL: options.demoBaseUrl, apiKey: "waymark-demo", providerName: DEMO_PROVIDER_NAME }),
  };
  const configured = { openai: clients.openai !== undefined, anthropic: clients.anthropic !== undefined };
  const reportedUnpriced = new Set<string>();

  function price(request: LlmRequest, response: LlmResponse): number {
    const { inputTokens, outputTokens, cachedInputTokens = 0 } = response.usage;
    const byResponseModel = priceCall(response.model, inputTokens, outputTokens, cachedInputTokens);
    if (byResponseModel.priced) return byResponseModel.usd;
    const byRequestModel = priceCall(request.model, inputTokens, outputTokens, cachedInputTokens);
    if (!byRequestModel.priced && !reportedUnpriced.has(request.model)) {
      reportedUnpriced.add(request.model);
      options.onUnpricedModel?.(request.model);
    }
    return byRequestModel.usd;
  }

  const routeOf = (model: string) => routeModel(model, configured);
  return {
    routeOf,
    async complete(request, callOptions) {
      const client = clients[routeOf(request.model)]!;
      const response = await client.complete(request, callOptions);
      const stored = await options.priceSource?.({
        model: response.model,
        requestModel: request.model,
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
        cachedInputTokens: response.usage.cachedInputTokens ?? 0,
        at: options.now?.() ?? new Date(),
      });
      if (stored) return { ...response, costUsd: stored.costUsd, price: stored.price };
      return { ...response, costUsd: price(request, response) };
    },
  };
}

/**
 * Router options from the process configuration. An `OPENAI_BASE_URL` without a key (a local
 * Ollama or vLLM) counts as configured; such servers accept any key.
 */
export function llmRouterOptionsFromConfig(
  config: Pick<Config, "OPENAI_BASE_URL" | "OPENAI_API_KEY" | "ANTHROPIC_API_KEY" | "ANTHROPIC_BASE_URL">,
  demoBaseUrl: string,
): LlmRouterOptions {
  const openaiConfigured = config.OPENAI_API_KEY !== undefined || config.OPENAI_BASE_URL !== undefined;
  return {
    demoBaseUrl,
    openai: openaiConfigured ? { baseURL: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY ?? "not-needed" } : undefined,
    anthropic: config.ANTHROPIC_API_KEY
      ? { apiKey: config.ANTHROPIC_API_KEY, baseURL: config.ANTHROPIC_BASE_URL }
      : undefined,
  };
}
