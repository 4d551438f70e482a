import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { claimForTest, seedRun } from "../testing/runs";
import type { JournalWriter } from "../engine/types";
import { decideApproval, getApprovalView, listApprovalViews } from "./approval-store";
import { approvalPayloadHash } from "./canonical-json";
import { loadJournal } from "./journal-writer";
import { finishTick } from "./run-writes";
import { AppError } from "../errors/app-error";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("approvals");
});
afterAll(async () => {
  await t?.drop();
});

/** A run parked on an approval (the tick has ended), with the writer of the claim that parked it. */
async function waitingRun(options: { summary?: string; workflowName?: string } = {}) {
  const runId = await seedRun(t.db, { workflowName: options.workflowName ?? "test-flow" });
  const { claim, writer } = await claimForTest(t.db, runId);
  const summary = options.summary ?? "Send the quote?";
  await writer.beginWait({
    seq: 0,
    stepId: "approve-quote",
    kind: "approval",
    startedAt: new Date(),
    wakeAt: new Date(Date.now() + 60_000),
    input: { summary },
    approval: { summary, data: { price: 120 } },
  });
  const { rows } = await t.db.pool.query<{ id: string }>("SELECT id FROM approvals WHERE run_id = $1", [runId]);
  return { runId, approvalId: rows[0].id, epoch: claim.epoch, writer };
}

/** The same run parked and released, then re-claimed as a worker would when the timeout passes. */
async function parkAndReclaim(): Promise<{ runId: string; approvalId: string; writer: JournalWriter }> {
  const parked = await waitingRun();
  await finishTick(t.db, {
    runId: parked.runId,
    epoch: parked.epoch,
    outcome: { type: "suspended", runStatus: "waiting", wakeAt: new Date(Date.now() + 60_000) },
  });
  await t.db.pool.query("UPDATE runs SET wake_at = now() - interval '1 s' WHERE id = $1", [parked.runId]);
  const { writer } = await claimForTest(t.db, parked.runId);
  return { runId: parked.runId, approvalId: parked.approvalId, writer };
}

