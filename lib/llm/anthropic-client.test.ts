import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicClient, mapStopReason } from "./anthropic-client";
import { LlmProviderError } from "./provider-error";
import { startStubServer, type StubReply, type StubServer } from "./test-stub-server";

const call = { signal: new AbortController().signal, idempotencyKey: "run-1:draft-reply" };

function message(overrides: Record<string, unknown> = {}) {
  return {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-6",
    content: [
      { type: "text", text: "Hello, " },
      { type: "text", text: "Jane." },
    ],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 900, cache_creation_input_tokens: 0 },
    ...overrides,
  };
}

describe("Anthropic client", () => {
  let stub: StubServer | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  const clientFor = async (reply: () => StubReply) => {
    stub = await startStubServer(reply);
    return createAnthropicClient({ apiKey: "sk-ant-secret", baseURL: stub.url });
  };

  it("sends system messages as `system`, a default max_tokens of 1024 and the idempotency key", async () => {
    const client = await clientFor(() => ({ body: message() }));
    await client.complete(
      {
        model: "claude-sonnet-4-6",
        messages: [
          { role: "system", content: "You are a support engineer." },
          { role: "user", content: "The app crashes." },
        ],
      },
      call,
    );
    const [request] = stub!.requests;
    expect(request.path).toBe("/v1/messages");
    // The SDK sends the key as x-api-key or (newer versions) as a bearer token.
    expect(String(request.headers["x-api-key"] ?? request.headers.authorization)).toContain("sk-ant-secret");
    expect(request.headers["idempotency-key"]).toBe("run-1:draft-reply");
    expect(request.body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 1024,
      system: "You are a support engineer.",
      messages: [{ role: "user", content: "The app crashes." }],
    });
  });

  it("maps text, usage (cached tokens included in input), finish reason and id", async () => {
    const client = await clientFor(() => ({ body: message() }));
    const response = await client.complete({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }], maxTokens: 50 }, call);
    expect(response).toEqual({
      text: "Hello, Jane.",
      usage: { inputTokens: 1000, outputTokens: 20, cachedInputTokens: 900 },
      model: "claude-sonnet-4-6",
      finishReason: "stop",
      provider: "anthropic",
      costUsd: 0,
      responseId: "msg_01",
      serverAddress: "127.0.0.1",
    });
    expect(stub!.requests[0].body).toMatchObject({ max_tokens: 50 });
  });

  it("counts cache writes as input but not as cached, and reports no cached tokens when the API leaves them out", async () => {
    const writes = await clientFor(() => ({ body: message({ usage: { input_tokens: 40, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 2000 } }) }));
    expect((await writes.complete({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }] }, call)).usage).toEqual({
      inputTokens: 2040,
      outputTokens: 5,
      cachedInputTokens: 0,
    });
    await stub?.close();
    const plain = await clientFor(() => ({ body: message({ usage: { input_tokens: 40, output_tokens: 5 } }) }));
    expect((await plain.complete({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi" }] }, call)).usage).toEqual({
      inputTokens: 40,
      outputTokens: 5,
      cachedInputTokens: 0,
    });
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["pause_turn", "pause_turn"],
    [null, "unknown"],
  ])("maps stop reason %s to %s", (stopReason, finishReason) => {
    expect(mapStopReason(stopReason)).toBe(finishReason);
  });

  it("turns an overloaded provider (529) into a retryable error and a bad key into a fatal one", async () => {
    let status = 529;
    const client = await clientFor(() => ({ status, body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } }));
    const request = { model: "claude-sonnet-4-6", messages: [{ role: "user" as const, content: "Hi" }] };
    const overloaded = (await client.complete(request, call).catch((e: unknown) => e)) as LlmProviderError;
    expect(overloaded).toBeInstanceOf(LlmProviderError);
    expect(overloaded.details).toMatchObject({ provider: "anthropic", status: 529, retryable: true });
    status = 401;
    const badKey = (await client.complete(request, call).catch((e: unknown) => e)) as LlmProviderError;
    expect(badKey.fatal).toBe(true);
    expect(badKey.message).toContain("ANTHROPIC_API_KEY");
    expect(badKey.message).not.toContain("sk-ant-secret");
  });
});
