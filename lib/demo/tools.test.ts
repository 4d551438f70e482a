import { beforeEach, describe, expect, it } from "vitest";
import { createMemorySink, type Sink } from "./sink";
import {
  configureDemoTools,
  DemoToolError,
  fetchCarrierRates,
  fetchSource,
  getDemoTools,
  lookupCapacity,
  notifyCustomer,
  publishReport,
  resetDemoTools,
  routeTicket,
  searchWeb,
  sendEmail,
  setDemoToolFlag,
} from "./tools";

let sink: Sink;
beforeEach(() => {
  sink = createMemorySink();
  configureDemoTools({ sink });
});

describe("freight tools", () => {
  it("quote the same rates for the same lane, and different rates for another", async () => {
    const rates = await fetchCarrierRates("Rotterdam → Chicago");
    expect(rates.map((r) => r.carrier)).toEqual(["Northwind Ocean", "Blue Anchor Intermodal", "Skyline Air Cargo"]);
    expect(await fetchCarrierRates("  rotterdam → chicago ")).toEqual(rates);
    expect(await fetchCarrierRates("Hamburg → Atlanta")).not.toEqual(rates);
    for (const rate of rates) {
      expect(rate.baseUsd).toBeGreaterThan(0);
      expect(rate.perKgUsd).toBeGreaterThan(0);
      expect(rate.transitDays).toBeGreaterThan(0);
    }
  });

  it("say whether the weight fits each carrier's capacity", async () => {
    const small = await lookupCapacity("Rotterdam → Chicago", 100);
    expect(small.every((c) => c.fits)).toBe(true);
    const huge = await lookupCapacity("Rotterdam → Chicago", 1_000_000);
    expect(huge.some((c) => c.fits)).toBe(false);
  });
});

describe("effects", () => {
  it("send an email once per idempotency key and count every delivery", async () => {
    const email = { to: "ops@acme.example", subject: "Quote", body: "Dear Acme" };
    const first = await sendEmail(email, "run-1:send-email");
    const again = await sendEmail(email, "run-1:send-email");
    expect(first).toMatchObject({ applied: true, deliveries: 1 });
    expect(again).toMatchObject({ applied: false, deliveries: 2, messageId: first.messageId });
    expect(await sink.count({ channel: "email" })).toBe(1);
    expect((await sink.list())[0]).toMatchObject({ idempotencyKey: "run-1:send-email", channel: "email", payload: email, deliveries: 2 });
  });

  it("publish reports, route tickets and notify customers into their channels", async () => {
    const report = await publishReport({ title: "Grid batteries: a brief", body: "…" }, "run-2:publish");
    expect(report.url).toMatch(/^https:\/\/reports\.example\.com\/grid-batteries-a-brief-[0-9a-f]{8}$/);
    await routeTicket("T-1", "engineering", "run-3:route-ticket");
    await notifyCustomer({ ticketId: "T-2", customer: "jane@example.com", message: "Hi" }, "run-4:notify-customer");
    expect(await sink.count({ channel: "publish" })).toBe(1);
    expect(await sink.count({ channel: "ticket-route" })).toBe(1);
    expect(await sink.count({ channel: "notify" })).toBe(1);
    expect(await sink.count({ keyPrefix: "run-3:" })).toBe(1);
  });

  it("refuse to run without a configured sink rather than drop the effect", async () => {
    resetDemoTools();
    await expect(sendEmail({ to: "a@b.c", subject: "s", body: "b" }, "k")).rejects.toThrow(/configureDemoTools/);
  });
});

describe("research tools", () => {
  it("find and fetch canned documents without a network", async () => {
    const results = await searchWeb("durable execution workflows");
    expect(results).toHaveLength(3);
    expect(results[0].url).toBe("https://research.example.org/durable-execution-primer");
    const page = await fetchSource(results[0].url);
    expect(page.text).toContain("journal");
    await expect(fetchSource("https://unknown.example.com/")).rejects.toMatchObject({ fatal: true });
  });
});

describe("failure flag, latency and abort", () => {
  it("makes the named tool fail with a retryable error until cleared", async () => {
    setDemoToolFlag("failTool", "sendEmail");
    const error = await sendEmail({ to: "a@b.c", subject: "s", body: "b" }, "run-5:send-email").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoToolError);
    expect(error).toMatchObject({ tool: "sendEmail", retryable: true, fatal: false });
    expect(await sink.count()).toBe(0);
    expect((await fetchCarrierRates("A → B")).length).toBe(3); // other tools unaffected
    setDemoToolFlag("failTool", undefined);
    expect((await sendEmail({ to: "a@b.c", subject: "s", body: "b" }, "run-5:send-email")).applied).toBe(true);
  });

  it("stops waiting when the step's signal aborts", async () => {
    configureDemoTools({ sink, toolLatencyMs: 10_000 });
    const controller = new AbortController();
    const pending = fetchCarrierRates("A → B", { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("exposes every tool through getDemoTools", () => {
    expect(Object.keys(getDemoTools()).sort()).toEqual(
      ["fetchCarrierRates", "fetchSource", "lookupCapacity", "notifyCustomer", "publishReport", "routeTicket", "searchWeb", "sendEmail"].sort(),
    );
  });
});
