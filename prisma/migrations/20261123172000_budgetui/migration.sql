-- The vendor that sets a model's list price (shown in Admin › Prices). Seed rows get theirs here.
ALTER TABLE "model_prices" ADD COLUMN "provider" TEXT;

UPDATE "model_prices" SET "provider" = CASE
    WHEN "model" LIKE 'gpt-%' OR "model" ~ '^o[0-9]' THEN 'openai'
    WHEN "model" LIKE 'claude-%' THEN 'anthropic'
    WHEN "model" LIKE 'gemini-%' THEN 'google'
    WHEN "model" LIKE 'llama-%' THEN 'meta'
    WHEN "model" LIKE 'mistral-%' THEN 'mistral'
END
WHERE "provider" IS NULL;
