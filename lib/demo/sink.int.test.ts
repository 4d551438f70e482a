/** The side-effect sink against a real Postgres database of its own. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { createSink, type Sink } from "./sink";

describe("sink_effects", () => {
  let database: TestDatabase;
  let sink: Sink;
  beforeAll(async () => {
    database = await createTestDatabase("sink");
    sink = createSink(database.db.pool);
  });
  afterAll(() => database?.drop());

  it("applies an effect once per key and counts every delivery", async () => {
    const email = { to: "ops@acme.example", subject: "Quote", body: "Dear Acme" };
    expect(await sink.deliver({ idempotencyKey: "run-1:send-email", channel: "email", payload: email })).toEqual({ applied: true, deliveries: 1 });
    expect(await sink.deliver({ idempotencyKey: "run-1:send-email", channel: "email", payload: email })).toEqual({ applied: false, deliveries: 2 });

    expect(await sink.count()).toBe(1);
    const [effect] = await sink.list();
    expect(effect).toMatchObject({ idempotencyKey: "run-1:send-email", channel: "email", payload: email, deliveries: 2 });
    expect(effect.lastAt.getTime()).toBeGreaterThanOrEqual(effect.firstAt.getTime());
    // What a person sees with psql:
    const { rows } = await database.db.pool.query("SELECT deliveries FROM sink_effects WHERE idempotency_key = 'run-1:send-email'");
    expect(rows).toEqual([{ deliveries: 2 }]);
  });

  it("applies concurrent deliveries of one key exactly once", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => sink.deliver({ idempotencyKey: "run-2:publish", channel: "publish", payload: { title: "Brief" } })),
    );
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(results.map((r) => r.deliveries).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("filters by channel and by key prefix", async () => {
    await sink.deliver({ idempotencyKey: "run-3:route-ticket", channel: "ticket-route", payload: { ticketId: "T-1", queue: "engineering" } });
    await sink.deliver({ idempotencyKey: "run-30:route-ticket", channel: "ticket-route", payload: { ticketId: "T-2", queue: "billing" } });
    expect(await sink.count({ channel: "ticket-route" })).toBe(2);
    expect(await sink.count({ keyPrefix: "run-3:" })).toBe(1);
    expect(await sink.count({ channel: "email", keyPrefix: "run-3:" })).toBe(0);
    expect((await sink.list({ keyPrefix: "run-3:" }))[0].payload).toEqual({ ticketId: "T-1", queue: "engineering" });
  });
});
