// POST /api/v1/runs — start a run (201, or 200 with the same run when the Idempotency-Key repeats).
// GET /api/v1/runs — ?workflow=&status=&version=&search=&limit=&cursor= → {runs, nextCursor}.
import { getConfig } from "../../../../lib/config/env";
import { getControl, getDb } from "../../../../lib/control";
import { apiHandler, checkedId, json } from "../../../../lib/http";
import { idempotencyKeyFrom, runListQuery, startRunBody } from "../../../../lib/http/api-schemas";
import { consumeRunStartLimit } from "../../../../lib/security/rate-limit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "write", minRole: "operator", body: startRunBody }, async ({ request, actor, body }) => {
  const idempotencyKey = idempotencyKeyFrom(request.headers);
  checkedId(body.workflow, "workflow name", "workflow");
  await consumeRunStartLimit(await getDb(), actor, getConfig().WAYMARK_RATE_LIMIT_RUN_STARTS);
  const { run, created } = await (await getControl()).startRun({ ...body, idempotencyKey }, actor);
  return json({ run }, { status: created ? 201 : 200, headers: { Location: `/api/v1/runs/${encodeURIComponent(run.id)}` } });
});

export const GET = apiHandler({ auth: "read", query: runListQuery }, async ({ actor, query }) => {
  const page = await (await getControl()).listRuns(query, actor);
  return json({ runs: page.items, nextCursor: page.nextCursor });
});
