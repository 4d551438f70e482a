import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { checkLoginAllowed } from "./login-limiter";
import { getSessionActor } from "./sessions";
import { signIn, signOut } from "./sign-in";
import { createUser, disableUser } from "./users";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("auth_signin");
  await createUser(t.db, { email: "alice@example.com", password: "alice-password", role: "approver" });
  await createUser(t.db, { email: "bob@example.com", password: "bob-password", role: "viewer" });
  const carol = await createUser(t.db, { email: "carol@example.com", password: "carol-password", role: "viewer" });
  await createUser(t.db, { email: "admin@example.com", password: "admin-password", role: "admin" });
  await disableUser(t.db, carol.id);
});
afterAll(async () => {
  await t?.drop();
});

const audit = (action: string, target?: string) => t.db.prisma.auditEntry.count({ where: { action, ...(target ? { target } : {}) } });

describe("sign-in", () => {
  it("signs in with the right password (any email case) and audits it", async () => {
    const result = await signIn(t.db, { email: " Alice@Example.com ", password: "alice-password", ip: "10.0.0.1" });
    expect(result.user).toMatchObject({ email: "alice@example.com", role: "approver" });
    expect(await getSessionActor(t.db, result.token)).toMatchObject({ label: "alice@example.com" });
    expect(await audit("login", "email:alice@example.com")).toBe(1);

    await signOut(t.db, result.token, { ip: "10.0.0.1" });
    expect(await getSessionActor(t.db, result.token)).toBeNull();
    expect(await audit("logout", "email:alice@example.com")).toBe(1);
  });

  it("answers the same 401 for a wrong password, an unknown email and a disabled user", async () => {
    for (const attempt of [
      { email: "bob@example.com", password: "nope-nope" },
      { email: "nobody@example.com", password: "nope-nope" },
      { email: "carol@example.com", password: "carol-password" },
    ]) {
      await expect(signIn(t.db, { ...attempt, ip: "10.0.0.2" })).rejects.toMatchObject({
        status: 401,
        code: "unauthorized",
        message: "Wrong email or password.",
      });
    }
    expect(await audit("login_failed")).toBe(3);
  });

  it("locks an email after 5 failures, even for the right password, and not other emails", async () => {
    const email = "admin@example.com";
    for (let i = 0; i < 5; i++) {
      await expect(signIn(t.db, { email, password: `wrong-${i}`, ip: `10.1.0.${i}` })).rejects.toMatchObject({ status: 401 });
    }
    const locked = signIn(t.db, { email, password: "admin-password", ip: "10.1.0.99" });
    await expect(locked).rejects.toMatchObject({ status: 429, code: "rate_limited" });
    const error = await locked.catch((e) => e);
    expect(error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    // Refused attempts do not count as failures, so they cannot extend the lock.
    expect(await audit("login_failed", `email:${email}`)).toBe(5);
    // Other accounts are unaffected.
    expect((await signIn(t.db, { email: "bob@example.com", password: "bob-password", ip: "10.1.0.99" })).user.email).toBe("bob@example.com");
    // After the window the email may try again.
    const later = new Date(Date.now() + 15 * 60 * 1000 + 1000);
    expect(await checkLoginAllowed(t.db, { email, ip: null }, { now: later })).toEqual({ allowed: true });
  });

  it("locks an IP after 20 failures across emails", async () => {
    const ip = "192.0.2.7";
    for (let i = 0; i < 20; i++) {
      await expect(signIn(t.db, { email: `spray-${i}@example.com`, password: "guess-guess", ip })).rejects.toMatchObject({ status: 401 });
    }
    await expect(signIn(t.db, { email: "bob@example.com", password: "bob-password", ip })).rejects.toMatchObject({ status: 429 });
    expect((await signIn(t.db, { email: "bob@example.com", password: "bob-password", ip: "192.0.2.8" })).user.email).toBe("bob@example.com");
  });

  it("starts counting again after a successful sign-in", async () => {
    const email = "alice@example.com";
    for (let i = 0; i < 4; i++) await expect(signIn(t.db, { email, password: "bad-bad", ip: null })).rejects.toMatchObject({ status: 401 });
    await signIn(t.db, { email, password: "alice-password", ip: null });
    for (let i = 0; i < 4; i++) await expect(signIn(t.db, { email, password: "bad-bad", ip: null })).rejects.toMatchObject({ status: 401 });
    expect((await checkLoginAllowed(t.db, { email, ip: null })).allowed).toBe(true);
  });
});
