// GET /api/v1/usage?range=24h|from=&to=&bucket=&groupBy=workflow,version,model,day&workflow=&version=&model=&top=
// — {groupBy, window, rows, totals, series, topRuns, latency, errors, budgets}: LLM calls (failed
// attempts included), tokens and cost from what each call was charged, with latency and error rates.
import { getControl } from "../../../../lib/control";
import { apiHandler } from "../../../../lib/http";
import { usageRoutes } from "./handlers";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = usageRoutes(apiHandler, getControl).get;
