import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { sleep } from "../testing/runs";
import { withConnectionRetry } from "./db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("db_pool");
});
afterAll(async () => {
  await t?.drop();
});

/** Kills every server connection to the test database, from outside the pool (as an operator would). */
async function terminateBackends(): Promise<number> {
  const admin = new pg.Client({ connectionString: t.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

/** Opens `n` pooled connections at once so they sit idle in the pool afterwards. */
const warmPool = (n: number) => Promise.all(Array.from({ length: n }, () => t.db.pool.query("SELECT pg_sleep(0.01)")));

describe("the shared pool", () => {
  it("survives pg_terminate_backend of its idle connections, for raw SQL and for Prisma", async () => {
    await warmPool(4);
    await t.db.prisma.auditEntry.count();
    expect(await terminateBackends()).toBeGreaterThan(0);
    await sleep(100); // let the dead sockets report; the process must not crash on them
    expect((await t.db.pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    expect(await withConnectionRetry(() => t.db.prisma.auditEntry.count())).toBe(0);
  });

  it("retries an idempotent query once when its connection was just killed", async () => {
    await warmPool(4);
    await terminateBackends();
    // No pause: the pool may still hand out a connection whose backend is gone.
    const results = await Promise.all(
      Array.from({ length: 4 }, () => withConnectionRetry(() => t.db.pool.query("SELECT 2 AS two"))),
    );
    expect(results.map((r) => r.rows[0].two)).toEqual([2, 2, 2, 2]);
  });

  it("does not retry errors that are not about the connection", async () => {
    let calls = 0;
    await expect(
      withConnectionRetry(async () => {
        calls++;
        return t.db.pool.query("SELECT * FROM no_such_table");
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(calls).toBe(1);
  });
});
