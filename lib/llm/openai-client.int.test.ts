/**
 * The OpenAI-compatible client against a real HTTP server: the built-in demo provider on a free
 * loopback port, reached through the official `openai` SDK.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoProvider, type DemoProvider } from "../demo/provider-server";
import { createOpenAiClient } from "./openai-client";
import { LlmProviderError } from "./provider-error";
import { startStubServer } from "./test-stub-server";
import type { LlmRequest } from "../engine/types";

const call = (idempotencyKey = "run-1:draft-quote") => ({ signal: new AbortController().signal, idempotencyKey });

const quoteRequest: LlmRequest = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You write freight quote emails. Be concise." },
    { role: "user", content: "Customer: Acme GmbH\nLane: Rotterdam → Chicago\nWeight: 1200 kg\nTotal: $1,020.00" },
  ],
};

describe("OpenAI client against the demo provider", () => {
  let demo: DemoProvider;
  beforeAll(async () => {
    demo = await startDemoProvider({ port: 0 });
  });
  afterAll(() => demo.close());

  it("returns text, usage, finish reason, response id and server address", async () => {
    const client = createOpenAiClient({ baseURL: demo.baseUrl, apiKey: "anything", providerName: "waymark-demo" });
    const response = await client.complete(quoteRequest, call());
    expect(response.text).toContain("Dear Acme GmbH");
    expect(response.text).toContain("Rotterdam → Chicago");
    expect(response.usage.inputTokens).toBeGreaterThan(10);
    expect(response.usage.outputTokens).toBe(Math.ceil(response.text.length / 4));
    expect(response.finishReason).toBe("stop");
    expect(response.responseId).toMatch(/^chatcmpl-demo-[0-9a-f]{24}$/);
    expect(response).toMatchObject({ model: "gpt-4o-mini", provider: "waymark-demo", serverAddress: "127.0.0.1" });
  });

  it("answers the same request with the same text and id, and a different request differently", async () => {
    const client = createOpenAiClient({ baseURL: demo.baseUrl, apiKey: "anything" });
    const first = await client.complete(quoteRequest, call());
    const second = await client.complete(quoteRequest, call("another-key"));
    expect(second.text).toBe(first.text);
    expect(second.responseId).toBe(first.responseId);
    // Same tokens; the repeat's prompt is (by then) in the demo's prompt cache.
    expect(second.usage).toMatchObject({ inputTokens: first.usage.inputTokens, outputTokens: first.usage.outputTokens });
    expect(second.usage.cachedInputTokens).toBeGreaterThan(0);
    const other = await client.complete({ ...quoteRequest, model: "gpt-4o" }, call());
    expect(other.responseId).not.toBe(first.responseId);
  });

  it("reports provider openai by default", async () => {
    const client = createOpenAiClient({ baseURL: demo.baseUrl, apiKey: "anything" });
    expect((await client.complete(quoteRequest, call())).provider).toBe("openai");
  });

  it("fails the first request of a fail-once key with a retryable 500, then succeeds", async () => {
    const client = createOpenAiClient({ baseURL: demo.baseUrl, apiKey: "anything" });
    const request: LlmRequest = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello [[demo:fail-once:retry-test-1]]" }] };
    const failure = await client.complete(request, call()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmProviderError);
    expect((failure as LlmProviderError).details).toMatchObject({ status: 500, retryable: true, errorType: "500" });
    expect((failure as LlmProviderError).fatal).toBe(false);
    expect((failure as Error).message).toContain('model "gpt-4o-mini"');
    const retried = await client.complete(request, call());
    expect(retried.finishReason).toBe("stop");
  });

  it("echoes the last user message verbatim for [[demo:echo]]", async () => {
    const client = createOpenAiClient({ baseURL: demo.baseUrl, apiKey: "anything" });
    const content = `<script>alert("x")</script> password=hunter2 [[demo:echo]]`;
    const response = await client.complete({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }, call());
    expect(response.text).toBe(content);
  });

  it("cuts a reply at maxTokens and says so with finish reason length", async () => {
    const client = createOpenAiClient({ baseURL: demo.baseUrl, apiKey: "anything" });
    const response = await client.complete({ ...quoteRequest, maxTokens: 10 }, call());
    expect(response.finishReason).toBe("length");
    expect(response.usage.outputTokens).toBe(10);
  });

  it("stops when the step's signal aborts, with the signal's reason", async () => {
    const slow = await startDemoProvider({ port: 0, latencyMs: 5_000 });
    try {
      const client = createOpenAiClient({ baseURL: slow.baseUrl, apiKey: "anything" });
      const controller = new AbortController();
      const pending = client.complete(quoteRequest, { signal: controller.signal, idempotencyKey: "k" });
      const reason = new Error("step timed out");
      setTimeout(() => controller.abort(reason), 50);
      await expect(pending).rejects.toBe(reason);
    } finally {
      await slow.close();
    }
  });

  it("refuses streaming with an OpenAI-shaped 400 error", async () => {
    const sdk = new OpenAI({ baseURL: demo.baseUrl, apiKey: "anything", maxRetries: 0 });
    const error = await sdk.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain("does not support streaming");
  });

  it("lists models", async () => {
    const sdk = new OpenAI({ baseURL: demo.baseUrl, apiKey: "anything", maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of sdk.models.list()) ids.push(model.id);
    expect(ids).toContain("gpt-4o-mini");
  });
});

describe("OpenAI client request and errors", () => {
  it("sends the idempotency key, the API key and max_tokens to a compatible server", async () => {
    const stub = await startStubServer(() => ({
      body: {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 0,
        model: "llama3.1:8b",
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      },
    }));
    try {
      const client = createOpenAiClient({ baseURL: `${stub.url}/v1`, apiKey: "sk-secret-1" });
      const response = await client.complete({ model: "llama3.1:8b", messages: [{ role: "user", content: "hi" }], maxTokens: 64, temperature: 0.2 }, call("run-9:step"));
      const [request] = stub.requests;
      expect(request.path).toBe("/v1/chat/completions");
      expect(request.headers["idempotency-key"]).toBe("run-9:step");
      expect(request.headers.authorization).toBe("Bearer sk-secret-1");
      expect(request.body).toMatchObject({ model: "llama3.1:8b", max_tokens: 64, temperature: 0.2 });
      // A server that reports no usage: zero tokens rather than a crash.
      expect(response.usage).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });
    } finally {
      await stub.close();
    }
  });

  it("reports prompt_tokens_details.cached_tokens as the cached part of the input tokens", async () => {
    const stub = await startStubServer(() => ({
      body: {
        id: "chatcmpl-2",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 } },
      },
    }));
    try {
      const client = createOpenAiClient({ baseURL: `${stub.url}/v1`, apiKey: "sk-secret-1" });
      const response = await client.complete({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, call());
      expect(response.usage).toEqual({ inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920 });
    } finally {
      await stub.close();
    }
  });

  it("turns a 401 into a fatal error that names the provider and the variable to check, not the key", async () => {
    const stub = await startStubServer(() => ({ status: 401, body: { error: { message: "Invalid API key", type: "invalid_request_error" } } }));
    try {
      const client = createOpenAiClient({ baseURL: `${stub.url}/v1`, apiKey: "sk-very-secret" });
      const error = (await client.complete(quoteRequest, call()).catch((e: unknown) => e)) as LlmProviderError;
      expect(error).toBeInstanceOf(LlmProviderError);
      expect(error.fatal).toBe(true);
      expect(error.status).toBe(401);
      expect(error.message).toContain("OPENAI_API_KEY");
      expect(error.message).not.toContain("sk-very-secret");
    } finally {
      await stub.close();
    }
  });

  it("turns a refused connection into a retryable error", async () => {
    const client = createOpenAiClient({ baseURL: "http://127.0.0.1:9/v1", apiKey: "x" });
    const error = (await client.complete(quoteRequest, call()).catch((e: unknown) => e)) as LlmProviderError;
    expect(error).toBeInstanceOf(LlmProviderError);
    expect(error.details).toMatchObject({ retryable: true, errorType: "connection_error", serverAddress: "127.0.0.1" });
  });
});
