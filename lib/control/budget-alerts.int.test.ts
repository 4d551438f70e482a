/**
 * Budget alerts end to end against a loopback receiver (allowed explicitly past the SSRF guard):
 * a threshold crossing and a budget pause are each delivered exactly once, signed so that the
 * standardwebhooks library verifies them with the secret the admin was shown; a failed delivery is
 * retried, and an alert claimed by a worker that died is delivered by the next one.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverDueAlerts } from "../alerts/deliver";
import { claimDueAlerts } from "../alerts/outbox";
import { budgetLedgerId } from "../data/budget-ledger";
import { budgetPeriod } from "../data/budget-policy-store";
import type { RunStatus } from "../engine/types";
import { createInProcess, type InProcess } from "../testing/in-process";
import { systemActor } from "./authorize";
import { driveRun, fixedCostRuntime, llmCallsWorkflow } from "./budget-policies.testkit";
import type { Actor } from "./types";

const CALL_COST_USD = 0.01;
const fourCalls = llmCallsWorkflow("alerting", 4, { parallel: false });
const { runtime } = fixedCostRuntime(CALL_COST_USD);
const admin: Actor = { kind: "user", id: "usr_alert_admin", label: "admin@example.com", role: "admin" };

interface Received {
  headers: Record<string, string>;
  body: string;
}
let t: InProcess;
let receiver: Server;
let received: Received[] = [];
/** Status the receiver answers with next (then 204 again) */
let failNext = 0;
let secret: string;

const deliver = () => deliverDueAlerts(t.database.db.pool, { allowAddresses: ["127.0.0.1"] });

const drive = (runId: string): Promise<RunStatus> => driveRun(t.deps, runtime, runId);

/** What the receiver got, verified with the secret the admin was shown (throws on a bad signature). */
const verified = () =>
  received.map((delivery) => ({
    id: delivery.headers["webhook-id"],
    ...(new Webhook(secret).verify(delivery.body, delivery.headers) as { type: string; data: Record<string, unknown> }),
  }));

beforeAll(async () => {
  t = await createInProcess("budget_alerts", [fourCalls]);
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (failNext > 0) {
        failNext--;
        response.writeHead(503).end();
        return;
      }
      received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  const saved = await t.control.saveAlertEndpoint({ url: `http://127.0.0.1:${port}/hooks/budget?token=abc` }, admin);
  expect(saved.secret).toMatch(/^whsec_/);
  expect(saved.endpoint).toMatchObject({ urlOrigin: `http://127.0.0.1:${port}`, urlHasPath: true, enabled: true });
  secret = saved.secret!;
});
afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await t?.close();
});
beforeEach(() => {
  received = [];
});

describe("budget alerts", () => {
  it("deliver a threshold crossing exactly once, signed, however many calls pass it", async () => {
    await t.control.createBudgetPolicy({ scope: "workflow-day", workflow: "alerting", limitUsd: 10 * CALL_COST_USD, onExceed: "pause", alertThresholds: [0.5] }, admin);
    const runs = [];
    for (const label of ["a", "b"]) runs.push((await t.control.startRun({ workflow: "alerting", version: 1, input: { label } }, systemActor)).run.id);
    for (const runId of runs) expect(await drive(runId)).toBe("succeeded");
    // 8 of 10 calls spent: the 50% threshold was passed at the 5th call and stayed passed.
    expect(await deliver()).toBe(1);
    expect(await deliver()).toBe(0);
    const ledgerId = budgetLedgerId("workflow-day", "alerting", budgetPeriod("workflow-day", new Date()));
    const alerts = verified();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: "budget.threshold", data: { ledgerId, threshold: 0.5, limitUsd: 0.1, scope: "workflow-day" } });
    expect(alerts[0]!.data.spentUsd as number).toBeGreaterThanOrEqual(0.05);
    expect(received[0]!.headers["user-agent"]).toBe("waymark-alerts/1");
  });

  it("deliver a budget pause once, naming the run and the approval, and retry after the receiver fails", async () => {
    const { run } = await t.control.startRun({ workflow: "alerting", version: 1, input: { label: "paused" }, budget: { maxCostUsd: 2 * CALL_COST_USD } }, systemActor);
    expect(await drive(run.id)).toBe("waiting");
    const [approval] = await t.query<{ id: string }>("SELECT id FROM approvals WHERE run_id = $1 AND kind = 'budget'", [run.id]);

    failNext = 1;
    expect(await deliver()).toBe(0);
    expect(received).toHaveLength(0);
    const [queued] = await t.query<{ status: string; attempts: number; last_error: string }>("SELECT status, attempts, last_error FROM alert_outbox WHERE type = 'budget.paused'");
    expect(queued).toMatchObject({ status: "pending", attempts: 1 });
    expect(queued!.last_error).toContain("answered 503");
    expect(queued!.last_error).not.toContain("token=abc");

    // The backoff has passed.
    await t.query("UPDATE alert_outbox SET next_attempt_at = now() WHERE type = 'budget.paused'");
    expect(await deliver()).toBe(1);
    expect(await deliver()).toBe(0);
    const alerts = verified();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: "budget.paused",
      data: { runId: run.id, workflow: "alerting", approvalId: approval!.id, ledgerId: budgetLedgerId("run", run.id), scope: "run" },
    });
  });

  it("deliver an alert that a worker claimed and then died with, once its lease ends", async () => {
    await t.query(`INSERT INTO alert_outbox (id, dedupe_key, type, payload) VALUES ('alr_orphan', 'test:orphan', 'budget.threshold', '{"type":"budget.threshold","timestamp":"2026-11-23T00:00:00Z","data":{"ledgerId":"x"}}')`);
    // A worker claims it with a short lease and is killed before sending.
    expect(await claimDueAlerts(t.database.db.pool, { limit: 10, leaseMs: 200 })).toHaveLength(1);
    expect(await deliver()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deliver()).toBe(1);
    expect(verified()).toEqual([expect.objectContaining({ id: "alr_orphan", type: "budget.threshold" })]);
  });

  it("refuse an internal alert address unless it is allowed explicitly", async () => {
    await t.query(`INSERT INTO alert_outbox (id, dedupe_key, type, payload) VALUES ('alr_guarded', 'test:guarded', 'budget.threshold', '{"type":"budget.threshold","timestamp":"2026-11-23T00:00:00Z","data":{}}')`);
    expect(await deliverDueAlerts(t.database.db.pool)).toBe(0);
    const [row] = await t.query<{ status: string; last_error: string }>("SELECT status, last_error FROM alert_outbox WHERE id = 'alr_guarded'");
    expect(row).toMatchObject({ status: "pending" });
    expect(row!.last_error).toContain("internal address 127.0.0.1");
    expect(received).toHaveLength(0);
  });
});
