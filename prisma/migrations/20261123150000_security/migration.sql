-- Security (issue 7): per-workflow Standard Webhooks secrets (current + previous for rotation).
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

CREATE TABLE "webhook_secrets" (
    "workflow_name" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_secrets_pkey" PRIMARY KEY ("workflow_name")
);

-- Fixed-window rate limit counters shared by every web process.
CREATE TABLE "rate_limit_windows" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "rate_limit_windows_pkey" PRIMARY KEY ("key","window_start")
);
CREATE INDEX "rate_limit_windows_window_start_idx" ON "rate_limit_windows"("window_start");

-- Per-workflow security options (e.g. the requester may not approve their own run).
CREATE TABLE "workflow_policies" (
    "workflow_name" TEXT NOT NULL,
    "forbid_self_approval" BOOLEAN NOT NULL DEFAULT false,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "workflow_policies_pkey" PRIMARY KEY ("workflow_name")
);
