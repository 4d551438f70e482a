// GET /api/v1/admin/users — {users}. POST — {email, password, role, name?} → 201 {user}.
import { adminCreateUser, adminListUsers } from "../../../../../lib/auth/admin";
import { getDb } from "../../../../../lib/control";
import { apiHandler, json } from "../../../../../lib/http";
import { createUserBody } from "../../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = apiHandler({ auth: "read", minRole: "admin" }, async ({ actor }) => {
  return json({ users: await adminListUsers(await getDb(), actor) });
});

export const POST = apiHandler({ auth: "write", minRole: "admin", body: createUserBody }, async ({ actor, body }) => {
  return json({ user: await adminCreateUser(await getDb(), actor, body) }, 201);
});
