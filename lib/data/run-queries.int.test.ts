import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { claimForTest, seedRun } from "../testing/runs";
import { getRunView, listRunSummaries } from "./run-queries";
import { decideApproval } from "./approval-store";
import { finishTick } from "./run-writes";
import { listWorkflowRows, upsertWorkflowDefinitions } from "./workflow-store";
import { appendAudit, listAuditEntries } from "./audit-store";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("run_queries");
});
afterAll(async () => {
  await t?.drop();
});

describe("getRunView", () => {
  it("shows the run with its steps in order, attempts, usage and approval", async () => {
    const runId = await seedRun(t.db, { workflowName: "quote", input: { lane: "HAM-NYC" }, budget: { maxCostUsd: 1 } });
    const { claim, writer } = await claimForTest(t.db, runId);
    const t0 = new Date("2026-01-01T10:00:00.000Z");
    const t1 = new Date("2026-01-01T10:00:01.000Z");
    const t2 = new Date("2026-01-01T10:00:02.000Z");
    await writer.recordFailedAttempt(
      { seq: 0, stepId: "fetch", kind: "step", attempt: 1, status: "timed_out", error: { name: "TimeoutError", message: "slow", stack: "secret" }, startedAt: t0, finishedAt: t1 },
      t1,
    );
    await writer.markRunning({ seq: 0, stepId: "fetch", kind: "step", attempts: 2, startedAt: t1, sideEffect: true });
    await writer.complete({ seq: 0, stepId: "fetch", kind: "step", status: "succeeded", attempts: 2, output: [1, 2], sideEffect: true, startedAt: t1, finishedAt: t2 });
    await writer.complete({
      seq: 1, stepId: "draft", kind: "llm", status: "succeeded", attempts: 1, input: { model: "gpt-4o-mini" }, output: { text: "Hi" },
      startedAt: t2, finishedAt: t2,
      llm: { provider: "openai", requestModel: "gpt-4o-mini", model: "gpt-4o-mini", inputTokens: 12, outputTokens: 30, costUsd: 0.00042, finishReason: "stop", latencyMs: 210 },
    });
    await writer.beginWait({
      seq: 2, stepId: "approve", kind: "approval", startedAt: t2, wakeAt: null, input: { summary: "Send?" },
      approval: { summary: "Send?", data: { draft: "Hi" } },
    });
    await finishTick(t.db, { runId, epoch: claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: null } });

    const view = await getRunView(t.db, runId);
    expect(view).toMatchObject({
      id: runId,
      workflow: "quote",
      version: 1,
      status: "waiting",
      input: { lane: "HAM-NYC" },
      output: null,
      budget: { maxCostUsd: 1 },
      requestedBy: "user:test",
      stepCount: 3,
      totalTokens: 42,
      totalCostUsd: 0.00042,
      error: null,
      idempotencyKey: null,
    });
    expect(view!.steps.map((s) => [s.seq, s.id, s.kind, s.status])).toEqual([
      [0, "fetch", "step", "succeeded"],
      [1, "draft", "llm", "succeeded"],
      [2, "approve", "approval", "waiting"],
    ]);
    const [fetch, draft, approve] = view!.steps;
    expect(fetch).toMatchObject({ attempts: 2, sideEffect: true, startedAt: t0.toISOString(), output: [1, 2], usage: null });
    expect(fetch.attemptHistory).toEqual([
      { attempt: 1, status: "timed_out", error: { name: "TimeoutError", message: "slow" }, startedAt: t0.toISOString(), finishedAt: t1.toISOString() },
      { attempt: 2, status: "succeeded", error: null, startedAt: t1.toISOString(), finishedAt: t2.toISOString() },
    ]);
    expect(draft.usage).toEqual({
      provider: "openai", model: "gpt-4o-mini", inputTokens: 12, outputTokens: 30, costUsd: 0.00042, finishReason: "stop", latencyMs: 210,
    });
    expect(approve.approval).toMatchObject({ status: "pending", summary: "Send?", data: { draft: "Hi" }, workflow: "quote" });
    expect(JSON.stringify(view)).not.toContain("secret");

    await decideApproval(t.db, { approvalId: approve.approval!.id, decision: "approve", decidedBy: "ann" });
    const after = await getRunView(t.db, runId);
    expect(after!.steps[2]).toMatchObject({ status: "succeeded", output: { approved: true }, approval: { status: "approved", decidedBy: "ann" } });
    expect(after!.status).toBe("queued");
    expect(await getRunView(t.db, "run_missing")).toBeNull();
  });
});

