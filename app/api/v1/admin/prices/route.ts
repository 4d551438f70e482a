// GET /api/v1/admin/prices — {asOf, models: [{model, provider, aliases, current, scheduled, history}]} (viewer).
// POST — {model, provider?, inputPerMTok, outputPerMTok, cachedInputPerMTok?, aliases?, effectiveFrom?} → 201 {model}
// (admin; USD per million tokens; effectiveFrom defaults to now and may not be in the past).
import { getControl } from "../../../../../lib/control";
import { apiHandler } from "../../../../../lib/http";
import { priceRoutes } from "./handlers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const routes = priceRoutes(apiHandler, getControl);
export const GET = routes.list;
export const POST = routes.add;
