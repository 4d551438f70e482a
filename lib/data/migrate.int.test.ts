import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { loadConfig } from "../config/env";
import { describeConnectionError, ensureDatabase, maintenanceUrl, migrate } from "./migrate";

describe("ensureDatabase", () => {
  it("creates the database once, then finds it", async () => {
    const url = new URL(loadConfig().DATABASE_URL);
    url.pathname = `/wm_test_ensure_${randomBytes(4).toString("hex")}`;
    try {
      const results = await Promise.all([ensureDatabase(url.toString()), ensureDatabase(url.toString())]);
      expect(results.filter((r) => r.created).length).toBeLessThanOrEqual(1);
      expect(await ensureDatabase(url.toString())).toEqual({ created: false });
      expect((await migrate(url.toString())).applied.length).toBeGreaterThan(0);
    } finally {
      const admin = new pg.Client({ connectionString: maintenanceUrl(url.toString()) });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it("refuses a database name it cannot quote safely", async () => {
    await expect(ensureDatabase('postgresql://postgres@127.0.0.1:5432/bad"name')).rejects.toThrow(/is not supported/);
  });
});

describe("describeConnectionError", () => {
  it("names the unreachable server without its password and says what to do", async () => {
    const url = "postgresql://app:hunter2@127.0.0.1:1/waymark";
    const error = await migrate(url).catch((e: unknown) => e);
    const message = describeConnectionError(url, error);
    expect(message).toContain("postgresql://app:****@127.0.0.1:1/waymark");
    expect(message).not.toContain("hunter2");
    expect(message).toContain("docker compose up -d postgres redis");
    expect(message).toContain("ECONNREFUSED");
  });
});
