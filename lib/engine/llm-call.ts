/**
 * `ctx.llm`: an LLM chat call run as a durable step of kind "llm", with one OTel GenAI CLIENT span
 * (`chat {model}`) per attempt and the call's facts (tokens, cost, latency) in the journal.
 */
import { jsonRoundTrip } from "./json";
import { resolveRetryPolicy } from "./retry";
import { runDurableStep, type AttemptContext, type AttemptResult } from "./step-runner";
import { DEFAULT_LLM_TIMEOUT_MS } from "./tick-args";
import type { TickState } from "./tick-state";
import { RunFailure } from "./errors";
import type { BudgetGuard, LlmCallFacts, LlmRequest, LlmResult, LlmStepOptions } from "./types";

export async function runLlmStep(state: TickState, stepId: string, options: LlmStepOptions): Promise<LlmResult> {
  if (!options || typeof options.model !== "string" || !Array.isArray(options.messages)) {
    throw new TypeError(`ctx.llm("${stepId}") needs { model: string, messages: [...] }.`);
  }
  const { retry, timeoutMs, ...request } = options;
  const defaults = state.args.definition.defaults;
  const guard = state.args.budget;
  /** attempt → its budget reservation, settled when the attempt ends */
  const reservations = new Map<number, string>();
  const output = await runDurableStep(state, {
    stepId,
    kind: "llm",
    retry: resolveRetryPolicy(defaults?.retry, retry),
    timeoutMs: timeoutMs ?? defaults?.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS,
    input: jsonRoundTrip({ model: request.model, messages: request.messages }).value,
    ...(guard ? { beforeAttempt: (seq: number, attempt: number) => reserveBudget(state, guard, { seq, stepId, attempt, request }, reservations) } : {}),
    attempt: async (context) => {
      const reservationId = reservations.get(context.attempt);
      if (!guard || reservationId === undefined) return callModel(state, stepId, request, context);
      let charged = { costUsd: 0, tokens: 0 };
      try {
        const result = await callModel(state, stepId, request, context);
        if (result.llm) charged = { costUsd: result.llm.costUsd, tokens: result.llm.inputTokens + result.llm.outputTokens };
        return result;
      } catch (error) {
        const facts = context.facts.llm;
        charged = { costUsd: facts?.costUsd ?? 0, tokens: (facts?.inputTokens ?? 0) + (facts?.outputTokens ?? 0) };
        throw error;
      } finally {
        reservations.delete(context.attempt);
        await state.write(() => guard.settle(reservationId, charged)).catch(() => undefined);
      }
    },
  });
  return output as unknown as LlmResult;
}

/**
 * Reserves an attempt's estimated cost. A call that does not fit pauses the run (it waits for a
 * budget approval; the call runs in a later tick) or fails it, as the budget says.
 */
async function reserveBudget(
  state: TickState,
  guard: BudgetGuard,
  call: { seq: number; stepId: string; attempt: number; request: LlmRequest },
  reservations: Map<number, string>,
): Promise<"go" | "suspended" | "stopped"> {
  const check = await state.write(() => guard.reserve(call));
  if (check.ok) {
    reservations.set(call.attempt, check.reservationId);
    return "go";
  }
  if (check.onExceed === "fail") {
    state.fail(new RunFailure("BudgetExceededError", check.message, "budget_exceeded"), "budget_exceeded");
    return "stopped";
  }
  state.suspend({ stepId: call.stepId, runStatus: "waiting", wakeAt: null });
  return "suspended";
}

function errorType(error: unknown): string {
  const status = (error as { status?: unknown })?.status;
  if (typeof status === "number") return String(status);
  return (error as { name?: string })?.name || "Error";
}

async function callModel(state: TickState, stepId: string, request: LlmRequest, context: AttemptContext): Promise<AttemptResult> {
  const { tracer, clock, llm, run, definition } = state.args;
  const startedAt = clock.now();
  const span = tracer.startSpan(`chat ${request.model}`, {
    kind: "client",
    startTime: startedAt,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": request.model,
      "gen_ai.request.temperature": request.temperature,
      "gen_ai.request.max_tokens": request.maxTokens,
      "waymark.run.id": run.id,
      "waymark.step.id": stepId,
      "waymark.step.attempt": context.attempt,
      "waymark.workflow.name": definition.name,
      "waymark.workflow.version": definition.version,
    },
  });
  context.facts.llm = { requestModel: request.model };
  try {
    const response = await tracer.withSpan(span, () =>
      llm.complete(request, { signal: context.signal, idempotencyKey: context.idempotencyKey }),
    );
    const facts: LlmCallFacts = {
      provider: response.provider,
      requestModel: request.model,
      model: response.model || request.model,
      inputTokens: response.usage?.inputTokens ?? 0,
      outputTokens: response.usage?.outputTokens ?? 0,
      cachedInputTokens: response.usage?.cachedInputTokens ?? 0,
      costUsd: response.costUsd ?? 0,
      finishReason: response.finishReason,
      latencyMs: clock.now().getTime() - startedAt.getTime(),
      ...(response.responseId ? { responseId: response.responseId } : {}),
      ...(response.serverAddress ? { serverAddress: response.serverAddress } : {}),
      ...(response.price ? { price: response.price } : {}),
    };
    span.setAttributes({
      "gen_ai.provider.name": facts.provider,
      "gen_ai.response.model": facts.model,
      "gen_ai.usage.input_tokens": facts.inputTokens,
      "gen_ai.usage.output_tokens": facts.outputTokens,
      // Part of input_tokens (GenAI semantic conventions); left off when nothing came from the cache.
      ...(facts.cachedInputTokens ? { "gen_ai.usage.cache_read.input_tokens": facts.cachedInputTokens } : {}),
      "gen_ai.response.finish_reasons": [facts.finishReason],
      "gen_ai.response.id": facts.responseId,
      "server.address": facts.serverAddress,
      "waymark.cost.usd": facts.costUsd,
    });
    const result: LlmResult = {
      text: response.text,
      usage: { inputTokens: facts.inputTokens, outputTokens: facts.outputTokens, cachedInputTokens: facts.cachedInputTokens },
      costUsd: facts.costUsd,
      model: facts.model,
      finishReason: facts.finishReason,
    };
    return { value: result, llm: facts };
  } catch (error) {
    context.facts.llm = { requestModel: request.model, latencyMs: clock.now().getTime() - startedAt.getTime() };
    span.setAttributes({ "error.type": errorType(error) });
    span.recordError(error, errorType(error));
    throw error;
  } finally {
    span.end();
  }
}
