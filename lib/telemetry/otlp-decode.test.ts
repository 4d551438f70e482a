/**
 * OTLP/HTTP bodies as the official exporters encode them (the otlp-transformer serializers the
 * SDK's exporters use), decoded with the official proto definitions: protobuf and JSON, gzip or
 * not; and foreign spans with legacy GenAI names.
 */
import { gzipSync } from "node:zlib";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { OtlpDecodeError, decodeOtlpTraces, encodeTraceRequestProtobuf, encodeTraceResponse } from "./otlp-decode";

function foreignSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-bot", "service.version": "1.2.0" }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer("ai", "4.0.0");
  const parent = tracer.startSpan("ai.generateText", { kind: SpanKind.INTERNAL });
  parent.end();
  const child = tracer.startSpan("chat gpt-4.1", {
    kind: SpanKind.CLIENT,
    attributes: {
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-4.1",
      "gen_ai.usage.prompt_tokens": 1200,
      "gen_ai.usage.completion_tokens": 80,
      "llm.cost.total": 0.0123,
      "big.int": 2 ** 40,
      "list": ["a", "b"],
    },
  });
  child.setStatus({ code: SpanStatusCode.ERROR, message: "rate limited" });
  child.addEvent("retry", { attempt: 2 });
  child.end();
  return memory.getFinishedSpans();
}

describe("decodeOtlpTraces", () => {
  const spans = foreignSpans();

  it.each([
    ["protobuf", "application/x-protobuf", () => ProtobufTraceSerializer.serializeRequest(spans)!],
    ["JSON", "application/json", () => JsonTraceSerializer.serializeRequest(spans)!],
  ])("decodes %s, plain and gzip, into the same records", (_label, contentType, serialize) => {
    const body = serialize();
    const plain = decodeOtlpTraces(body, { contentType, contentEncoding: null });
    const gzipped = decodeOtlpTraces(gzipSync(body), { contentType: `${contentType}; charset=utf-8`, contentEncoding: "gzip" });
    expect(gzipped.spans).toEqual(plain.spans);
    expect(plain.rejected).toBe(0);
    expect(plain.spans).toHaveLength(2);
    const [root, chat] = plain.spans;
    expect(root).toMatchObject({ name: "ai.generateText", kind: "internal", parentSpanId: null, serviceName: "support-bot", scopeName: "ai", scopeVersion: "4.0.0" });
    expect(chat).toMatchObject({
      traceId: spans[1].spanContext().traceId,
      spanId: spans[1].spanContext().spanId,
      name: "chat gpt-4.1",
      kind: "client",
      statusCode: "error",
      statusMessage: "rate limited",
      genAi: { provider: "openai", requestModel: "gpt-4.1", inputTokens: 1200, outputTokens: 80, costUsd: 0.0123, operation: null, responseModel: null },
    });
    expect(chat.attributes).toMatchObject({ "big.int": 2 ** 40, list: ["a", "b"] });
    expect(chat.events).toEqual([expect.objectContaining({ name: "retry", attributes: { attempt: 2 } })]);
    // Exact nanoseconds survive both encodings.
    const [seconds, nanos] = spans[1].startTime;
    expect(chat.startUnixNano).toBe((BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString());
    expect(chat.resourceAttributes).toMatchObject({ "service.name": "support-bot", "service.version": "1.2.0" });
  });

  it("encodes an OTLP/JSON request as protobuf and back (test tool)", () => {
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!));
    const fromProto = decodeOtlpTraces(encodeTraceRequestProtobuf(json), { contentType: "application/x-protobuf", contentEncoding: null });
    const fromJson = decodeOtlpTraces(JsonTraceSerializer.serializeRequest(spans)!, { contentType: "application/json", contentEncoding: null });
    expect(fromProto.spans).toEqual(fromJson.spans);
  });

  it("rejects spans without valid ids and reports them as a partial success", () => {
    const body = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId: "00000000000000000000000000000000", spanId: "0102030405060708", name: "bad", startTimeUnixNano: "1", endTimeUnixNano: "2" },
        { traceId: "0102030405060708090a0b0c0d0e0f10", spanId: "0102030405060708", name: "good", kind: 3, startTimeUnixNano: 1700000000000000000, endTimeUnixNano: "1700000000500000000" },
      ] }] }],
    });
    const result = decodeOtlpTraces(new TextEncoder().encode(body), { contentType: "application/json", contentEncoding: null });
    expect(result.spans.map((s) => s.name)).toEqual(["good"]);
    expect(result.spans[0]).toMatchObject({ kind: "client", serviceName: "unknown_service" });
    expect(result.rejected).toBe(1);
    expect(JSON.parse(encodeTraceResponse("json", result).body as string)).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringContaining("traceId") },
    });
    expect(encodeTraceResponse("protobuf", { rejected: 0, rejectReason: null })).toMatchObject({ contentType: "application/x-protobuf" });
  });

  it("says what is wrong with a body it cannot take", () => {
    const decode = (body: string | Uint8Array, contentType: string | null, contentEncoding: string | null = null) => {
      try {
        decodeOtlpTraces(typeof body === "string" ? new TextEncoder().encode(body) : body, { contentType, contentEncoding, maxDecompressedBytes: 1024 });
        return null;
      } catch (error) {
        return error instanceof OtlpDecodeError ? { status: error.status, message: error.message } : String(error);
      }
    };
    expect(decode("{}", "text/plain")).toMatchObject({ status: 415, message: expect.stringContaining("application/x-protobuf") });
    expect(decode("{", "application/json")).toMatchObject({ status: 400, message: expect.stringContaining("OTLP/JSON") });
    expect(decode(new Uint8Array([0xff, 0xff, 0xff]), "application/x-protobuf")).toMatchObject({ status: 400 });
    expect(decode("{}", "application/json", "br")).toMatchObject({ status: 415, message: expect.stringContaining("gzip") });
    expect(decode("not gzip", "application/json", "gzip")).toMatchObject({ status: 400 });
    expect(decode(gzipSync("x".repeat(10_000)), "application/json", "gzip")).toMatchObject({ status: 413 });
  });
});
