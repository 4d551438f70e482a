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
  });
  afterAll(async () => {
    await Promise.all([demo.close(), anthropicStub.close(), renamingStub.close()]);
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
});
