/**
 * Budget reservations in Postgres: 20 parallel reservations against a limit that fits 5 grant
 * exactly 5 and never pass the limit; settlement moves reserved to spent; a raise lets the rest
 * through; a re-reservation after a crash gets its first reservation back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { budgetLedgerId, getBudget, openBudget, raiseBudget, reserveBudget, settleBudget, type BudgetScope, type LedgerSpec } from "./budget-ledger";
import { createRunId } from "./ids";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("budget_ledger");
});
afterAll(async () => {
  await t?.drop();
});

/** An open ledger, named by id (its limits were set when it was opened). */
const opened = (...ids: string[]): LedgerSpec[] => ids.map((id) => ({ id, scope: id.split(":")[0] as BudgetScope, limits: {} }));

/** Run ids are only recorded on reservations, not referenced. */
const reserveAll = (ledgerId: string | LedgerSpec[], runId: string, seqs: number[], estimateUsd = 0.01) =>
  Promise.all(
    seqs.map((seq) =>
      reserveBudget(t.db, { ledgers: typeof ledgerId === "string" ? opened(ledgerId) : ledgerId, runId, seq, stepId: `call-${seq}`, attempt: 1, estimateUsd, estimateTokens: 100 }),
    ),
  );

describe("budget ledger", () => {
  it("grants exactly what fits to 20 parallel reservations, never more, and a raise lets the rest through", async () => {
    const runId = createRunId();
    const ledgerId = budgetLedgerId("run", runId);
    await openBudget(t.db, ledgerId, "run", { limitUsd: 0.05, onExceed: "pause" });

    const first = await reserveAll(ledgerId, runId, Array.from({ length: 20 }, (_, i) => i));
    const granted = first.filter((result) => result.ok);
    expect(granted).toHaveLength(5);
    const refused = first.find((result) => !result.ok);
    expect(refused).toMatchObject({ ok: false, account: { limitUsd: 0.05, reservedUsd: 0.05, spentUsd: 0, onExceed: "pause" } });

    // Each call cost less than its estimate: spent holds the real cost, nothing stays reserved.
    await Promise.all(granted.map((result) => result.ok && settleBudget(t.db, result.reservationId, { costUsd: 0.008, tokens: 80 })));
    expect(await getBudget(t.db, ledgerId)).toMatchObject({ spentUsd: 0.04, spentTokens: 400, reservedUsd: 0, reservedTokens: 0 });

    // Settling again changes nothing.
    await settleBudget(t.db, granted[0]!.ok ? granted[0]!.reservationId : "", { costUsd: 1, tokens: 1 });
    expect(await getBudget(t.db, ledgerId)).toMatchObject({ spentUsd: 0.04, reservedUsd: 0 });

    // An approver raises the limit by 0.15: the 15 refused calls fit now, and nothing beyond.
    const refusedSeqs = first.flatMap((result, seq) => (result.ok ? [] : [seq]));
    await raiseBudget(t.db, ledgerId, { usd: 0.15 });
    const second = await reserveAll(ledgerId, runId, refusedSeqs);
    expect(second.filter((result) => result.ok)).toHaveLength(15);
    const account = (await getBudget(t.db, ledgerId))!;
    expect(account.spentUsd + account.reservedUsd).toBeLessThanOrEqual(account.limitUsd!);
  });

  it("holds a token limit too, and gives a repeated reservation of the same attempt its first one back", async () => {
    const runId = createRunId();
    const ledgerId = budgetLedgerId("workflow-day", "summarise", "2026-11-23");
    await openBudget(t.db, ledgerId, "workflow-day", { limitTokens: 250, onExceed: "fail" });
    const request = { ledgers: opened(ledgerId), runId, seq: 0, stepId: "call-0", attempt: 1, estimateUsd: 0, estimateTokens: 100 };
    const once = await reserveBudget(t.db, request);
    const again = await reserveBudget(t.db, request);
    expect(once).toEqual(again);
    const more = await reserveAll(ledgerId, runId, [1, 2, 3]);
    expect(more.filter((result) => result.ok)).toHaveLength(1);
    expect(more.find((result) => !result.ok)).toMatchObject({ account: { limitTokens: 250, reservedTokens: 200, onExceed: "fail" } });
  });

  it("reserves again for an attempt whose reservation was settled (an interrupted call runs again)", async () => {
    const runId = createRunId();
    const ledgerId = budgetLedgerId("run", runId);
    await openBudget(t.db, ledgerId, "run", { limitUsd: 0.03 });
    const request = { ledgers: opened(ledgerId), runId, seq: 0, stepId: "call-0", attempt: 1, estimateUsd: 0.01, estimateTokens: 10 };
    const first = await reserveBudget(t.db, request);
    expect(first.ok).toBe(true);
    await settleBudget(t.db, first.ok ? first.reservationId : "", { costUsd: 0.01, tokens: 10 });
    const again = await reserveBudget(t.db, request);
    expect(again).toEqual(first);
    expect(await getBudget(t.db, ledgerId)).toMatchObject({ spentUsd: 0.01, reservedUsd: 0.01 });
  });

  it("keeps limits an approver raised when the budget is opened again", async () => {
    const ledgerId = budgetLedgerId("global-day", "2026-11-23");
    await openBudget(t.db, ledgerId, "global-day", { limitUsd: 1 });
    await raiseBudget(t.db, ledgerId, { usd: 2 });
    expect(await openBudget(t.db, ledgerId, "global-day", { limitUsd: 1 })).toMatchObject({ limitUsd: 3 });
  });

  it("charges every ledger of a call or none: two runs' calls share a day ledger that fits 3 and their own run ledgers", async () => {
    const day = budgetLedgerId("workflow-day", "shared", "2026-11-24");
    const runs = [createRunId(), createRunId()];
    const ledgersOf = (runId: string): LedgerSpec[] => [
      { id: budgetLedgerId("run", runId), scope: "run", limits: { limitUsd: 1 } },
      { id: day, scope: "workflow-day", limits: { limitUsd: 0.03, onExceed: "fail" } },
    ];
    const results = (await Promise.all(runs.map((runId) => reserveAll(ledgersOf(runId), runId, [0, 1, 2, 3, 4])))).flat();
    expect(results.filter((result) => result.ok)).toHaveLength(3);
    for (const refused of results.filter((result) => !result.ok)) {
      expect(refused).toMatchObject({ account: { id: day, limitUsd: 0.03, reservedUsd: 0.03, onExceed: "fail" } });
    }
    // No refused call holds anything on its run ledger: the runs' reservations add up to the day's.
    const runReserved = await Promise.all(runs.map(async (runId) => (await getBudget(t.db, budgetLedgerId("run", runId)))!.reservedUsd));
    expect(runReserved[0]! + runReserved[1]!).toBeCloseTo(0.03, 6);
    // Settling one call settles it on both ledgers.
    const granted = results.find((result) => result.ok)!;
    await settleBudget(t.db, granted.ok ? granted.reservationId : "", { costUsd: 0.005, tokens: 50 });
    expect(await getBudget(t.db, day)).toMatchObject({ spentUsd: 0.005, reservedUsd: 0.02 });
    const spentOnRuns = await Promise.all(runs.map(async (runId) => (await getBudget(t.db, budgetLedgerId("run", runId)))!.spentUsd));
    expect(spentOnRuns.sort()).toEqual([0, 0.005]);
  });

  it("queues one alert per ledger and threshold, however many calls settle past it", async () => {
    await t.db.pool.query(`INSERT INTO alert_endpoints (id, url, secret_sealed, updated_by) VALUES ('budget', 'http://127.0.0.1:9/', 'whsec_x', 'test')`);
    const runId = createRunId();
    const ledger = budgetLedgerId("global-day", "2026-11-25");
    const spec: LedgerSpec[] = [{ id: ledger, scope: "global-day", limits: { limitUsd: 0.1, alertThresholds: [0.5, 0.9] } }];
    const granted = await reserveAll(spec, runId, [0, 1, 2, 3, 4, 5, 6], 0.01);
    await Promise.all(granted.map((result) => result.ok && settleBudget(t.db, result.reservationId, { costUsd: 0.01, tokens: 10 })));
    const alerts = await t.db.pool.query<{ dedupe_key: string; type: string }>(`SELECT dedupe_key, type FROM alert_outbox WHERE dedupe_key LIKE $1`, [`%${ledger}%`]);
    expect(alerts.rows).toEqual([{ dedupe_key: `threshold:${ledger}:0.5`, type: "budget.threshold" }]);
  });
});
