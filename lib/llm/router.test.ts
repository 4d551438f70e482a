import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoProvider, type DemoProvider } from "../demo/provider-server";
import { createLlmRouter, llmRouterOptionsFromConfig, routeModel } from "./router";
import { startStubServer, type StubServer } from "./test-stub-server";

const call = { signal: new AbortController().signal, idempotencyKey: "run-1:draft" };
const ask = (model: string) => ({ model, messages: [{ role: "user" as const, content: "Say hello" }] });

describe("routing rule", () => {
  const none = { openai: false, anthropic: false };
  const openaiOnly = { openai: true, anthropic: false };
  const anthropicOnly = { openai: false, anthropic: true };
  const both = { openai: true, anthropic: true };

  it.each([
    // model, configured providers, provider that serves it
    ["claude-sonnet-4-6", both, "anthropic"],
    ["claude-3-5-haiku-latest", anthropicOnly, "anthropic"],
    ["Claude-Opus-4", both, "anthropic"],
    ["claude-sonnet-4-6", openaiOnly, "waymark-demo"],
    ["gpt-4o-mini", both, "openai"],
    ["gpt-4o-mini", anthropicOnly, "waymark-demo"],
    ["openai/gpt-4o", openaiOnly, "openai"],
    ["anthropic/claude-sonnet-4", both, "openai"],
    ["meta-llama/llama-3.1-8b-instruct", openaiOnly, "openai"],
    ["llama3.1:8b", openaiOnly, "openai"],
    ["mistral-large-latest", none, "waymark-demo"],
    ["gpt-4o", none, "waymark-demo"],
  ] as const)("%s with %j → %s", (model, configured, provider) => {
    expect(routeModel(model, configured)).toBe(provider);
  });
});

describe("llmRouterOptionsFromConfig", () => {
  it("treats a base URL without a key (local Ollama) as configured, and no variables as demo-only", () => {
    const ollama = llmRouterOptionsFromConfig({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }, "http://demo/v1");
    expect(ollama.openai).toEqual({ baseURL: "http://127.0.0.1:11434/v1", apiKey: "not-needed" });
    expect(ollama.anthropic).toBeUndefined();
    const nothing = llmRouterOptionsFromConfig({}, "http://demo/v1");
    expect(nothing).toEqual({ demoBaseUrl: "http://demo/v1", openai: undefined, anthropic: undefined });
    const anthropic = llmRouterOptionsFromConfig({ ANTHROPIC_API_KEY: "sk-ant-test" }, "http://demo/v1");
    expect(anthropic.anthropic).toEqual({ apiKey: "sk-ant-test", baseURL: undefined });
  });
});

