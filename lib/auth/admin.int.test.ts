import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../control/types";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { adminCreateApiKey, adminCreateUser, adminListApiKeys, adminRevokeApiKey, adminUpdateUser } from "./admin";
import { verifyApiKey } from "./api-keys";
import { getSessionActor } from "./sessions";
import { signIn } from "./sign-in";
import { createUser } from "./users";

let t: TestDatabase;
let admin: Actor;
const operator: Actor = { kind: "apikey", id: "key_op", label: "ops key", role: "operator" };
beforeAll(async () => {
  t = await createTestDatabase("auth_admin");
  const user = await createUser(t.db, { email: "admin@example.com", password: "admin-password", role: "admin" });
  admin = { kind: "user", id: user.id, label: user.email, role: "admin" };
});
afterAll(async () => {
  await t?.drop();
});

const auditRows = () => t.db.prisma.auditEntry.findMany({ orderBy: { id: "asc" } });

describe("administration", () => {
  it("refuses non-admins with 403 and writes nothing", async () => {
    await expect(adminListApiKeys(t.db, operator)).rejects.toMatchObject({ status: 403 });
    await expect(adminCreateApiKey(t.db, operator, { name: "x", role: "admin" })).rejects.toMatchObject({ status: 403 });
    expect(await t.db.prisma.apiKey.count()).toBe(0);
    expect(await auditRows()).toHaveLength(0);
  });

  it("audits key creation and revocation once each, without the key", async () => {
    const { key, record } = await adminCreateApiKey(t.db, admin, { name: "deploy bot", role: "operator" });
    expect(record.createdBy).toBe(`user:${admin.id}`);
    await adminRevokeApiKey(t.db, admin, record.id);
    expect(await verifyApiKey(t.db, key)).toBeNull();
    const rows = await auditRows();
    expect(rows.map((r) => [r.actor, r.action, r.target])).toEqual([
      [`user:${admin.id}`, "api_key_create", `apikey:${record.id}`],
      [`user:${admin.id}`, "api_key_revoke", `apikey:${record.id}`],
    ]);
    expect(JSON.stringify(rows.map((r) => r.data))).not.toContain(key.slice(8));
  });

  it("changes roles and disables users with one audit row per change", async () => {
    const user = await adminCreateUser(t.db, admin, { email: "new@example.com", password: "new-password", role: "viewer" });
    const updated = await adminUpdateUser(t.db, admin, user.id, { role: "approver", disabled: true });
    expect(updated).toMatchObject({ role: "approver" });
    expect(updated.disabledAt).not.toBeNull();
    const actions = (await auditRows()).map((r) => r.action);
    expect(actions.slice(-3)).toEqual(["user_create", "user_role_change", "user_disable"]);
    expect(JSON.stringify((await auditRows()).map((r) => r.data))).not.toContain("new-password");
  });

  it("resets a password: the old one stops working and the user's sessions end", async () => {
    const user = await adminCreateUser(t.db, admin, { email: "reset@example.com", password: "old-password", role: "viewer" });
    const session = await signIn(t.db, { email: "reset@example.com", password: "old-password", ip: null });
    await adminUpdateUser(t.db, admin, user.id, { password: "new-password-2" });
    expect(await getSessionActor(t.db, session.token)).toBeNull();
    await expect(signIn(t.db, { email: "reset@example.com", password: "old-password", ip: null })).rejects.toMatchObject({ status: 401 });
    expect((await signIn(t.db, { email: "reset@example.com", password: "new-password-2", ip: null })).user.email).toBe("reset@example.com");
    expect((await auditRows()).filter((r) => r.action === "user_password_reset")).toHaveLength(1);
  });

  it("refuses to let an admin disable themselves", async () => {
    await expect(adminUpdateUser(t.db, admin, admin.id, { disabled: true })).rejects.toMatchObject({ status: 403 });
  });

  it("answers 409 for a duplicate email and 404 for an unknown user", async () => {
    await expect(adminCreateUser(t.db, admin, { email: "NEW@example.com", password: "other-password", role: "viewer" })).rejects.toMatchObject({ status: 409 });
    await expect(adminUpdateUser(t.db, admin, "usr_missing", { role: "viewer" })).rejects.toMatchObject({ status: 404 });
  });
});
