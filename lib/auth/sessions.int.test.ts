import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { createSession, destroySession, getSessionActor } from "./sessions";
import { createUser, disableUser, setUserRole, type UserRecord } from "./users";

let t: TestDatabase;
let user: UserRecord;
let admin: UserRecord;
beforeAll(async () => {
  t = await createTestDatabase("auth_sessions");
  admin = await createUser(t.db, { email: "admin@example.com", password: "admin-password", role: "admin" });
  user = await createUser(t.db, { email: "Ops@Example.com", password: "ops-password", role: "operator" });
});
afterAll(async () => {
  await t?.drop();
});

const sessionCount = async (userId: string) => t.db.prisma.session.count({ where: { userId } });

describe("sessions", () => {
  it("gives every sign-in a new token and keeps the user's other sessions", async () => {
    const first = await createSession(t.db, user.id);
    const second = await createSession(t.db, user.id);
    expect(second.token).not.toBe(first.token);
    expect(await getSessionActor(t.db, first.token)).toEqual({ kind: "user", id: user.id, label: "ops@example.com", role: "operator" });
    expect(await getSessionActor(t.db, second.token)).not.toBeNull();
    const { rows } = await t.db.pool.query<{ row: string }>("SELECT row_to_json(s)::text AS row FROM sessions s");
    expect(rows.map((r) => r.row).join("\n")).not.toContain(first.token);
  });

  it("ends a session server-side at logout", async () => {
    const { token } = await createSession(t.db, user.id);
    await destroySession(t.db, token);
    expect(await getSessionActor(t.db, token)).toBeNull();
  });

  it("expires 12 hours after sign-in, deleting the row", async () => {
    const start = new Date();
    const { token, expiresAt } = await createSession(t.db, user.id, { now: start });
    expect(expiresAt.getTime() - start.getTime()).toBe(12 * 60 * 60 * 1000);
    const before = await sessionCount(user.id);
    // Kept alive by use every hour, it still ends at the absolute limit.
    for (let hour = 1; hour < 12; hour++) {
      expect(await getSessionActor(t.db, token, { now: new Date(start.getTime() + hour * 3_600_000) })).not.toBeNull();
    }
    expect(await getSessionActor(t.db, token, { now: expiresAt })).toBeNull();
    expect(await sessionCount(user.id)).toBe(before - 1);
  });

  it("expires after the idle limit without use", async () => {
    const start = new Date();
    const { token } = await createSession(t.db, user.id, { now: start });
    expect(await getSessionActor(t.db, token, { now: new Date(start.getTime() + 2 * 3_600_000 + 1), idleMs: 2 * 3_600_000 })).toBeNull();
  });

  it("applies role changes at once and ends sessions of disabled users", async () => {
    const { token } = await createSession(t.db, user.id);
    await setUserRole(t.db, user.id, "approver");
    expect((await getSessionActor(t.db, token))?.role).toBe("approver");
    await disableUser(t.db, user.id);
    expect(await getSessionActor(t.db, token)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  it("refuses to demote or disable the last enabled admin", async () => {
    await expect(setUserRole(t.db, admin.id, "viewer")).rejects.toMatchObject({ status: 409 });
    await expect(disableUser(t.db, admin.id)).rejects.toMatchObject({ status: 409 });
  });

  it("ignores unknown and oversized tokens", async () => {
    expect(await getSessionActor(t.db, "nope")).toBeNull();
    expect(await getSessionActor(t.db, "x".repeat(10_000))).toBeNull();
    await destroySession(t.db, "nope");
  });
});
