/**
 * A fresh, migrated database per test file, on the server of DATABASE_URL (default: local
 * Postgres), so test files run in parallel and leave nothing behind.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { loadConfig } from "../config/env";
import { createDb, type Db } from "../data/db";
import { maintenanceUrl, migrate } from "../data/migrate";
import "./encryption-keys";

export interface TestDatabase {
  /** Connection URL of the new database */
  url: string;
  db: Db;
  /** Closes the pool and drops the database (even if something else still holds a connection). */
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(serverUrl), application_name: "waymark-tests" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `wm_test_<label>_<random>`, applies the migrations and opens a Db on it. */
export async function createTestDatabase(label = "db"): Promise<TestDatabase> {
  const serverUrl = loadConfig().DATABASE_URL;
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, 30);
  const name = `wm_test_${safeLabel}_${randomBytes(5).toString("hex")}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await migrate(url.toString());
  } catch (error) {
    await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw error;
  }
  const db = createDb(url.toString(), { max: 10, applicationName: `waymark-test-${safeLabel}` });
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
