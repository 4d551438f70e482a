/** LLM providers behind the engine's LlmClient port: routing, provider clients, prices. */
export { createLlmRouter, llmRouterOptionsFromConfig, routeModel, DEMO_PROVIDER_NAME } from "./router";
export type { LlmRouter, LlmRouterOptions, LlmProviderName } from "./router";
export { createOpenAiClient, OPENAI_DEFAULT_BASE_URL, type OpenAiClientOptions } from "./openai-client";
export { createAnthropicClient, ANTHROPIC_DEFAULT_BASE_URL, mapStopReason, type AnthropicClientOptions } from "./anthropic-client";
export { costUsd, findModelPrice, priceCall, tokenCostUsd, MODEL_PRICES, type CallCost, type ModelPrice, type TokenUsage } from "./prices";
export { LlmProviderError, type ProviderErrorDetails } from "./provider-error";
