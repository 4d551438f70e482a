/**
 * `npm run waymark -- check-compat` as an operator runs it before a deploy: against a database
 * holding in-flight runs of the demo workflows, it lists exactly the run whose journal the
 * checkout's code cannot replay, and exits 1; with nothing broken it exits 0.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processEnv } from "../config/env";
import { finishTick } from "../data/run-writes";
import type { JournalEntry } from "../engine/types";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { readGoldenJournals, reviveJournal } from "../testing/golden-journals";
import { claimForTest, seedRun } from "../testing/runs";

const root = fileURLToPath(new URL("../../", import.meta.url));
let t: TestDatabase;
let compatibleRun: string;
let brokenRun: string;

function waymark(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "lib/cli/waymark.ts", ...args], {
      cwd: root,
      env: { ...processEnv(), DATABASE_URL: t.url, WAYMARK_LOG_LEVEL: "error" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A waiting run of freight-quote@1 whose journal is `journal` (written through the real journal writer). */
async function waitingRun(input: unknown, journal: JournalEntry[]): Promise<string> {
  const runId = await seedRun(t.db, { workflowName: "freight-quote", workflowVersion: 1, input: input as never });
  const { claim, writer } = await claimForTest(t.db, runId);
  for (const entry of journal) {
    if (entry.status === "waiting") {
      await writer.beginWait({
        seq: entry.seq, stepId: entry.stepId, kind: "approval", startedAt: entry.startedAt, wakeAt: entry.wakeAt ?? null,
        input: entry.input ?? null, approval: { summary: "approve?", data: null },
      });
    } else {
      await writer.complete(entry);
    }
  }
  await finishTick(t.db, { runId, epoch: claim.epoch, outcome: { type: "suspended", runStatus: "waiting", wakeAt: null } });
  return runId;
}

beforeAll(async () => {
  t = await createTestDatabase("cli_compat");
  const { golden } = (await readGoldenJournals()).find(({ golden }) => golden.scenario === "freight-quote-v1-waiting")!;
  const journal = reviveJournal(golden);
  compatibleRun = await waitingRun(golden.input, journal);
  // Recorded by an older body of version 1 that called its second step "check-capacity".
  brokenRun = await waitingRun(golden.input, journal.map((entry) => (entry.seq === 1 ? { ...entry, stepId: "check-capacity" } : entry)));
});
afterAll(async () => t?.drop());

describe("npm run waymark -- check-compat", () => {
  it("lists the in-flight run the checkout's code would break, with its first diverging step, and exits 1", async () => {
    const { code, stdout } = await waymark(["check-compat"]);
    expect(code).toBe(1);
    expect(stdout).toContain("Checked 2 in-flight runs against the workflow definitions in this checkout: 1 replay cleanly, 1 would break.");
    expect(stdout).toContain(`${brokenRun}  freight-quote@1  waiting  step_mismatch at step "check-capacity" (position 1)`);
    expect(stdout).toContain('freight-quote@1 calls "lookup-capacity" (step) at position 1, where the journal recorded "check-capacity" (step).');
    expect(stdout).not.toContain(compatibleRun);
  }, 60_000);

  it("prints JSON with --json and exits 0 when the checked runs replay cleanly", async () => {
    await t.db.pool.query("UPDATE runs SET status = 'cancelled' WHERE id = $1", [brokenRun]);
    const { code, stdout } = await waymark(["check-compat", "--json", "--workflow", "freight-quote"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ checkedRuns: 1, compatibleRuns: 1, broken: [] });
  }, 60_000);

  it("explains its usage on an unknown command", async () => {
    const { code, stderr } = await waymark(["check-compatibility"]);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command "check-compatibility"');
    expect(stderr).toContain("check-compat [--workflow <name>]");
  }, 60_000);
});
