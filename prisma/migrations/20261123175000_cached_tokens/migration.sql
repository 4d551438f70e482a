-- Cached input tokens (issue 6): each LLM call attempt records how many of its input tokens were
-- read from the provider's prompt cache and the cached-input price it was charged (a snapshot, null
-- when the model had none and they cost the input price); the shipped list prices get their
-- cached-input prices (lib/llm/prices.ts MODEL_PRICES).
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

ALTER TABLE "llm_charges" ADD COLUMN "cached_input_tokens" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "llm_charges" ADD COLUMN "cached_input_per_mtok" DECIMAL(14,6);

-- Only the seed rows, and only where nobody has set a cached price yet.
UPDATE "model_prices" AS p SET "cached_input_per_mtok" = v.cached
FROM (VALUES
    ('gpt-4o', 1.25),
    ('gpt-4o-mini', 0.075),
    ('gpt-4.1', 0.5),
    ('gpt-4.1-mini', 0.1),
    ('gpt-4.1-nano', 0.025),
    ('o4-mini', 0.275),
    ('o3', 0.5),
    ('o3-mini', 0.55),
    ('claude-sonnet-4', 0.3),
    ('claude-3-7-sonnet', 0.3),
    ('claude-3-5-sonnet', 0.3),
    ('claude-3-5-haiku', 0.08),
    ('claude-haiku-4-5', 0.1),
    ('claude-opus-4', 1.5),
    ('claude-opus-4-5', 0.5),
    ('gemini-2.5-pro', 0.125),
    ('gemini-2.5-flash', 0.03),
    ('gemini-2.5-flash-lite', 0.01)
) AS v(model, cached)
WHERE p."id" = 'price_seed_' || v.model AND p."created_by" = 'seed' AND p."cached_input_per_mtok" IS NULL;
