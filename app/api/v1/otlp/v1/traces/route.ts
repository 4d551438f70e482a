// POST /api/v1/otlp/v1/traces — OTLP/HTTP trace ingest: protobuf or JSON, gzip or not, any valid API key.
// Point any OpenTelemetry SDK at it with OTEL_EXPORTER_OTLP_ENDPOINT=<console>/api/v1/otlp and
// OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<api key>.
import { getDb } from "../../../../../../lib/control";
import { MAX_OTLP_BODY_BYTES, ingestOtlpTraces } from "../../../../../../lib/control/traces";
import { apiHandler, readBodyBytes } from "../../../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write" }, async ({ request, actor }) => {
  const body = await readBodyBytes(request, MAX_OTLP_BODY_BYTES, "export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)");
  const result = await ingestOtlpTraces(
    await getDb(),
    { body, contentType: request.headers.get("content-type"), contentEncoding: request.headers.get("content-encoding") },
    actor,
  );
  return new Response(result.response.body as BodyInit, { status: 200, headers: { "Content-Type": result.response.contentType } });
});
