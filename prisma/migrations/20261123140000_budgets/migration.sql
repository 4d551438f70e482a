-- Budgets (issue 6): model prices with effective dates, and what each LLM call attempt was charged.
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

CREATE TABLE "model_prices" (
    "id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "aliases" JSONB NOT NULL DEFAULT '[]',
    "input_per_mtok" DECIMAL(14,6) NOT NULL,
    "output_per_mtok" DECIMAL(14,6) NOT NULL,
    "cached_input_per_mtok" DECIMAL(14,6),
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "model_prices_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "model_prices_model_effective_from_key" ON "model_prices"("model", "effective_from");

CREATE TABLE "llm_charges" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "step_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "model" TEXT,
    "price_id" TEXT,
    "input_per_mtok" DECIMAL(14,6),
    "output_per_mtok" DECIMAL(14,6),
    "price_effective_from" TIMESTAMPTZ(3),
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(14,6) NOT NULL,
    "charged_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "llm_charges_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "llm_charges_run_id_seq_attempt_key" ON "llm_charges"("run_id", "seq", "attempt");
CREATE INDEX "llm_charges_charged_at_idx" ON "llm_charges"("charged_at");
ALTER TABLE "llm_charges" ADD CONSTRAINT "llm_charges_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "budget_ledgers" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "limit_usd" DECIMAL(14,6),
    "limit_tokens" INTEGER,
    "spent_usd" DECIMAL(14,6) NOT NULL DEFAULT 0,
    "spent_tokens" INTEGER NOT NULL DEFAULT 0,
    "reserved_usd" DECIMAL(14,6) NOT NULL DEFAULT 0,
    "reserved_tokens" INTEGER NOT NULL DEFAULT 0,
    "on_exceed" TEXT NOT NULL DEFAULT 'pause',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "budget_ledgers_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "budget_reservations" (
    "id" TEXT NOT NULL,
    "ledger_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "step_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "estimate_usd" DECIMAL(14,6) NOT NULL,
    "estimate_tokens" INTEGER NOT NULL,
    "actual_usd" DECIMAL(14,6),
    "actual_tokens" INTEGER,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),
    CONSTRAINT "budget_reservations_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "budget_reservations_ledger_id_run_id_seq_attempt_key" ON "budget_reservations"("ledger_id", "run_id", "seq", "attempt");
CREATE INDEX "budget_reservations_run_id_idx" ON "budget_reservations"("run_id");
ALTER TABLE "budget_reservations" ADD CONSTRAINT "budget_reservations_ledger_id_fkey" FOREIGN KEY ("ledger_id") REFERENCES "budget_ledgers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The shipped list prices (lib/llm/prices.ts MODEL_PRICES), effective for all time until an admin adds a newer row.
INSERT INTO "model_prices" ("id", "model", "aliases", "input_per_mtok", "output_per_mtok", "effective_from", "created_by") VALUES
    ('price_seed_gpt-4o', 'gpt-4o', '[]', 2.5, 10, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gpt-4o-mini', 'gpt-4o-mini', '[]', 0.15, 0.6, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gpt-4.1', 'gpt-4.1', '[]', 2, 8, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gpt-4.1-mini', 'gpt-4.1-mini', '[]', 0.4, 1.6, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gpt-4.1-nano', 'gpt-4.1-nano', '[]', 0.1, 0.4, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_o4-mini', 'o4-mini', '[]', 1.1, 4.4, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_o3', 'o3', '[]', 2, 8, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_o3-mini', 'o3-mini', '[]', 1.1, 4.4, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-sonnet-4', 'claude-sonnet-4', '[]', 3, 15, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-3-7-sonnet', 'claude-3-7-sonnet', '[]', 3, 15, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-3-5-sonnet', 'claude-3-5-sonnet', '[]', 3, 15, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-3-5-haiku', 'claude-3-5-haiku', '[]', 0.8, 4, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-haiku-4-5', 'claude-haiku-4-5', '[]', 1, 5, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-opus-4', 'claude-opus-4', '[]', 15, 75, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_claude-opus-4-5', 'claude-opus-4-5', '[]', 5, 25, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gemini-2.5-pro', 'gemini-2.5-pro', '[]', 1.25, 10, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gemini-2.5-flash', 'gemini-2.5-flash', '[]', 0.3, 2.5, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_gemini-2.5-flash-lite', 'gemini-2.5-flash-lite', '[]', 0.1, 0.4, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_llama-3.1-8b', 'llama-3.1-8b', '["llama3.1:8b","llama3.1-8b"]', 0.05, 0.08, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_llama-3.1-70b', 'llama-3.1-70b', '["llama3.1:70b","llama3.1-70b"]', 0.59, 0.79, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_mistral-large', 'mistral-large', '[]', 2, 6, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_mistral-medium', 'mistral-medium', '[]', 0.4, 2, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_mistral-small', 'mistral-small', '[]', 0.1, 0.3, '2000-01-01T00:00:00Z', 'seed'),
    ('price_seed_mistral-7b', 'mistral-7b', '["mistral:7b","open-mistral-7b"]', 0.25, 0.25, '2000-01-01T00:00:00Z', 'seed');
