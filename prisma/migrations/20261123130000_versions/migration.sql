-- Versions (issue 4): which worker serves which workflow versions, and the demo tools' failure flags.
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

CREATE TABLE "worker_presence" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "versions" JSONB NOT NULL,
    "refused" JSONB NOT NULL DEFAULT '[]',
    "heartbeat_ms" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMPTZ(3),
    CONSTRAINT "worker_presence_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "worker_presence_last_seen_at_idx" ON "worker_presence"("last_seen_at");

CREATE TABLE "demo_tool_flags" (
    "tool" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "demo_tool_flags_pkey" PRIMARY KEY ("tool")
);
