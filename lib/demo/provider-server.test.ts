import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoProvider, type DemoProvider } from "./provider-server";

describe("demo provider HTTP server", () => {
  let demo: DemoProvider;
  beforeAll(async () => {
    demo = await startDemoProvider();
  });
  afterAll(() => demo.close());

  const post = (body: string) =>
    fetch(`${demo.baseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("listens on a free loopback port and answers /health", async () => {
    expect(demo.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await fetch(demo.baseUrl.replace(/\/v1$/, "/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers a chat completion in the OpenAI shape", async () => {
    const response = await post(JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: [{ type: "text", text: "Hi there" }] }] }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop" }],
    });
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it.each([
    ["invalid JSON", "{nope", 400, "not valid JSON"],
    ["no messages", JSON.stringify({ model: "gpt-4o", messages: [] }), 400, "messages"],
    ["streaming", JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x" }], stream: true }), 400, "streaming"],
    ["a body over 1 MB", JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(1_100_000) }] }), 413, "larger than"],
  ])("refuses %s with an OpenAI-shaped error", async (_what, body, status, text) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toContain(text);
  });

  it("answers unknown paths with 404 naming what it serves", async () => {
    const response = await fetch(`${demo.baseUrl}/embeddings`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain("/v1/chat/completions");
  });

  it("fails each fail-once key once, independently", async () => {
    const body = (key: string) => JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: `go [[demo:fail-once:${key}]]` }] });
    expect((await post(body("a"))).status).toBe(500);
    expect((await post(body("a"))).status).toBe(200);
    expect((await post(body("b"))).status).toBe(500);
    expect((await post(body("a"))).status).toBe(200);
  });

  it("reports a repeated system prompt as cached prompt tokens, and only after a successful request", async () => {
    const system = { role: "system", content: "You classify support tickets into billing, bug, how-to or urgent. ".repeat(3) };
    const ask = (content: string) => JSON.stringify({ model: "gpt-4o-mini", messages: [system, { role: "user", content }] });
    expect((await post(ask("first [[demo:fail-once:cache]]"))).status).toBe(500);
    const first = (await (await post(ask("first"))).json()).usage;
    expect(first.prompt_tokens_details).toEqual({ cached_tokens: 0 });
    const second = (await (await post(ask("second"))).json()).usage;
    expect(second.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(second.prompt_tokens_details.cached_tokens).toBeLessThan(second.prompt_tokens);
  });

  it("tells what to do when the port is taken", async () => {
    const port = Number(new URL(demo.baseUrl).port);
    await expect(startDemoProvider({ port })).rejects.toThrow(/WAYMARK_DEMO_PROVIDER_PORT/);
  });
});
