/**
 * GET /api/v1/usage, built from an `apiHandler` and a Control so tests can drive it with their own
 * (route.ts binds it to the process's). The query is zod-validated: a bad one is a 400 naming the
 * parameter; rules across parameters (from before to, not both range and from) live in lib/control.
 */
import { z } from "zod";
import type { Control } from "../../../../lib/control/types";
import { USAGE_GROUPS } from "../../../../lib/data/usage-queries";
import { USAGE_BUCKETS, USAGE_RANGE_PRESET_KEYS } from "../../../../lib/data/usage-range";
import { commaList } from "../../../../lib/http/params";
import { json, type createApiHandler } from "../../../../lib/http/api-handler";

type ApiHandler = ReturnType<typeof createApiHandler>;

const isoTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: "must be an ISO 8601 date or time, e.g. 2026-11-23 or 2026-11-23T10:00:00Z",
  })
  .transform((value) => new Date(value));

/** `groupBy=workflow,version,model,day`, `range=24h` or `from`/`to`, `bucket`, filters `workflow`, `version`, `model`, `top`. */
export const usageQuery = z.strictObject({
  groupBy: commaList(z.enum(USAGE_GROUPS)).optional(),
  range: z.enum(USAGE_RANGE_PRESET_KEYS).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  bucket: z.enum(USAGE_BUCKETS).optional(),
  workflow: z.string().min(1).max(200).optional(),
  version: z.coerce.number().int().positive().optional(),
  model: z.string().min(1).max(200).optional(),
  top: z.coerce.number().int().min(1).max(100).optional(),
});

export function usageRoutes(apiHandler: ApiHandler, control: () => Promise<Control>) {
  return {
    get: apiHandler({ auth: "read", query: usageQuery }, async ({ actor, query }) => json(await (await control()).getUsage(query, actor))),
  };
}
