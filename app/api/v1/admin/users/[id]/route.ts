// PATCH /api/v1/admin/users/{id} — {role?, disabled?, password?} → {user}; disabling or a new password ends the user's sessions.
import { adminUpdateUser } from "../../../../../../lib/auth/admin";
import { getDb } from "../../../../../../lib/control";
import { apiHandler, json, pathId } from "../../../../../../lib/http";
import { updateUserBody } from "../../../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const PATCH = apiHandler({ auth: "write", minRole: "admin", body: updateUserBody }, async ({ actor, params, body }) => {
  return json({ user: await adminUpdateUser(await getDb(), actor, pathId(params.id, "User"), body) });
});
