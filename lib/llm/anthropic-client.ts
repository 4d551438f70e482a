/**
 * LlmClient for Anthropic's Messages API through the official `@anthropic-ai/sdk`.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { LlmClient, LlmRequest, LlmResponse } from "../engine/types";
import { serverAddressOf } from "./openai-client";
import { isAbortError, toProviderError } from "./provider-error";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";

export interface AnthropicClientOptions {
  apiKey: string;
  /** @defaultValue "https://api.anthropic.com" */
  baseURL?: string;
  /**
   * The Messages API requires `max_tokens`; this applies when a step sets none.
   * @defaultValue 1024
   */
  defaultMaxTokens?: number;
  /** Retries inside the SDK; the engine retries steps itself. @defaultValue 0 */
  maxRetries?: number;
  /** @defaultValue 600_000 */
  timeoutMs?: number;
}

/**
 * Anthropic's stop reasons in the OpenAI vocabulary the rest of Waymark (and most GenAI
 * dashboards) use, so `finishReason === "length"` means "truncated" whoever answered.
 * Unknown reasons pass through unchanged.
 */
const FINISH_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function mapStopReason(stopReason: string | null | undefined): string {
  if (!stopReason) return "unknown";
  return FINISH_REASONS[stopReason] ?? stopReason;
}

export function createAnthropicClient(options: AnthropicClientOptions): LlmClient {
  const baseURL = options.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL;
  const serverAddress = serverAddressOf(baseURL);
  const sdk = new Anthropic({
    apiKey: options.apiKey,
    baseURL,
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeoutMs ?? 600_000,
  });

  return {
    async complete(request: LlmRequest, { signal, idempotencyKey }): Promise<LlmResponse> {
      // Anthropic takes the system prompt as a parameter, not as a message.
      const system = request.messages
        .filter((m) => m.role === "system")
        .map((m) => m.content)
        .join("\n\n");
      const messages = request.messages
        .filter((m) => m.role !== "system")
        .map((m) => ({ role: m.role as "user" | "assistant", content: m.content }));
      let message: Anthropic.Message;
      try {
        message = await sdk.messages.create(
          {
            model: request.model,
            max_tokens: request.maxTokens ?? options.defaultMaxTokens ?? 1024,
            messages,
            ...(system ? { system } : {}),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          },
          { signal, headers: { "Idempotency-Key": idempotencyKey } },
        );
      } catch (error) {
        if (isAbortError(error) || signal.aborted) throw signal.reason ?? error;
        throw toProviderError(error, { provider: "anthropic", model: request.model, serverAddress });
      }
      const text = message.content
        .flatMap((block) => (block.type === "text" ? [block.text] : []))
        .join("");
      const usage = message.usage;
      return {
        text,
        usage: {
          // Anthropic counts cached prompt tokens apart from input_tokens; the GenAI conventions'
          // input_tokens includes them. Cache reads are billed at the cached price. Cache writes
          // (cache_creation_input_tokens) are billed by Anthropic at a premium over input (1.25× for
          // a 5-minute cache); Waymark charges them as regular input, slightly under the bill, rather
          // than keep a fourth price per model for a cache this client never asks for (it sets no
          // cache_control; writes only appear behind a gateway that adds it).
          inputTokens: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
          outputTokens: usage.output_tokens,
          cachedInputTokens: usage.cache_read_input_tokens ?? 0,
        },
        model: message.model || request.model,
        finishReason: mapStopReason(message.stop_reason),
        provider: "anthropic",
        costUsd: 0, // priced by the router
        responseId: message.id,
        serverAddress,
      };
    },
  };
}
