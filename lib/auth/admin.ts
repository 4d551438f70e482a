/**
 * Administration use cases for API keys and users, shared by the `/api/v1/admin/*` routes and the
 * console's admin page (server actions). Each checks the admin role itself and writes one audit row.
 */
import type { Actor, Role } from "../control/types";
import { forbidden } from "../errors/app-error";
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from "./api-keys";
import { writeAudit } from "./audit";
import type { AuthDb } from "./db";
import { actorRef, hasRole } from "./roles";
import { createUser, disableUser, enableUser, getUser, listUsers, setUserPassword, setUserRole, type UserRecord } from "./users";

function assertAdmin(actor: Actor) {
  if (!hasRole(actor, "admin")) {
    throw forbidden(`Managing API keys and users needs the "admin" role; "${actor.label}" has "${actor.role}".`);
  }
}

export async function adminListApiKeys(db: AuthDb, actor: Actor): Promise<ApiKeyRecord[]> {
  assertAdmin(actor);
  return listApiKeys(db);
}

/** Creates a key; `key` is the plaintext to show once. */
export async function adminCreateApiKey(
  db: AuthDb,
  actor: Actor,
  input: { name: string; role: Role },
): Promise<{ key: string; record: ApiKeyRecord }> {
  assertAdmin(actor);
  const created = await createApiKey(db, { ...input, createdBy: actorRef(actor) });
  await writeAudit(db, {
    actor: actorRef(actor),
    action: "api_key_create",
    target: `apikey:${created.record.id}`,
    data: { name: input.name, role: input.role, prefix: created.record.prefix },
  });
  return created;
}

export async function adminRevokeApiKey(db: AuthDb, actor: Actor, keyId: string): Promise<ApiKeyRecord> {
  assertAdmin(actor);
  const record = await revokeApiKey(db, keyId);
  await writeAudit(db, { actor: actorRef(actor), action: "api_key_revoke", target: `apikey:${keyId}`, data: { name: record.name } });
  return record;
}

export async function adminListUsers(db: AuthDb, actor: Actor): Promise<UserRecord[]> {
  assertAdmin(actor);
  return listUsers(db);
}

export async function adminCreateUser(
  db: AuthDb,
  actor: Actor,
  input: { email: string; password: string; role: Role; name?: string | null },
): Promise<UserRecord> {
  assertAdmin(actor);
  const user = await createUser(db, input);
  await writeAudit(db, { actor: actorRef(actor), action: "user_create", target: `user:${user.id}`, data: { email: user.email, role: user.role } });
  return user;
}

/**
 * Changes a user's role, enables/disables them and/or resets their password (which ends their
 * sessions); one audit row per change made.
 */
export async function adminUpdateUser(
  db: AuthDb,
  actor: Actor,
  userId: string,
  change: { role?: Role; disabled?: boolean; password?: string },
): Promise<UserRecord> {
  assertAdmin(actor);
  let user = await getUser(db, userId);
  if (change.disabled === true && actor.kind === "user" && actor.id === userId) {
    throw forbidden("You cannot disable your own account; ask another admin.");
  }
  if (change.role !== undefined && change.role !== user.role) {
    const from = user.role;
    user = await setUserRole(db, userId, change.role);
    await writeAudit(db, { actor: actorRef(actor), action: "user_role_change", target: `user:${userId}`, data: { email: user.email, from, to: user.role } });
  }
  if (change.disabled !== undefined && change.disabled !== (user.disabledAt !== null)) {
    user = change.disabled ? await disableUser(db, userId) : await enableUser(db, userId);
    await writeAudit(db, { actor: actorRef(actor), action: change.disabled ? "user_disable" : "user_enable", target: `user:${userId}`, data: { email: user.email } });
  }
  if (change.password !== undefined) {
    user = await setUserPassword(db, userId, change.password);
    await writeAudit(db, { actor: actorRef(actor), action: "user_password_reset", target: `user:${userId}`, data: { email: user.email } });
  }
  return user;
}
