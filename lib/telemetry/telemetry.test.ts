/**
 * The tracer adapter as the engine and lib/control drive it: span names, kinds, the parent/child
 * tree under the run's root, the root exported with the ids stored on the run, content opt-in,
 * redaction of every exported string, and the semconv opt-in. Spans are read back exactly as
 * the console stores them (through the store exporter).
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/env";
import { silentLogger } from "../engine/testing";
import type { LlmClient } from "../engine/types";
import { newRunTraceContext, type RunTraceContext } from "./run-trace-context";
import type { SpanRecord } from "./span-record";
import { createTelemetry, type Telemetry } from "./telemetry";

const CANARY = "sk-proj-CANARYabcdefghijklmnop0123456789";
const open: Telemetry[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
});

function recordingTelemetry(env: Record<string, string> = {}) {
  const records: SpanRecord[] = [];
  const telemetry = createTelemetry({
    config: loadConfig({ OTEL_BSP_SCHEDULE_DELAY: "0", ...env }),
    log: silentLogger,
    saveSpans: async (spans) => void records.push(...spans),
  });
  open.push(telemetry);
  return { telemetry, records };
}

const echoLlm: LlmClient = {
  async complete(request) {
    return {
      text: `You said: ${request.messages.at(-1)?.content ?? ""}`,
      usage: { inputTokens: 12, outputTokens: 7 },
      model: "gpt-4o-mini-2024-07-18",
      finishReason: "stop",
      provider: "openai",
      costUsd: 0.0001,
    };
  },
};

/** What the engine does in a tick: a step span, a chat span around the provider call, a failing step. */
async function simulateTick(telemetry: Telemetry, prompt: string) {
  const { tracer } = telemetry;
  const llm = telemetry.instrumentLlm(echoLlm, () => "openai");
  const step = tracer.startSpan("step fetch", { kind: "internal", attributes: { "waymark.step.id": "fetch", "waymark.run.id": "run_1" } });
  await tracer.withSpan(step, async () => undefined);
  step.end();
  const chat = tracer.startSpan("chat gpt-4o-mini", {
    kind: "client",
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": undefined,
      "waymark.run.id": "run_1",
    },
  });
  const response = await tracer.withSpan(chat, () =>
    llm.complete({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }, { signal: new AbortController().signal, idempotencyKey: "k" }),
  );
  chat.setAttributes({
    "gen_ai.usage.input_tokens": response.usage.inputTokens,
    "gen_ai.usage.output_tokens": response.usage.outputTokens,
    "gen_ai.response.finish_reasons": [response.finishReason],
    "waymark.cost.usd": response.costUsd,
  });
  chat.end();
  const failing = tracer.startSpan("step send", { kind: "internal", attributes: { "waymark.step.id": "send" } });
  failing.recordError(new Error(`upstream refused the key ${CANARY}`), "Error");
  failing.end();
}

async function runTwoTicks(telemetry: Telemetry, prompt: string): Promise<RunTraceContext> {
  const run = newRunTraceContext();
  await telemetry.tracer.withinRun(run, () => simulateTick(telemetry, prompt));
  await telemetry.tracer.withinRun(run, () => simulateTick(telemetry, prompt)); // a later tick, e.g. after a crash
  telemetry.tracer.recordRunSpan(run, {
    workflowName: "freight-quote",
    workflowVersion: 2,
    runId: "run_1",
    startTime: new Date(Date.now() - 1000),
    endTime: new Date(),
    status: "failed",
    error: { type: "step_failed", message: `Step "send" failed: ${CANARY}` },
  });
  await telemetry.forceFlush();
  return run;
}

