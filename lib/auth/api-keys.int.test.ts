import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "./api-keys";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("auth_keys");
});
afterAll(async () => {
  await t?.drop();
});

describe("API keys", () => {
  it("creates a key shown once, stored only as a hash and an 8-character prefix", async () => {
    const { key, record } = await createApiKey(t.db, { name: "ci", role: "operator", createdBy: "user:u1" });
    expect(key).toMatch(/^wm_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ name: "ci", role: "operator", prefix: key.slice(0, 8), revokedAt: null, createdBy: "user:u1" });
    expect(record).not.toHaveProperty("keyHash");

    // Nothing in the table, in any column, contains the key or its secret part.
    const { rows } = await t.db.pool.query<{ row: string }>("SELECT row_to_json(k)::text AS row FROM api_keys k");
    const dump = rows.map((r) => r.row).join("\n");
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(3));
  });

  it("authenticates a valid key as an apikey actor with its role", async () => {
    const { key, record } = await createApiKey(t.db, { name: "reader", role: "viewer" });
    expect(await verifyApiKey(t.db, key)).toEqual({ kind: "apikey", id: record.id, label: "reader", role: "viewer" });
  });

  it("refuses unknown, malformed and empty keys", async () => {
    const { key } = await createApiKey(t.db, { name: "x", role: "viewer" });
    expect(await verifyApiKey(t.db, key + "x")).toBeNull();
    expect(await verifyApiKey(t.db, key.slice(0, -1))).toBeNull();
    expect(await verifyApiKey(t.db, "")).toBeNull();
    expect(await verifyApiKey(t.db, "wm_" + "a".repeat(5000))).toBeNull();
  });

  it("stops accepting a revoked key on its next request", async () => {
    const { key, record } = await createApiKey(t.db, { name: "to-revoke", role: "admin" });
    expect(await verifyApiKey(t.db, key)).not.toBeNull();
    const revoked = await revokeApiKey(t.db, record.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await verifyApiKey(t.db, key)).toBeNull();
    // Revoking twice keeps the first revocation time.
    expect((await revokeApiKey(t.db, record.id)).revokedAt).toBe(revoked.revokedAt);
  });

  it("answers 404 when revoking an unknown key", async () => {
    await expect(revokeApiKey(t.db, "key_missing")).rejects.toMatchObject({ status: 404, code: "not_found" });
  });

  it("records last use at most once a minute", async () => {
    const { key, record } = await createApiKey(t.db, { name: "usage", role: "viewer" });
    const first = new Date("2030-01-01T00:00:00Z");
    await verifyApiKey(t.db, key, first);
    await verifyApiKey(t.db, key, new Date(first.getTime() + 30_000));
    let listed = (await listApiKeys(t.db)).find((k) => k.id === record.id)!;
    expect(listed.lastUsedAt).toBe(first.toISOString());
    const later = new Date(first.getTime() + 61_000);
    await verifyApiKey(t.db, key, later);
    listed = (await listApiKeys(t.db)).find((k) => k.id === record.id)!;
    expect(listed.lastUsedAt).toBe(later.toISOString());
  });

  it("lists keys without secrets", async () => {
    const keys = await listApiKeys(t.db);
    expect(keys.length).toBeGreaterThan(3);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(["createdAt", "createdBy", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role"]);
  });
});
