/**
 * Decoding OTLP/HTTP trace export requests as the OTLP specification sends them: protobuf
 * (`application/x-protobuf`) or JSON (`application/json`), optionally gzip-compressed
 * (`Content-Encoding: gzip`). Protobuf is decoded with the official opentelemetry-proto
 * definitions as compiled by the OpenTelemetry JS maintainers (the protobufjs module that
 * `@opentelemetry/otlp-transformer` 0.216 ships, installed under the alias `otlp-transformer-protos`);
 * newer otlp-transformer releases encode by hand and no longer carry a decoder.
 */
import { gunzipSync } from "node:zlib";
import protoRoot from "otlp-transformer-protos/build/src/generated/root.js";
import { normalizeTraceRequest, type NormalizedRequest } from "./otlp-normalize";

type OtlpEncoding = "protobuf" | "json";

/** Why a request could not be decoded; `status` is the HTTP status to answer with. */
export class OtlpDecodeError extends Error {
  override name = "OtlpDecodeError";
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

function traceService() {
  return (protoRoot as unknown as {
    opentelemetry: { proto: { collector: { trace: { v1: TraceServiceMessages } } } };
  }).opentelemetry.proto.collector.trace.v1;
}

interface ProtoMessageType {
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  fromObject(object: unknown): unknown;
  toObject(message: unknown, options: { longs: StringConstructor; enums: NumberConstructor; bytes?: unknown; defaults?: boolean }): unknown;
}
interface TraceServiceMessages {
  ExportTraceServiceRequest: ProtoMessageType;
  ExportTraceServiceResponse: ProtoMessageType;
}

/** Which encoding a Content-Type names, or a 415 naming the accepted ones. */
export function otlpEncodingOf(contentType: string | null): OtlpEncoding {
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType === "application/x-protobuf" || mediaType === "application/protobuf") return "protobuf";
  if (mediaType === "application/json") return "json";
  throw new OtlpDecodeError(
    415,
    `OTLP/HTTP takes "Content-Type: application/x-protobuf" or "application/json" (got "${(contentType ?? "none").slice(0, 80)}").`,
  );
}

/** Undoes `Content-Encoding` (gzip or none), refusing to inflate beyond `maxBytes`. */
export function decompressOtlpBody(body: Uint8Array, contentEncoding: string | null, maxBytes: number): Uint8Array {
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return body;
  if (encoding !== "gzip" && encoding !== "x-gzip") {
    throw new OtlpDecodeError(415, `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send gzip or no encoding.`);
  }
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw new OtlpDecodeError(413, `The decompressed body is larger than ${maxBytes} bytes; export smaller batches.`);
    }
    throw new OtlpDecodeError(400, `The body is not valid gzip: ${(error as Error).message}`);
  }
}

/** Parses an ExportTraceServiceRequest into a plain object (same field names for both encodings). */
export function parseTraceRequest(body: Uint8Array, encoding: OtlpEncoding): unknown {
  if (encoding === "json") {
    try {
      return JSON.parse(new TextDecoder("utf-8").decode(body));
    } catch (error) {
      throw new OtlpDecodeError(400, `The body is not valid OTLP/JSON: ${(error as Error).message}`);
    }
  }
  const { ExportTraceServiceRequest } = traceService();
  try {
    const message = ExportTraceServiceRequest.decode(body);
    // Exact 64-bit timestamps as strings; ids stay bytes; enums as numbers (as in OTLP/JSON).
    return ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number });
  } catch (error) {
    throw new OtlpDecodeError(400, `The body is not a valid OTLP protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
}

export interface DecodeOptions {
  contentType: string | null;
  contentEncoding: string | null;
  /** Largest decompressed body accepted. @defaultValue 32 MiB */
  maxDecompressedBytes?: number;
}

/** Decodes an OTLP/HTTP trace request body into SpanRecords. Throws OtlpDecodeError. */
export function decodeOtlpTraces(body: Uint8Array, options: DecodeOptions): NormalizedRequest & { encoding: OtlpEncoding } {
  const encoding = otlpEncodingOf(options.contentType);
  const raw = decompressOtlpBody(body, options.contentEncoding, options.maxDecompressedBytes ?? 32 * 1024 * 1024);
  const request = parseTraceRequest(raw, encoding);
  if (!request || typeof request !== "object") {
    throw new OtlpDecodeError(400, "The body is not an ExportTraceServiceRequest object.");
  }
  return { ...normalizeTraceRequest(request), encoding };
}

/** The ExportTraceServiceResponse, in the encoding the request used (partial success when spans were rejected). */
export function encodeTraceResponse(
  encoding: OtlpEncoding,
  result: { rejected: number; rejectReason: string | null },
): { body: Uint8Array | string; contentType: string } {
  const partialSuccess = result.rejected > 0 ? { rejectedSpans: result.rejected, errorMessage: result.rejectReason ?? "" } : undefined;
  if (encoding === "json") {
    return { body: JSON.stringify(partialSuccess ? { partialSuccess } : {}), contentType: "application/json" };
  }
  const { ExportTraceServiceResponse } = traceService();
  const message = ExportTraceServiceResponse.fromObject(partialSuccess ? { partialSuccess } : {});
  return { body: ExportTraceServiceResponse.encode(message).finish(), contentType: "application/x-protobuf" };
}

/** For tests and tools: encodes a request object (OTLP/JSON field names, hex ids) as protobuf bytes. */
export function encodeTraceRequestProtobuf(request: unknown): Uint8Array {
  const { ExportTraceServiceRequest } = traceService();
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(hexIdsToBytes(request))).finish();
}

/** OTLP/JSON carries ids as hex; protobuf's fromObject expects bytes (or base64). */
function hexIdsToBytes(value: unknown, key = ""): unknown {
  if (typeof value === "string" && (key === "traceId" || key === "spanId" || key === "parentSpanId")) {
    return Buffer.from(value, "hex");
  }
  if (Array.isArray(value)) return value.map((item) => hexIdsToBytes(item));
  if (value && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hexIdsToBytes(v, k)]));
  }
  return value;
}