describe("createLlmRouter", () => {
  let demo: DemoProvider;
  let anthropicStub: StubServer;
  let renamingStub: StubServer;
  /** An OpenAI-compatible server that reports 1M prompt tokens, 800k of them from its prompt cache. */
  let cachingStub: StubServer;

  beforeAll(async () => {
    demo = await startDemoProvider({ port: 0 });
    anthropicStub = await startStubServer(({ body }) => ({
      body: {
        id: "msg_stub_1",
        type: "message",
        role: "assistant",
        model: (body as { model: string }).model,
        content: [{ type: "text", text: "Hello from Anthropic" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 1000, output_tokens: 100 },
      },
    }));
    // An OpenAI-compatible server that answers under a snapshot name the price table does not know.
    renamingStub = await startStubServer(() => ({
      body: {
        id: "chatcmpl-stub",
        object: "chat.completion",
        created: 0,
        model: "acme-snapshot-7",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 },
      },
    }));
    cachingStub = await startStubServer(({ body }) => ({
      body: {
        id: "chatcmpl-cached",
        object: "chat.completion",
        created: 0,
        model: (body as { model: string }).model,
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000, prompt_tokens_details: { cached_tokens: 800_000 } },
      },
    }));
  });
  afterAll(async () => {
    await Promise.all([demo.close(), anthropicStub.close(), renamingStub.close(), cachingStub.close()]);
  });

  it("serves every model from the demo provider when no credentials are set, and prices it", async () => {
    const router = createLlmRouter({ demoBaseUrl: demo.baseUrl });
    for (const model of ["gpt-4o-mini", "claude-sonnet-4-6", "meta-llama/llama-3.1-8b-instruct"]) {
      const response = await router.complete(ask(model), call);
      expect(response.provider).toBe("waymark-demo");
      expect(response.serverAddress).toBe("127.0.0.1");
      expect(response.text.length).toBeGreaterThan(0);
      expect(response.costUsd).toBeGreaterThan(0);
    }
  });

  it("sends non-claude models to the configured OpenAI-compatible endpoint and reports provider openai", async () => {
    const router = createLlmRouter({ demoBaseUrl: demo.baseUrl, openai: { baseURL: demo.baseUrl, apiKey: "sk-test" } });
    expect((await router.complete(ask("openai/gpt-4o"), call)).provider).toBe("openai");
    expect((await router.complete(ask("claude-sonnet-4-6"), call)).provider).toBe("waymark-demo");
    expect(router.routeOf("gpt-4o")).toBe("openai");
  });

  it("sends claude models to Anthropic when it is configured", async () => {
    const router = createLlmRouter({ demoBaseUrl: demo.baseUrl, anthropic: { apiKey: "sk-ant-test", baseURL: anthropicStub.url } });
    const response = await router.complete(ask("claude-sonnet-4-6"), call);
    expect(response).toMatchObject({ provider: "anthropic", text: "Hello from Anthropic", responseId: "msg_stub_1", finishReason: "stop" });
    // claude-sonnet-4: $3 / $15 per million tokens
    expect(response.costUsd).toBeCloseTo(0.003 + 0.0015, 12);
    expect((await router.complete(ask("gpt-4o-mini"), call)).provider).toBe("waymark-demo");
  });

  it("prices on the requested model when the answering model is unknown, and reports models it cannot price", async () => {
    const unpriced: string[] = [];
    const router = createLlmRouter({
      demoBaseUrl: demo.baseUrl,
      openai: { baseURL: `${renamingStub.url}/v1`, apiKey: "sk-test" },
      onUnpricedModel: (model) => unpriced.push(model),
    });
    const known = await router.complete(ask("gpt-4o"), call);
    expect(known.model).toBe("acme-snapshot-7");
    expect(known.costUsd).toBe(2.5); // 1M input tokens of gpt-4o
    const unknown = await router.complete(ask("my-fine-tune"), call);
    await router.complete(ask("my-fine-tune"), call);
    expect(unknown.costUsd).toBe(0);
    expect(unpriced).toEqual(["my-fine-tune"]);
  });

  it("charges cached input tokens at the model's cached price, or at its input price when it has none", async () => {
    const router = createLlmRouter({ demoBaseUrl: demo.baseUrl, openai: { baseURL: `${cachingStub.url}/v1`, apiKey: "sk-test" } });
    const cached = await router.complete(ask("gpt-4o"), call);
    expect(cached.usage).toEqual({ inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 800_000 });
    // gpt-4o: 200k uncached at $2.50 + 800k cached at $1.25 per million
    expect(cached.costUsd).toBe(1.5);
    // mistral-large has no cached price: all 1M input tokens at $2
    expect((await router.complete(ask("mistral-large"), call)).costUsd).toBe(2);
  });

  it("passes the cached tokens to the stored price table and takes its cost and snapshot", async () => {
    const seen: unknown[] = [];
    const snapshot = { priceId: "price_1", model: "gpt-4o", inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.2, effectiveFrom: "2026-01-01T00:00:00.000Z" };
    const router = createLlmRouter({
      demoBaseUrl: demo.baseUrl,
      openai: { baseURL: `${cachingStub.url}/v1`, apiKey: "sk-test" },
      now: () => new Date("2026-06-01T00:00:00Z"),
      priceSource: async (priced) => {
        seen.push(priced);
        return { costUsd: 0.56, price: snapshot };
      },
    });
    const response = await router.complete(ask("gpt-4o"), call);
    expect(seen).toEqual([
      { model: "gpt-4o", requestModel: "gpt-4o", inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 800_000, at: new Date("2026-06-01T00:00:00Z") },
    ]);
    expect(response).toMatchObject({ costUsd: 0.56, price: snapshot });
  });

  it("charges Anthropic cache reads at the cached price", async () => {
    const stub = await startStubServer(({ body }) => ({
      body: {
        id: "msg_stub_2",
        type: "message",
        role: "assistant",
        model: (body as { model: string }).model,
        content: [{ type: "text", text: "ok" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 100, output_tokens: 100, cache_read_input_tokens: 900, cache_creation_input_tokens: 0 },
      },
    }));
    try {
      const router = createLlmRouter({ demoBaseUrl: demo.baseUrl, anthropic: { apiKey: "sk-ant-test", baseURL: stub.url } });
      const response = await router.complete(ask("claude-sonnet-4-6"), call);
      // claude-sonnet-4: 100 input at $3, 900 cache reads at $0.30, 100 output at $15 per million
      expect(response.costUsd).toBeCloseTo((100 * 3 + 900 * 0.3 + 100 * 15) / 1e6, 12);
    } finally {
      await stub.close();
    }
  });
});
