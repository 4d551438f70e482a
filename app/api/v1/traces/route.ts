// GET /api/v1/traces — ?service=&model=&status=ok|error&limit=&cursor= → {traces, nextCursor, export}
// (`export`: exported and dropped spans per destination, over every worker).
import { getDb } from "../../../../lib/control";
import { findTraces, spanExportStats, traceSearchQuery } from "../../../../lib/control/traces";
import { apiHandler, json } from "../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", query: traceSearchQuery }, async ({ actor, query }) => {
  const db = await getDb();
  const [page, exportStats] = await Promise.all([findTraces(db, query, actor), spanExportStats(db, actor)]);
  return json({ traces: page.traces, nextCursor: page.nextCursor, export: exportStats });
});
