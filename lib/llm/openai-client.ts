/**
 * LlmClient for any endpoint that speaks the OpenAI Chat Completions protocol (OpenAI itself,
 * OpenRouter, Ollama, vLLM, LiteLLM, the built-in demo provider), through the official `openai` SDK.
 */
import OpenAI from "openai";
import type { LlmClient, LlmRequest, LlmResponse } from "../engine/types";
import { isAbortError, toProviderError } from "./provider-error";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export interface OpenAiClientOptions {
  /** @defaultValue "https://api.openai.com/v1" */
  baseURL?: string;
  /** Sent as `Authorization: Bearer …`; local servers (Ollama, vLLM) accept any value */
  apiKey: string;
  /**
   * `gen_ai.provider.name` reported for calls through this client.
   * @defaultValue "openai"
   */
  providerName?: string;
  /**
   * Retries inside the SDK. Off by default: the engine retries steps itself, and counts and
   * shows every attempt; hidden SDK retries would make those numbers wrong.
   * @defaultValue 0
   */
  maxRetries?: number;
  /**
   * Per-request timeout inside the SDK; the engine's step timeout (via the abort signal) is
   * usually the shorter one.
   * @defaultValue 600_000
   */
  timeoutMs?: number;
}

/** `host` part of a base URL, for the `server.address` span attribute. */
export function serverAddressOf(baseURL: string): string {
  return new URL(baseURL).hostname;
}

export function createOpenAiClient(options: OpenAiClientOptions): LlmClient {
  const baseURL = options.baseURL ?? OPENAI_DEFAULT_BASE_URL;
  const provider = options.providerName ?? "openai";
  const serverAddress = serverAddressOf(baseURL);
  // OpenAI's own API rejects `max_tokens` for reasoning models; most compatible servers only know `max_tokens`.
  const usesMaxCompletionTokens = serverAddress === "api.openai.com";
  const sdk = new OpenAI({
    baseURL,
    apiKey: options.apiKey,
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeoutMs ?? 600_000,
  });

  return {
    async complete(request: LlmRequest, { signal, idempotencyKey }): Promise<LlmResponse> {
      const limit =
        request.maxTokens === undefined
          ? {}
          : usesMaxCompletionTokens
            ? { max_completion_tokens: request.maxTokens }
            : { max_tokens: request.maxTokens };
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await sdk.chat.completions.create(
          {
            model: request.model,
            messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
            ...limit,
          },
          // The SDK only sends its idempotency header for providers that declare one; set it ourselves
          // so a retried step carries the same key to any gateway that deduplicates.
          { signal, headers: { "Idempotency-Key": idempotencyKey } },
        );
      } catch (error) {
        if (isAbortError(error) || signal.aborted) throw signal.reason ?? error;
        throw toProviderError(error, { provider, model: request.model, serverAddress });
      }
      const choice = completion.choices[0];
      return {
        text: choice?.message?.content ?? "",
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
          // Part of prompt_tokens, as in the GenAI conventions; servers that do not cache leave it out.
          cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
        },
        model: completion.model || request.model,
        finishReason: choice?.finish_reason ?? "unknown",
        provider,
        costUsd: 0, // priced by the router, which knows the price table
        responseId: completion.id,
        serverAddress,
      };
    },
  };
}
