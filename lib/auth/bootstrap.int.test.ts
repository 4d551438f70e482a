import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { revokeApiKey, verifyApiKey } from "./api-keys";
import { DEFAULT_ADMIN_EMAIL, describeBootstrap, ensureBootstrapAdmin } from "./bootstrap";
import { signIn } from "./sign-in";

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase("auth_bootstrap");
});
afterEach(async () => {
  await t?.drop();
});

describe("bootstrap admin", () => {
  it("generates an admin key and an admin user once, and nothing on the next start", async () => {
    const first = await ensureBootstrapAdmin(t.db);
    expect(first.apiKey).toMatch(/^wm_/);
    expect(first.email).toBe(DEFAULT_ADMIN_EMAIL);
    expect(first.password).toHaveLength(24);
    expect(await verifyApiKey(t.db, first.apiKey!)).toMatchObject({ kind: "apikey", role: "admin" });
    const signedIn = await signIn(t.db, { email: first.email, password: first.password!, ip: null });
    expect(signedIn.user.role).toBe("admin");
    expect(describeBootstrap(first).join("\n")).toContain(first.apiKey!);

    const second = await ensureBootstrapAdmin(t.db);
    expect(second).toMatchObject({ email: DEFAULT_ADMIN_EMAIL, userCreated: false });
    expect(second.apiKey).toBeUndefined();
    expect(second.password).toBeUndefined();
    expect(await t.db.prisma.apiKey.count()).toBe(1);
    expect(await t.db.prisma.user.count()).toBe(1);
  });

  it("stores WAYMARK_ADMIN_API_KEY hashed, never returns it, and stays idempotent", async () => {
    const envKey = "my-admin-key-from-the-environment-0123";
    const options = { adminApiKey: envKey, adminEmail: "Root@Example.com", adminPassword: "root-password-1" };
    const first = await ensureBootstrapAdmin(t.db, options);
    expect(first).toMatchObject({ envApiKeyStored: true, email: "root@example.com", userCreated: true });
    expect(first.apiKey).toBeUndefined();
    expect(first.password).toBeUndefined();
    expect(describeBootstrap(first).join("\n")).not.toContain(envKey);
    expect(await verifyApiKey(t.db, envKey)).toMatchObject({ role: "admin" });
    expect((await signIn(t.db, { email: "root@example.com", password: "root-password-1", ip: null })).user.email).toBe("root@example.com");

    const second = await ensureBootstrapAdmin(t.db, options);
    expect(second).toMatchObject({ envApiKeyStored: false, userCreated: false });
    expect(await t.db.prisma.apiKey.count()).toBe(1);
    const { rows } = await t.db.pool.query<{ row: string }>("SELECT row_to_json(k)::text AS row FROM api_keys k");
    expect(rows[0].row).not.toContain(envKey);
  });

  it("does not revive an env key an admin revoked", async () => {
    const envKey = "revoked-admin-key-from-env-0123456789";
    await ensureBootstrapAdmin(t.db, { adminApiKey: envKey });
    const [record] = await t.db.prisma.apiKey.findMany();
    await revokeApiKey(t.db, record.id);
    const again = await ensureBootstrapAdmin(t.db, { adminApiKey: envKey });
    expect(again.envApiKeyRevoked).toBe(true);
    expect(await verifyApiKey(t.db, envKey)).toBeNull();
  });

  it("creates one key and one user when two processes start at once", async () => {
    const results = await Promise.all([ensureBootstrapAdmin(t.db), ensureBootstrapAdmin(t.db), ensureBootstrapAdmin(t.db)]);
    expect(results.filter((r) => r.apiKey).length).toBe(1);
    expect(results.filter((r) => r.userCreated).length).toBe(1);
    expect(await t.db.prisma.apiKey.count()).toBe(1);
    expect(await t.db.prisma.user.count()).toBe(1);
  });
});
