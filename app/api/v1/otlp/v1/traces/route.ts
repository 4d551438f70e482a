// POST /api/v1/otlp/v1/traces — OTLP/HTTP trace ingest: protobuf or JSON, gzip or not, any valid API key.
// Point any OpenTelemetry SDK at it with OTEL_EXPORTER_OTLP_ENDPOINT=<console>/api/v1/otlp and
// OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<api key>.
import { getDb } from "../../../../../../lib/control";
import { MAX_OTLP_BODY_BYTES, ingestOtlpTraces } from "../../../../../../lib/control/traces";
import { AppError } from "../../../../../../lib/errors/app-error";
import { apiHandler } from "../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The raw body, refusing more than maxBytes (413) before or while reading. */
async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new AppError("payload_too_large", 413, `The export request is larger than ${maxBytes / 1024 / 1024} MiB; export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).`);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export const POST = apiHandler({ auth: "write" }, async ({ request, actor }) => {
  const body = await readBodyBytes(request, MAX_OTLP_BODY_BYTES);
  const result = await ingestOtlpTraces(
    await getDb(),
    { body, contentType: request.headers.get("content-type"), contentEncoding: request.headers.get("content-encoding") },
    actor,
  );
  return new Response(result.response.body as BodyInit, { status: 200, headers: { "Content-Type": result.response.contentType } });
});
