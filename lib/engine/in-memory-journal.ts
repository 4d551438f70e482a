/**
 * A journal in memory with the data layer's semantics (fencing by epoch, rows that never go
 * backwards, retry state on the entry, approvals decided from outside). For tests.
 */
import { StaleEpochError } from "./errors";
import type { ApprovalDecision, FailedAttempt, JournalEntry, JournalWriter, Json, WaitRecord } from "./types";

export type JournalWrite =
  | { method: "markRunning"; seq: number; stepId: string; attempts: number }
  | { method: "complete"; seq: number; stepId: string; status: JournalEntry["status"] }
  | { method: "recordFailedAttempt"; seq: number; stepId: string; attempt: number; retryAt: Date | null }
  | { method: "beginWait"; seq: number; stepId: string; kind: WaitRecord["kind"] }
  | { method: "expireApproval"; seq: number; stepId: string }
  | { method: "heartbeat" };

export interface InMemoryApproval {
  seq: number;
  stepId: string;
  summary: string;
  data: Json;
  status: "pending" | "approved" | "rejected" | "expired";
  decision?: ApprovalDecision;
}

const clone = <T>(value: T): T => structuredClone(value);

export class InMemoryJournal {
  epoch = 1;
  runId?: string;
  /** Failed attempts in the order they were recorded */
  readonly attempts: FailedAttempt[] = [];
  readonly approvals: InMemoryApproval[] = [];
  /** Every accepted write, in order (for assertions) */
  readonly writes: JournalWrite[] = [];
  private readonly bySeq = new Map<number, JournalEntry>();

  constructor(entries: JournalEntry[] = []) {
    for (const entry of entries) this.bySeq.set(entry.seq, clone(entry));
  }

  /** The journal, ordered by position (copies: mutate through the writer or `decide`). */
  get entries(): JournalEntry[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq).map(clone);
  }

  entry(stepId: string): JournalEntry | undefined {
    const found = [...this.bySeq.values()].find((entry) => entry.stepId === stepId);
    return found && clone(found);
  }

  /** A new claim of the run: writers of older epochs are fenced out from now on. */
  bumpEpoch(): number {
    return ++this.epoch;
  }

  /** Keeps only the entries before `seq`, as if the worker died before recording the rest. */
  truncate(seq: number): void {
    for (const key of [...this.bySeq.keys()]) if (key >= seq) this.bySeq.delete(key);
  }

  /** A person decides a pending approval (what the data layer does for the console and API). */
  decide(stepId: string, decision: ApprovalDecision, at: Date = new Date()): void {
    const entry = [...this.bySeq.values()].find((candidate) => candidate.stepId === stepId);
    if (!entry || entry.kind !== "approval") throw new Error(`No approval step "${stepId}" in the journal`);
    if (entry.status !== "waiting") throw new Error(`Approval "${stepId}" is already ${entry.status}; it can be decided once`);
    const output: ApprovalDecision = {
      ...decision,
      reason: decision.reason ?? (decision.approved ? "approved" : "rejected"),
      decidedAt: decision.decidedAt ?? at.toISOString(),
    };
    this.bySeq.set(entry.seq, { ...entry, status: "succeeded", output: clone(output) as unknown as Json, finishedAt: at });
    const approval = this.approvals.find((candidate) => candidate.stepId === stepId);
    if (approval) {
      approval.status = output.reason === "timeout" ? "expired" : output.approved ? "approved" : "rejected";
      approval.decision = output;
    }
  }

  writer(runId: string, epoch: number = this.epoch): JournalWriter {
    this.runId ??= runId;
    const fence = () => {
      if (epoch !== this.epoch) {
        throw new StaleEpochError(`Run ${runId} was claimed again (epoch ${this.epoch}); this worker's epoch ${epoch} is stale. Stop this tick.`, {
          runId,
          epoch,
        });
      }
    };
    const assertSameStep = (seq: number, stepId: string) => {
      const existing = this.bySeq.get(seq);
      if (existing && existing.stepId !== stepId) throw new Error(`Position ${seq} of run ${runId} already holds step "${existing.stepId}", not "${stepId}"`);
      const other = [...this.bySeq.values()].find((entry) => entry.stepId === stepId && entry.seq !== seq);
      if (other) throw new Error(`Step "${stepId}" of run ${runId} is already journaled at position ${other.seq}`);
      return existing;
    };

    return {
      markRunning: async (entry) => {
        fence();
        const existing = assertSameStep(entry.seq, entry.stepId);
        // Rows never go backwards: a finished step stays finished.
        if (existing && existing.status !== "running") return;
        this.bySeq.set(entry.seq, {
          ...clone(entry),
          startedAt: existing?.startedAt ?? entry.startedAt,
          status: "running",
          ...(existing?.error ? { error: existing.error } : {}),
        });
        this.writes.push({ method: "markRunning", seq: entry.seq, stepId: entry.stepId, attempts: entry.attempts });
      },
      complete: async (entry) => {
        fence();
        assertSameStep(entry.seq, entry.stepId);
        this.bySeq.set(entry.seq, clone(entry));
        this.writes.push({ method: "complete", seq: entry.seq, stepId: entry.stepId, status: entry.status });
      },
      recordFailedAttempt: async (attempt, retryAt) => {
        fence();
        const existing = assertSameStep(attempt.seq, attempt.stepId);
        this.attempts.push(clone(attempt));
        const { wakeAt: _previousWake, ...rest } = existing ?? ({} as Partial<JournalEntry>);
        this.bySeq.set(attempt.seq, {
          ...rest,
          seq: attempt.seq,
          stepId: attempt.stepId,
          kind: attempt.kind,
          status: "running",
          attempts: attempt.attempt,
          startedAt: existing?.startedAt ?? attempt.startedAt,
          error: clone(attempt.error),
          ...(retryAt ? { wakeAt: retryAt } : {}),
        });
        this.writes.push({ method: "recordFailedAttempt", seq: attempt.seq, stepId: attempt.stepId, attempt: attempt.attempt, retryAt });
      },
      beginWait: async (wait) => {
        fence();
        assertSameStep(wait.seq, wait.stepId);
        this.bySeq.set(wait.seq, {
          seq: wait.seq,
          stepId: wait.stepId,
          kind: wait.kind,
          status: "waiting",
          attempts: 1,
          input: clone(wait.input),
          startedAt: wait.startedAt,
          ...(wait.wakeAt ? { wakeAt: wait.wakeAt } : {}),
        });
        if (wait.approval) {
          this.approvals.push({ seq: wait.seq, stepId: wait.stepId, summary: wait.approval.summary, data: clone(wait.approval.data), status: "pending" });
        }
        this.writes.push({ method: "beginWait", seq: wait.seq, stepId: wait.stepId, kind: wait.kind });
      },
      expireApproval: async (seq, stepId, now) => {
        fence();
        const existing = assertSameStep(seq, stepId);
        if (!existing) throw new Error(`No approval at position ${seq} of run ${runId}`);
        this.writes.push({ method: "expireApproval", seq, stepId });
        // A person's decision made just before the timeout beats the timeout.
        if (existing.status === "succeeded") return clone(existing.output) as unknown as ApprovalDecision;
        this.decide(stepId, { approved: false, reason: "timeout" }, now);
        return clone(this.bySeq.get(seq)!.output) as unknown as ApprovalDecision;
      },
      heartbeat: async () => {
        fence();
        this.writes.push({ method: "heartbeat" });
      },
    };
  }
}
