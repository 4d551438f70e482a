// GET /api/v1/audit — ?action=&limit=&cursor= → {entries, nextCursor} (admin): the append-only audit log, newest
// first. The log cannot be changed through the API: POST, PUT, PATCH and DELETE answer 405.
import { getDb } from "../../../../lib/control";
import { listAuditEntries } from "../../../../lib/data/console-queries";
import { apiHandler, json, methodNotAllowed } from "../../../../lib/http";
import { auditListQuery } from "../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", minRole: "admin", query: auditListQuery }, async ({ query }) => {
  const page = await listAuditEntries(await getDb(), query);
  return json({ entries: page.items, nextCursor: page.nextCursor });
});

const readOnly = methodNotAllowed(["GET"]);
export const POST = readOnly;
export const PUT = readOnly;
export const PATCH = readOnly;
export const DELETE = readOnly;