describe("the tracer adapter", () => {
  it("parents every tick's spans to the run's root, exported last with the ids stored on the run", async () => {
    const { telemetry, records } = recordingTelemetry();
    const run = await runTwoTicks(telemetry, "hello");

    expect(new Set(records.map((s) => s.traceId))).toEqual(new Set([run.traceId]));
    const root = records.find((s) => s.name === "invoke_workflow freight-quote")!;
    expect(root).toMatchObject({ spanId: run.rootSpanId, parentSpanId: null, kind: "internal", statusCode: "error", serviceName: "waymark-worker" });
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "freight-quote",
      "waymark.workflow.version": 2,
      "waymark.run.id": "run_1",
      "error.type": "step_failed",
    });
    const children = records.filter((s) => s !== root);
    expect(children.map((s) => s.name).sort()).toEqual(
      ["chat gpt-4o-mini", "chat gpt-4o-mini", "step fetch", "step fetch", "step send", "step send"],
    );
    for (const child of children) expect(child.parentSpanId).toBe(run.rootSpanId);

    const chat = records.find((s) => s.name === "chat gpt-4o-mini")!;
    expect(chat.kind).toBe("client");
    expect(chat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.response.finish_reasons": ["stop"],
      "waymark.cost.usd": 0.0001,
    });
    expect(chat.attributes).not.toHaveProperty("gen_ai.request.temperature");
    expect(chat.genAi).toMatchObject({ operation: "chat", provider: "openai", requestModel: "gpt-4o-mini", inputTokens: 12, outputTokens: 7, costUsd: 0.0001 });

    const failed = records.find((s) => s.name === "step send")!;
    expect(failed).toMatchObject({ statusCode: "error" });
    expect(failed.attributes["error.type"]).toBe("Error");
    expect(failed.events[0]).toMatchObject({ name: "exception", attributes: { "exception.type": "Error" } });
  });

  it("exports no message content by default", async () => {
    const { telemetry, records } = recordingTelemetry();
    await runTwoTicks(telemetry, "the secret plan");
    const bytes = JSON.stringify(records);
    expect(bytes).not.toContain("gen_ai.input.messages");
    expect(bytes).not.toContain("gen_ai.output.messages");
    expect(bytes).not.toContain("the secret plan");
  });

  it("exports the messages in the conventions' shape when content capture is opted in", async () => {
    const { telemetry, records } = recordingTelemetry({ WAYMARK_CAPTURE_CONTENT: "true" });
    await runTwoTicks(telemetry, "the plan");
    const chat = records.find((s) => s.name === "chat gpt-4o-mini")!;
    expect(JSON.parse(chat.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: "the plan" }] },
    ]);
    expect(JSON.parse(chat.attributes["gen_ai.output.messages"] as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "You said: the plan" }], finish_reason: "stop" },
    ]);
  });

  it("never exports a secret, content on or off, in messages, errors or statuses; configured patterns too", async () => {
    for (const capture of ["false", "true", ""]) {
      const { telemetry, records } = recordingTelemetry({
        WAYMARK_CAPTURE_CONTENT: capture,
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: capture === "" ? "true" : "false",
        WAYMARK_REDACT_PATTERNS: '["ACME-[0-9]{6}"]',
      });
      await runTwoTicks(telemetry, `use ${CANARY} and Authorization: Bearer abcdefghijklmnop and ticket ACME-123456`);
      const bytes = JSON.stringify(records);
      expect(bytes).not.toContain("CANARYabcdefghijklmnop");
      expect(bytes).not.toContain("abcdefghijklmnop0123456789");
      expect(bytes).not.toContain("ACME-123456");
      if (capture !== "false") expect(bytes).toContain("[REDACTED]");
    }
  });

  it("switches to the latest experimental GenAI names under OTEL_SEMCONV_STABILITY_OPT_IN", async () => {
    const released = recordingTelemetry();
    await runTwoTicks(released.telemetry, "x");
    const latest = recordingTelemetry({ OTEL_SEMCONV_STABILITY_OPT_IN: "http,gen_ai_latest_experimental" });
    await runTwoTicks(latest.telemetry, "x");
    const rootOf = (records: SpanRecord[]) => records.find((s) => s.name.startsWith("invoke_workflow"))!;
    expect(rootOf(released.records).attributes).not.toHaveProperty("gen_ai.invocation.is_nested");
    expect(rootOf(latest.records).attributes).toMatchObject({ "gen_ai.invocation.is_nested": false });
    expect(released.records[0].scopeName).toBe("waymark");
  });

  it("takes service.name from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES over its default", async () => {
    // The SDK's env detector reads the process environment itself (the standard variables).
    const previous = { ...process.env };
    process.env.OTEL_RESOURCE_ATTRIBUTES = "deployment.environment=test,team=agents";
    process.env.OTEL_SERVICE_NAME = "agents-prod";
    try {
      const { telemetry, records } = recordingTelemetry();
      await runTwoTicks(telemetry, "x");
      expect(records[0].serviceName).toBe("agents-prod");
      expect(records[0].resourceAttributes).toMatchObject({ "deployment.environment": "test", team: "agents", "service.namespace": "waymark" });
    } finally {
      process.env = previous;
    }
  });
});
