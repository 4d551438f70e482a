/** Zod schemas of the replay, bulk replay, compatibility and version endpoints of the HTTP API v1. */
import { z } from "zod";
import { MAX_BULK_LIMIT } from "../control/bulk-replay";

export const replayBody = z.strictObject({
  /** Id of the step to run again (steps before it are reused) */
  fromStep: z.string().min(1).max(200),
  /** Default: the source run's version */
  version: z.number().int().positive().optional(),
  /** Default: the source run's input; validated against the chosen version's schema by lib/control */
  input: z.unknown().optional(),
});

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const bulkReplayBody = z
  .strictObject({
    workflow: z.string().min(1).max(200),
    version: z.number().int().positive(),
    /** Runs created at or after this instant (ISO 8601) */
    createdAfter: instant.optional(),
    /** Runs created before this instant (ISO 8601) */
    createdBefore: instant.optional(),
    limit: z.number().int().min(1).max(MAX_BULK_LIMIT).optional(),
    /** Default: each run's own version */
    targetVersion: z.number().int().positive().optional(),
  })
  .refine((body) => !body.createdAfter || !body.createdBefore || body.createdAfter < body.createdBefore, {
    message: "createdAfter must be earlier than createdBefore",
    path: ["createdAfter"],
  });

export const compatQuery = z.object({
  workflow: z.string().min(1).max(200).optional(),
  version: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const versionsQuery = z.object({
  workflow: z.string().min(1).max(200).optional(),
});
