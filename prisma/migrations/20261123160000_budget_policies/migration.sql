-- Budgets (issue 6): workflow day/month and global daily budget policies, the thresholds a ledger
-- alerts at, the admin-set alert webhook, and the outbox its deliveries go through.
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

ALTER TABLE "budget_ledgers" ADD COLUMN "alert_thresholds" JSONB NOT NULL DEFAULT '[]';

CREATE TABLE "budget_policies" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "workflow_name" TEXT,
    "limit_usd" DECIMAL(14,6),
    "limit_tokens" INTEGER,
    "on_exceed" TEXT NOT NULL DEFAULT 'pause',
    "alert_thresholds" JSONB NOT NULL DEFAULT '[]',
    "created_by" TEXT NOT NULL,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "budget_policies_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "alert_endpoints" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret_sealed" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_endpoints_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "alert_outbox" (
    "id" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "alert_outbox_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alert_outbox_dedupe_key_key" ON "alert_outbox"("dedupe_key");
CREATE INDEX "alert_outbox_status_next_attempt_at_idx" ON "alert_outbox"("status", "next_attempt_at");
