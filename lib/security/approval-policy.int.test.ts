/**
 * S9/S10 with the four-eyes option: only approvers decide; with `forbidSelfApproval` the run's
 * requester gets 403 and the approval stays pending (no decision, no audit row); another approver
 * may decide, exactly once; a stale payload hash gets 409. Without the option nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../control/types";
import type { AppError } from "../errors/app-error";
import { createInProcess, type InProcess } from "../testing/in-process";
import { setWorkflowPolicy } from "./approval-policy";

let t: InProcess;
const admin: Actor = { kind: "user", id: "usr_admin", label: "admin@example.com", role: "admin" };
const alice: Actor = { kind: "user", id: "usr_alice", label: "alice@example.com", role: "approver" };
const bob: Actor = { kind: "user", id: "usr_bob", label: "bob@example.com", role: "approver" };
const viewer: Actor = { kind: "user", id: "usr_view", label: "viewer@example.com", role: "viewer" };

const refusal = async (promise: Promise<unknown>) => {
  const error = (await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  )) as AppError;
  return { status: error.status, code: error.code };
};

/** A run of approval-probe requested by `requester`, waiting at its gate; returns the approval. */
async function waitingApproval(requester: Actor) {
  const { run } = await t.control.startRun({ workflow: "approval-probe", input: { label: "x" } }, { ...requester, role: "admin" });
  expect(await t.drive(run.id)).toBe("waiting");
  const [approval] = await t.query<{ id: string; payload_hash: string }>("SELECT id, payload_hash FROM approvals WHERE run_id = $1", [run.id]);
  return { runId: run.id, ...approval };
}

const state = async (approvalId: string) => {
  const [row] = await t.query<{ status: string; decided_by: string | null }>("SELECT status, decided_by FROM approvals WHERE id = $1", [approvalId]);
  const audit = await t.query("SELECT 1 FROM audit_entries WHERE target = $1 AND action LIKE 'approval.%'", [approvalId]);
  return { ...row, auditRows: audit.length };
};

beforeAll(async () => {
  t = await createInProcess("approval_policy");
});
afterAll(async () => t?.close());

describe("approval decisions", () => {
  it("a viewer gets 403 and an unknown approval 404; nothing is decided", async () => {
    const approval = await waitingApproval(alice);
    expect(await refusal(t.control.decideApproval(approval.id, { decision: "approve" }, viewer))).toMatchObject({ status: 403 });
    expect(await refusal(t.control.decideApproval("apr_unknown", { decision: "approve" }, bob))).toMatchObject({ status: 404 });
    expect(await state(approval.id)).toEqual({ status: "pending", decided_by: null, auditRows: 0 });
  });

  it("without the option, the requester may approve their own run", async () => {
    const approval = await waitingApproval(alice);
    await t.control.decideApproval(approval.id, { decision: "approve", payloadHash: approval.payload_hash }, alice);
    expect(await state(approval.id)).toEqual({ status: "approved", decided_by: alice.label, auditRows: 1 });
  });

  it("with forbidSelfApproval, the requester gets 403 and another approver decides once", async () => {
    await setWorkflowPolicy(t.database.db, admin, "approval-probe", { forbidSelfApproval: true });
    try {
      const approval = await waitingApproval(alice);
      expect(await refusal(t.control.decideApproval(approval.id, { decision: "approve" }, alice))).toEqual({ status: 403, code: "forbidden" });
      expect(await state(approval.id)).toEqual({ status: "pending", decided_by: null, auditRows: 0 });

      // A stale payload hash is refused with 409, still undecided.
      expect(await refusal(t.control.decideApproval(approval.id, { decision: "approve", payloadHash: "stale" }, bob))).toMatchObject({ status: 409 });
      expect(await state(approval.id)).toMatchObject({ status: "pending", auditRows: 0 });

      await t.control.decideApproval(approval.id, { decision: "approve", payloadHash: approval.payload_hash }, bob);
      expect(await refusal(t.control.decideApproval(approval.id, { decision: "reject" }, bob))).toMatchObject({ status: 409 });
      expect(await state(approval.id)).toEqual({ status: "approved", decided_by: bob.label, auditRows: 1 });
    } finally {
      await setWorkflowPolicy(t.database.db, admin, "approval-probe", { forbidSelfApproval: false });
    }
  });

  it("only an admin sets the option, and each change is audited", async () => {
    expect(await refusal(setWorkflowPolicy(t.database.db, alice, "approval-probe", { forbidSelfApproval: true }))).toMatchObject({ status: 403 });
    const rows = await t.query<{ action: string; actor: string }>("SELECT action, actor FROM audit_entries WHERE action = 'workflow_policy_change'");
    expect(rows).toEqual([
      { action: "workflow_policy_change", actor: "user:usr_admin" },
      { action: "workflow_policy_change", actor: "user:usr_admin" },
    ]);
  });
});
