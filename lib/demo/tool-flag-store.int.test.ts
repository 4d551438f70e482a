/**
 * Demo tool flags in Postgres: a flag set from outside makes the flagged tool fail at its next call
 * (retryably, delivering nothing); clearing it lets the same call go through exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { createSink } from "./sink";
import { isDemoToolFailing, setDemoToolFailing, withDemoToolFlags } from "./tool-flag-store";
import { configureDemoTools, resetDemoTools, sendEmail } from "./tools";

describe("demo_tool_flags", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("tool_flags");
    configureDemoTools({ sink: withDemoToolFlags(createSink(database.db.pool), database.db.pool) });
  });
  afterAll(async () => {
    resetDemoTools();
    await database?.drop();
  });

  it("fails the flagged tool at call time until the flag is cleared; other tools keep working", async () => {
    const email = { to: "ops@example.com", subject: "Quote", body: "Dear Acme" };
    await setDemoToolFailing(database.db.pool, "sendEmail", true);
    expect(await isDemoToolFailing(database.db.pool, "sendEmail")).toBe(true);
    await expect(sendEmail(email, "run-1:send-email")).rejects.toMatchObject({
      name: "DemoToolError",
      fatal: false,
      message: expect.stringContaining("DELETE FROM demo_tool_flags WHERE tool = 'sendEmail'"),
    });
    const { rows: none } = await database.db.pool.query("SELECT * FROM sink_effects");
    expect(none).toEqual([]);

    await setDemoToolFailing(database.db.pool, "sendEmail", false);
    expect(await sendEmail(email, "run-1:send-email")).toMatchObject({ applied: true, deliveries: 1 });
  });
});