describe("decideApproval", () => {
  it("records the decision in the approval and the journal, and queues the waiting run", async () => {
    const { runId, approvalId, epoch } = await waitingRun();
    await finishTick(t.db, { runId, epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: null } });
    const { approval, runId: decidedRun } = await decideApproval(t.db, {
      approvalId,
      decision: "reject",
      comment: "Too expensive",
      decidedBy: "ann@example.com",
      payloadHash: approvalPayloadHash("Send the quote?", { price: 120 }),
    });
    expect(decidedRun).toBe(runId);
    expect(approval).toMatchObject({
      id: approvalId,
      status: "rejected",
      decidedBy: "ann@example.com",
      comment: "Too expensive",
      workflow: "test-flow",
      version: 1,
    });
    const [entry] = await loadJournal(t.db, runId);
    expect(entry).toMatchObject({
      status: "succeeded",
      output: { approved: false, reason: "rejected", comment: "Too expensive", decidedBy: "ann@example.com", decidedAt: approval.decidedAt },
    });
    const { rows } = await t.db.pool.query("SELECT status, needs_tick FROM runs WHERE id = $1", [runId]);
    expect(rows[0]).toEqual({ status: "queued", needs_tick: true });
  });

  it("refuses a second decision with 409, saying who decided and when", async () => {
    const { approvalId } = await waitingRun();
    const first = await decideApproval(t.db, { approvalId, decision: "approve", decidedBy: "ann@example.com" });
    const second = decideApproval(t.db, { approvalId, decision: "reject", decidedBy: "bob@example.com" });
    await expect(second).rejects.toBeInstanceOf(AppError);
    await expect(second).rejects.toMatchObject({
      code: "already_decided",
      status: 409,
      message: `Approval ${approvalId} was already approved by ann@example.com at ${first.approval.decidedAt}.`,
    });
  });

  it("refuses a decision made on a stale view (payload hash differs) and an unknown approval", async () => {
    const { approvalId } = await waitingRun();
    await expect(
      decideApproval(t.db, { approvalId, decision: "approve", decidedBy: "ann", payloadHash: "0".repeat(64) }),
    ).rejects.toMatchObject({ code: "conflict", status: 409 });
    expect((await getApprovalView(t.db, approvalId))?.status).toBe("pending");
    await expect(decideApproval(t.db, { approvalId: "apr_nope", decision: "approve", decidedBy: "ann" })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("expireApproval against a decision", () => {
  it("returns the person's decision when it committed before the timeout", async () => {
    const { runId, approvalId, writer } = await parkAndReclaim();
    await decideApproval(t.db, { approvalId, decision: "approve", decidedBy: "ann@example.com" });
    const outcome = await writer.expireApproval(0, "approve-quote", new Date());
    expect(outcome).toMatchObject({ approved: true, reason: "approved", decidedBy: "ann@example.com" });
    expect((await getApprovalView(t.db, approvalId))?.status).toBe("approved");
    expect((await loadJournal(t.db, runId))[0].output).toMatchObject({ approved: true });
  });

  it("ends the wait as a timeout, and a later decision is refused as already expired", async () => {
    const { runId, approvalId, writer } = await parkAndReclaim();
    expect(await writer.expireApproval(0, "approve-quote", new Date())).toEqual({ approved: false, reason: "timeout" });
    expect((await loadJournal(t.db, runId))[0]).toMatchObject({ status: "succeeded", output: { approved: false, reason: "timeout" } });
    await expect(decideApproval(t.db, { approvalId, decision: "approve", decidedBy: "ann" })).rejects.toMatchObject({
      code: "already_decided",
      message: expect.stringContaining("was already expired"),
    });
  });

  it("agrees on one winner when both happen at once", async () => {
    for (let i = 0; i < 5; i++) {
      const { runId, approvalId, writer } = await parkAndReclaim();
      const [decision, expiry] = await Promise.allSettled([
        decideApproval(t.db, { approvalId, decision: "approve", decidedBy: "ann" }),
        writer.expireApproval(0, "approve-quote", new Date()),
      ]);
      expect(expiry.status).toBe("fulfilled");
      const seen = (expiry as PromiseFulfilledResult<{ approved: boolean }>).value;
      expect(seen.approved).toBe(decision.status === "fulfilled");
      expect((await loadJournal(t.db, runId))[0].output).toMatchObject({ approved: seen.approved });
    }
  });
});

describe("approval read models", () => {
  it("list pending approvals first, oldest first, with their workflow", async () => {
    const older = await waitingRun({ summary: "older", workflowName: "inbox-flow" });
    const newer = await waitingRun({ summary: "newer", workflowName: "inbox-flow" });
    const decided = await waitingRun({ summary: "decided", workflowName: "inbox-flow" });
    await decideApproval(t.db, { approvalId: decided.approvalId, decision: "approve", decidedBy: "ann" });
    const all = (await listApprovalViews(t.db)).filter((a) => a.workflow === "inbox-flow");
    expect(all.map((a) => [a.summary, a.status])).toEqual([
      ["older", "pending"],
      ["newer", "pending"],
      ["decided", "approved"],
    ]);
    const pending = await listApprovalViews(t.db, { status: "pending" });
    expect(pending.every((a) => a.status === "pending")).toBe(true);
    expect(pending.map((a) => a.id)).toEqual(expect.arrayContaining([older.approvalId, newer.approvalId]));
    const view = await getApprovalView(t.db, older.approvalId);
    expect(view).toMatchObject({
      runId: older.runId,
      stepId: "approve-quote",
      kind: "approval",
      data: { price: 120 },
      payloadHash: approvalPayloadHash("older", { price: 120 }),
      version: 1,
    });
    expect(await getApprovalView(t.db, "apr_missing")).toBeNull();
  });
});
