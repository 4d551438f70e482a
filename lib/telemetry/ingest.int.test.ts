/**
 * The console as an OTLP backend, below HTTP: a foreign service's spans, sent as JSON and as
 * gzip'd protobuf by the official exporters' serializers, are stored once and found by service,
 * model and status; bad bodies get the status the OTLP spec expects.
 */
import { gzipSync } from "node:zlib";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../control/authorize";
import { findTraces, getTrace, ingestOtlpTraces } from "../control/traces";
import type { Actor } from "../control/types";
import { createTestDatabase, type TestDatabase } from "../testing/database";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("otlp_ingest");
});
afterAll(async () => t?.drop());

const viewerKey: Actor = { kind: "apikey", id: "key_1", label: "support-bot sender", role: "viewer" };

function appTrace(service: string, model: string, failed: boolean) {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer("openllmetry");
  const parent = tracer.startSpan("support.answer");
  const chat = tracer.startSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { "gen_ai.system": "anthropic", "gen_ai.request.model": model, "gen_ai.usage.prompt_tokens": 900, "gen_ai.usage.completion_tokens": 40 },
    },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  if (failed) chat.setStatus({ code: SpanStatusCode.ERROR, message: "overloaded" });
  chat.end();
  parent.end();
  return memory.getFinishedSpans();
}

describe("OTLP ingest", () => {
  it("stores a foreign service's JSON and gzip'd protobuf exports, once each, and finds them", async () => {
    const jsonSpans = appTrace("support-bot", "claude-sonnet-4-6", false);
    const protoSpans = appTrace("support-bot", "claude-haiku-4-5", true);
    const json = await ingestOtlpTraces(
      t.db,
      { body: JsonTraceSerializer.serializeRequest(jsonSpans)!, contentType: "application/json", contentEncoding: null },
      viewerKey,
    );
    expect(json).toMatchObject({ accepted: 2, rejected: 0, response: { contentType: "application/json", body: "{}" } });
    const proto = await ingestOtlpTraces(
      t.db,
      { body: gzipSync(ProtobufTraceSerializer.serializeRequest(protoSpans)!), contentType: "application/x-protobuf", contentEncoding: "gzip" },
      viewerKey,
    );
    expect(proto).toMatchObject({ accepted: 2, rejected: 0, response: { contentType: "application/x-protobuf" } });
    // An exporter's retry of the same batch stores nothing new.
    await ingestOtlpTraces(t.db, { body: JsonTraceSerializer.serializeRequest(jsonSpans)!, contentType: "application/json", contentEncoding: null }, viewerKey);

    const all = await findTraces(t.db, { service: "support-bot" }, systemActor);
    expect(all.traces).toHaveLength(2);
    const failed = await findTraces(t.db, { service: "support-bot", status: "error" }, systemActor);
    expect(failed.traces.map((tr) => tr.models)).toEqual([["claude-haiku-4-5"]]);
    const byModel = await findTraces(t.db, { model: "claude-sonnet-4-6" }, systemActor);
    expect(byModel.traces).toMatchObject([{ rootName: "support.answer", services: ["support-bot"], inputTokens: 900, outputTokens: 40, spanCount: 2 }]);

    const spans = await getTrace(t.db, byModel.traces[0].traceId, viewerKey);
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ["support.answer", "internal"],
      ["chat claude-sonnet-4-6", "client"],
    ]);
    expect(spans[1].parentSpanId).toBe(spans[0].spanId);
    expect(spans[1].genAi).toMatchObject({ provider: "anthropic", requestModel: "claude-sonnet-4-6", inputTokens: 900 });
  });

  it("answers 415, 400 and 413 for bodies it cannot take, naming what to send", async () => {
    const send = (body: Uint8Array, contentType: string | null, contentEncoding: string | null = null) =>
      ingestOtlpTraces(t.db, { body, contentType, contentEncoding }, viewerKey).then(
        () => null,
        (error: { status: number; code: string; message: string }) => ({ status: error.status, code: error.code, message: error.message }),
      );
    expect(await send(new TextEncoder().encode("{}"), "text/plain")).toMatchObject({ status: 415, code: "unsupported_media_type" });
    expect(await send(new TextEncoder().encode("{oops"), "application/json")).toMatchObject({ status: 400, code: "invalid_input" });
    expect(await send(gzipSync(Buffer.alloc(40 * 1024 * 1024)), "application/json", "gzip")).toMatchObject({ status: 413, code: "payload_too_large" });
  });
});
