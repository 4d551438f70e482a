-- Encryption at rest (issue 7, S22): run inputs are sealed, so the runs list can no longer search
-- them with ILIKE. This column holds keyed hashes (HMAC) of the input's words, a blind index the
-- search matches whole words against without the database ever seeing them.
-- Kept in step with prisma/schema.prisma (lib/data/schema-sync.int.test.ts).

ALTER TABLE "runs" ADD COLUMN "input_search" JSONB;