describe("listRunSummaries", () => {
  it("pages through runs newest first with no duplicates and no gaps", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await seedRun(t.db, { workflowName: "paged", input: { i } }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listRunSummaries(t.db, { workflow: "paged", limit: 3, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it("filters by status, version and search (run id prefix or text in the input)", async () => {
    const needle = await seedRun(t.db, { workflowName: "searchable", input: { customer: "Zebra Logistics 50%" } });
    const other = await seedRun(t.db, { workflowName: "searchable", workflowVersion: 2, input: { customer: "Acme" } });
    const bySearch = await listRunSummaries(t.db, { workflow: "searchable", search: "zebra logistics 50%" });
    expect(bySearch.items.map((r) => r.id)).toEqual([needle]);
    expect((await listRunSummaries(t.db, { search: "50_" })).items).toEqual([]);
    const byPrefix = await listRunSummaries(t.db, { search: other.slice(0, other.length - 2) });
    expect(byPrefix.items.map((r) => r.id)).toContain(other);
    expect((await listRunSummaries(t.db, { workflow: "searchable", version: 2 })).items.map((r) => r.id)).toEqual([other]);
    const { claim } = await claimForTest(t.db, needle);
    await finishTick(t.db, { runId: needle, epoch: claim.epoch, outcome: { type: "failed", error: { name: "Error", message: "boom", reason: "step_failed" } } });
    const failed = await listRunSummaries(t.db, { workflow: "searchable", status: ["failed", "cancelled"] });
    expect(failed.items).toEqual([
      expect.objectContaining({ id: needle, status: "failed", error: { name: "Error", message: "boom", reason: "step_failed" } }),
    ]);
    expect((await listRunSummaries(t.db, { workflow: "searchable", createdAfter: new Date(Date.now() + 60_000) })).items).toEqual([]);
  });

  it("refuses a malformed cursor with invalid_input", async () => {
    await expect(listRunSummaries(t.db, { cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "invalid_input", status: 400 });
  });
});

describe("workflow definitions", () => {
  it("registers new versions and reports a changed body under an existing version as a conflict", async () => {
    const schema = { type: "object" };
    expect(
      await upsertWorkflowDefinitions(t.db, [
        { name: "wf", version: 1, hash: "h1", inputSchema: schema, description: "first" },
        { name: "wf", version: 2, hash: "h2", inputSchema: schema },
      ]),
    ).toEqual({ conflicts: [] });
    expect(await upsertWorkflowDefinitions(t.db, [{ name: "wf", version: 1, hash: "h1", inputSchema: schema }])).toEqual({ conflicts: [] });
    expect(await upsertWorkflowDefinitions(t.db, [{ name: "wf", version: 2, hash: "changed", inputSchema: schema }])).toEqual({
      conflicts: [{ name: "wf", version: 2, storedHash: "h2", newHash: "changed" }],
    });
    const rows = (await listWorkflowRows(t.db)).filter((r) => r.name === "wf");
    expect(rows.map((r) => [r.version, r.hash, r.description])).toEqual([
      [2, "h2", null],
      [1, "h1", "first"],
    ]);
    expect(rows[0].inputSchema).toEqual(schema);
  });
});

describe("audit log", () => {
  it("appends entries and the database refuses to change or delete them", async () => {
    await appendAudit(t.db, { actor: "user:ann", action: "run.cancel", target: "run_1", data: { reason: "test" } });
    const [entry] = await listAuditEntries(t.db, { limit: 1 });
    expect(entry).toMatchObject({ actor: "user:ann", action: "run.cancel", target: "run_1", data: { reason: "test" } });
    await expect(t.db.pool.query("UPDATE audit_entries SET actor = 'mallory'")).rejects.toThrow(/append-only/);
    await expect(t.db.pool.query("DELETE FROM audit_entries")).rejects.toThrow(/append-only/);
    await expect(t.db.pool.query("TRUNCATE audit_entries")).rejects.toThrow(/append-only/);
    expect((await listAuditEntries(t.db))[0].actor).toBe("user:ann");
  });
});
