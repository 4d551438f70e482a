import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./definition";
import { createTickHarness, recordingTracer, runWorkflowForTest } from "./testing";
import type { LlmClient, LlmRequest } from "./types";

const summarise = defineWorkflow({
  name: "summarise",
  version: 3,
  input: z.object({ text: z.string() }),
  async run(ctx, input) {
    const draft = await ctx.llm("draft", { model: "gpt-4o-mini", messages: [{ role: "user", content: input.text }], temperature: 0.2 });
    return draft.text;
  },
});

describe("ctx.llm", () => {
  it("records the call's facts and input, and opens a GenAI client span", async () => {
    const tracer = recordingTracer();
    const seen: Array<{ request: LlmRequest; idempotencyKey: string }> = [];
    const llm: LlmClient = {
      async complete(request, { idempotencyKey }) {
        seen.push({ request, idempotencyKey });
        return {
          text: "short version",
          usage: { inputTokens: 120, outputTokens: 8 },
          model: "gpt-4o-mini-2024-07-18",
          finishReason: "stop",
          provider: "openai",
          costUsd: 0.000023,
          responseId: "chatcmpl-1",
          serverAddress: "api.openai.com",
        };
      },
    };
    const h = createTickHarness(summarise, { input: { text: "a long text" }, tracer, llm, runId: "run-7" });
    expect(await h.tick()).toEqual({ type: "succeeded", output: "short version" });
    expect(seen).toEqual([
      { request: { model: "gpt-4o-mini", messages: [{ role: "user", content: "a long text" }], temperature: 0.2 }, idempotencyKey: "run-7:draft" },
    ]);
    expect(h.journal.entry("draft")).toMatchObject({
      kind: "llm",
      status: "succeeded",
      input: { model: "gpt-4o-mini", messages: [{ role: "user", content: "a long text" }] },
      output: { text: "short version", usage: { inputTokens: 120, outputTokens: 8 }, costUsd: 0.000023, model: "gpt-4o-mini-2024-07-18", finishReason: "stop" },
      llm: {
        provider: "openai",
        requestModel: "gpt-4o-mini",
        model: "gpt-4o-mini-2024-07-18",
        inputTokens: 120,
        outputTokens: 8,
        costUsd: 0.000023,
        finishReason: "stop",
        latencyMs: 0,
        responseId: "chatcmpl-1",
        serverAddress: "api.openai.com",
      },
    });
    expect(tracer.spans).toHaveLength(1);
    expect(tracer.spans[0]).toMatchObject({
      name: "chat gpt-4o-mini",
      kind: "client",
      ended: true,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.usage.input_tokens": 120,
        "gen_ai.usage.output_tokens": 8,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.id": "chatcmpl-1",
        "server.address": "api.openai.com",
        "waymark.run.id": "run-7",
        "waymark.step.id": "draft",
        "waymark.workflow.version": 3,
        "waymark.cost.usd": 0.000023,
      },
    });

    // Replay: no second call, no second span.
    expect(await h.tick()).toEqual({ type: "succeeded", output: "short version" });
    expect(seen).toHaveLength(1);
    expect(tracer.spans).toHaveLength(1);
  });

  it("records cached input tokens in the facts, the result and the span's gen_ai.usage.cache_read.input_tokens", async () => {
    const snapshot = { priceId: "price_1", model: "gpt-4o-mini", inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, effectiveFrom: "2000-01-01T00:00:00.000Z" };
    const answer = (cachedInputTokens?: number): LlmClient => ({
      async complete(request) {
        return { text: "ok", usage: { inputTokens: 2000, outputTokens: 10, cachedInputTokens }, model: request.model, finishReason: "stop", provider: "openai", costUsd: 0.0002, price: snapshot };
      },
    });
    const tracer = recordingTracer();
    const h = createTickHarness(summarise, { input: { text: "t" }, tracer, llm: answer(1536) });
    await h.tick();
    expect(h.journal.entry("draft")).toMatchObject({
      output: { usage: { inputTokens: 2000, outputTokens: 10, cachedInputTokens: 1536 } },
      llm: { inputTokens: 2000, cachedInputTokens: 1536, costUsd: 0.0002, price: snapshot },
    });
    expect(tracer.spans[0]!.attributes).toMatchObject({ "gen_ai.usage.input_tokens": 2000, "gen_ai.usage.cache_read.input_tokens": 1536 });

    // No cache hit (or a provider that does not say): 0 in the facts, no attribute on the span.
    const plainTracer = recordingTracer();
    const plain = createTickHarness(summarise, { input: { text: "t" }, tracer: plainTracer, llm: answer(undefined) });
    await plain.tick();
    expect(plain.journal.entry("draft")?.llm?.cachedInputTokens).toBe(0);
    expect(plainTracer.spans[0]!.attributes).not.toHaveProperty("gen_ai.usage.cache_read.input_tokens");
  });

  it("retries a failing provider (3 attempts by default) with a span per attempt carrying error.type", async () => {
    const tracer = recordingTracer();
    let calls = 0;
    const llm: LlmClient = {
      async complete(request) {
        calls++;
        if (calls < 3) throw Object.assign(new Error("rate limited"), { status: 429 });
        return { text: "ok", usage: { inputTokens: 1, outputTokens: 1 }, model: request.model, finishReason: "stop", provider: "openai", costUsd: 0 };
      },
    };
    const h = createTickHarness(summarise, { input: { text: "t" }, tracer, llm, limits: { inlineRetryMaxMs: 10_000 } });
    expect(await h.tick()).toEqual({ type: "succeeded", output: "ok" });
    expect(tracer.spans.map((s) => s.attributes["error.type"])).toEqual(["429", "429", undefined]);
    expect(h.journal.attempts).toMatchObject([
      { attempt: 1, status: "failed", llm: { requestModel: "gpt-4o-mini" } },
      { attempt: 2, status: "failed" },
    ]);
    expect(h.journal.entry("draft")).toMatchObject({ status: "succeeded", attempts: 3 });
  });

  it("takes scripted replies in the test runner and lists the calls", async () => {
    const result = await runWorkflowForTest(summarise, { text: "hello" }, { llm: (request, call) => `${call.stepId}#${call.index}: ${request.messages[0].content}` });
    expect(result).toMatchObject({ status: "succeeded", output: "draft#0: hello" });
    expect(result.llmCalls).toEqual([{ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], temperature: 0.2 }]);
  });

  it("echoes the last user message by default", async () => {
    const result = await runWorkflowForTest(summarise, { text: "ping" });
    expect(result.output).toBe("echo: ping");
    expect(result.journal[0].llm).toMatchObject({ provider: "test", requestModel: "gpt-4o-mini" });
  });
});
