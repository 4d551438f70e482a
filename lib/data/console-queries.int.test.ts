import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import {
  countPendingApprovals,
  getOverviewStats,
  getVersionStats,
  listAuditActions,
  listAuditEntries,
  resolveActorLabels,
} from "./console-queries";

// "Now" for every assertion: noon UTC, so "today" and "the last 24 h" are unambiguous.
const NOW = new Date("2026-11-23T12:00:00.000Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

let t: TestDatabase;

async function insertRun(id: string, workflow: string, version: number, status: string, createdAt: Date, finishedAt: Date | null = null) {
  await t.db.pool.query(
    `INSERT INTO runs (id, workflow_name, workflow_version, status, input, created_at, updated_at, started_at, finished_at)
     VALUES ($1, $2, $3, $4, '{}'::jsonb, $5, $5, $5, $6)`,
    [id, workflow, version, status, createdAt, finishedAt],
  );
}

async function insertStep(runId: string, seq: number, stepId: string, kind: string, at: Date, llm?: { cost: number; tokensIn: number; tokensOut: number }) {
  await t.db.pool.query(
    `INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, started_at, finished_at, cost_usd, input_tokens, output_tokens)
     VALUES ($1, $2, $3, $4, $5, 'succeeded', $6, $6, $7, $8, $9)`,
    [`je_${runId}_${seq}`, runId, seq, stepId, kind, at, llm?.cost ?? null, llm?.tokensIn ?? null, llm?.tokensOut ?? null],
  );
}

beforeAll(async () => {
  t = await createTestDatabase("console_queries");

  // freight-quote v1: 2 succeeded, 1 failed (in the last 24 h), 1 running, 1 waiting on a person.
  await insertRun("run_a", "freight-quote", 1, "succeeded", hoursAgo(5), hoursAgo(5));
  await insertRun("run_b", "freight-quote", 1, "succeeded", hoursAgo(4), hoursAgo(4));
  await insertRun("run_c", "freight-quote", 1, "failed", hoursAgo(3), hoursAgo(3));
  await insertRun("run_d", "freight-quote", 1, "running", hoursAgo(1));
  await insertRun("run_e", "freight-quote", 1, "waiting", hoursAgo(2));
  // v2 and another workflow; an old failure outside the 24 h window; a queued run.
  await insertRun("run_f", "freight-quote", 2, "failed", hoursAgo(30), hoursAgo(30));
  await insertRun("run_g", "support-triage", 1, "queued", hoursAgo(0.5));

  // Steps: every v1 run records fetch-rates then draft-quote; only run_e reached the approval.
  for (const id of ["run_a", "run_b", "run_c", "run_d", "run_e"]) {
    await insertStep(id, 0, "fetch-rates", "step", hoursAgo(1));
  }
  await insertStep("run_a", 1, "draft-quote", "llm", hoursAgo(5), { cost: 0.25, tokensIn: 100, tokensOut: 50 });
  await insertStep("run_e", 1, "draft-quote", "llm", hoursAgo(2), { cost: 0.5, tokensIn: 200, tokensOut: 100 });
  await insertStep("run_e", 2, "approve-quote", "approval", hoursAgo(2));
  // Spent yesterday: not part of today's spend.
  await insertStep("run_f", 0, "draft-quote", "llm", hoursAgo(30), { cost: 9, tokensIn: 1, tokensOut: 1 });
  // A failed, billed attempt today counts towards spend.
  await t.db.pool.query(
    `INSERT INTO step_attempts (id, run_id, step_id, seq, attempt, status, started_at, finished_at, cost_usd, input_tokens, output_tokens)
     VALUES ('sa_1', 'run_a', 'draft-quote', 1, 1, 'failed', $1, $1, 0.05, 10, 0)`,
    [hoursAgo(5)],
  );

  await t.db.pool.query(
    `INSERT INTO approvals (id, run_id, step_id, status, summary, payload_hash, created_at)
     VALUES ('apr_1', 'run_e', 'approve-quote', 'pending', 'Send ACME a quote?', 'h', $1),
            ('apr_2', 'run_a', 'approve-quote', 'approved', 'Send Initech a quote?', 'h', $1)`,
    [hoursAgo(2)],
  );

  await t.db.pool.query(
    `INSERT INTO users (id, email, password_hash, role) VALUES ('usr_1', 'ana@example.com', 'x', 'admin')`,
  );
  await t.db.pool.query(
    `INSERT INTO api_keys (id, name, prefix, key_hash, role) VALUES ('key_1', 'ci-bot', 'wm_abc12', 'hash', 'operator')`,
  );
  for (let i = 0; i < 5; i++) {
    await t.db.pool.query(`INSERT INTO audit_entries (actor, action, target, data) VALUES ($1, $2, $3, $4)`, [
      i % 2 === 0 ? "user:usr_1" : "apikey:key_1",
      i === 4 ? "approval.approve" : "run.start",
      `run_${i}`,
      JSON.stringify({ n: i }),
    ]);
  }
});

afterAll(async () => {
  await t?.drop();
});

describe("getOverviewStats", () => {
  it("counts active runs, runs waiting for a person, recent failures and today's spend", async () => {
    const stats = await getOverviewStats(t.db, NOW);
    expect(stats).toMatchObject({
      activeRuns: 2,
      queuedRuns: 1,
      runningRuns: 1,
      runsWaitingForPerson: 1,
      pendingApprovals: 1,
      failedLast24h: 1,
      finishedLast24h: 3,
      spendTodayUsd: 0.8,
      tokensToday: 460,
      dayStartedAt: "2026-11-23T00:00:00.000Z",
    });
  });
});

describe("countPendingApprovals", () => {
  it("counts only pending approvals", async () => {
    expect(await countPendingApprovals(t.db)).toBe(1);
  });
});

describe("getVersionStats", () => {
  it("gives each version its run counts, failure rate and the steps seen in its runs", async () => {
    const stats = await getVersionStats(t.db, "freight-quote");
    expect(stats.map((s) => s.version)).toEqual([2, 1]);
    const v1 = stats.find((s) => s.version === 1)!;
    expect(v1.runsByStatus).toEqual({ queued: 0, running: 1, waiting: 1, succeeded: 2, failed: 1, cancelled: 0 });
    expect(v1.totalRuns).toBe(5);
    expect(v1.failureRate).toBeCloseTo(1 / 3);
    expect(v1.sampledRuns).toBe(5);
    expect(v1.steps).toEqual([
      { stepId: "fetch-rates", kind: "step", position: 0, seenInRuns: 5 },
      { stepId: "draft-quote", kind: "llm", position: 1, seenInRuns: 2 },
      { stepId: "approve-quote", kind: "approval", position: 2, seenInRuns: 1 },
    ]);
    const v2 = stats.find((s) => s.version === 2)!;
    expect(v2.failureRate).toBe(1);
  });

  it("covers every workflow when none is named, and has no failure rate before a run finished", async () => {
    const stats = await getVersionStats(t.db);
    const triage = stats.find((s) => s.workflow === "support-triage")!;
    expect(triage).toMatchObject({ version: 1, totalRuns: 1, failureRate: null, steps: [] });
  });
});

describe("listAuditEntries", () => {
  it("pages newest first and names the actor as a person reads it", async () => {
    const first = await listAuditEntries(t.db, { limit: 2 });
    expect(first.items.map((e) => e.target)).toEqual(["run_4", "run_3"]);
    expect(first.items.map((e) => e.actorLabel)).toEqual(["ana@example.com", "ci-bot"]);
    expect(first.nextCursor).not.toBeNull();

    const second = await listAuditEntries(t.db, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.target)).toEqual(["run_2", "run_1"]);
    const last = await listAuditEntries(t.db, { limit: 2, cursor: second.nextCursor! });
    expect(last.items.map((e) => e.target)).toEqual(["run_0"]);
    expect(last.nextCursor).toBeNull();
  });

  it("filters by action and lists the actions that exist", async () => {
    const approvals = await listAuditEntries(t.db, { action: "approval.approve" });
    expect(approvals.items.map((e) => e.target)).toEqual(["run_4"]);
    expect(await listAuditActions(t.db)).toEqual(["approval.approve", "run.start"]);
  });
});

describe("resolveActorLabels", () => {
  it("turns user and key refs into emails and key names, and keeps unknown refs", async () => {
    expect(await resolveActorLabels(t.db, ["user:usr_1", "apikey:key_1", "replay:run_a", null, "user:gone"])).toEqual({
      "user:usr_1": "ana@example.com",
      "apikey:key_1": "API key ci-bot",
      "replay:run_a": "replay:run_a",
      "user:gone": "user:gone",
    });
  });
});
