/**
 * Adds to the engine's `chat {model}` span what only the provider side knows: the provider name
 * at span start (a Required attribute, present even when the call fails) and, when content
 * capture is on, the prompt and completion as `gen_ai.input.messages` / `gen_ai.output.messages`.
 * The engine runs the provider call inside `tracer.withSpan(chatSpan, …)`, so the active span
 * here is that call's span. Redaction and the opt-in are enforced by the tracer, not here.
 */
import type { LlmClient, SpanHandle } from "../engine/types";
import { inputMessages, outputMessages } from "./content-policy";
import { ATTR } from "./semconv";

export interface LlmSpanDetailsOptions {
  activeSpan(): SpanHandle | undefined;
  /** Whether content capture is on (skip building the JSON when it is not) */
  captureContent: boolean;
  /** The provider a model is routed to (`gen_ai.provider.name`) */
  providerOf?(model: string): string;
}

export function withLlmSpanDetails(llm: LlmClient, options: LlmSpanDetailsOptions): LlmClient {
  return {
    async complete(request, callOptions) {
      const span = options.activeSpan();
      span?.setAttributes({
        [ATTR.providerName]: options.providerOf?.(request.model),
        [ATTR.inputMessages]: options.captureContent ? JSON.stringify(inputMessages(request.messages)) : undefined,
      });
      const response = await llm.complete(request, callOptions);
      if (options.captureContent) {
        span?.setAttributes({ [ATTR.outputMessages]: JSON.stringify(outputMessages(response.text, response.finishReason)) });
      }
      return response;
    },
  };
}
