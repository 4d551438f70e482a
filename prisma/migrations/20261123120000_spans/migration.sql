-- Traces: the console's span store (spans of Waymark workers and of any app that exports OTLP to
-- the console) and the span export counters of worker processes. Kept in step with
-- prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

CREATE TABLE "spans" (
    "trace_id" TEXT NOT NULL,
    "span_id" TEXT NOT NULL,
    "parent_span_id" TEXT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "service_name" TEXT NOT NULL,
    "scope_name" TEXT,
    "scope_version" TEXT,
    "start_unix_nano" BIGINT NOT NULL,
    "end_unix_nano" BIGINT NOT NULL,
    "status_code" TEXT NOT NULL,
    "status_message" TEXT,
    "attributes" JSONB NOT NULL,
    "resource_attributes" JSONB NOT NULL,
    "events" JSONB NOT NULL,
    "links" JSONB NOT NULL,
    "run_id" TEXT,
    "gen_ai_operation" TEXT,
    "gen_ai_provider" TEXT,
    "gen_ai_request_model" TEXT,
    "gen_ai_response_model" TEXT,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "cost_usd" DECIMAL(14,6),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "spans_pkey" PRIMARY KEY ("trace_id","span_id")
);
CREATE INDEX "spans_run_id_idx" ON "spans"("run_id");
CREATE INDEX "spans_service_name_start_unix_nano_idx" ON "spans"("service_name", "start_unix_nano");
CREATE INDEX "spans_start_unix_nano_idx" ON "spans"("start_unix_nano");
CREATE INDEX "spans_gen_ai_request_model_idx" ON "spans"("gen_ai_request_model");

CREATE TABLE "span_export_stats" (
    "process_id" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "exported" BIGINT NOT NULL DEFAULT 0,
    "dropped" BIGINT NOT NULL DEFAULT 0,
    "dropped_queue_full" BIGINT NOT NULL DEFAULT 0,
    "failed_exports" BIGINT NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "span_export_stats_pkey" PRIMARY KEY ("process_id","destination")
);
