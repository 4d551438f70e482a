/**
 * Golden journals: recorded journals of the demo workflows' runs, committed under
 * lib/workflows/golden/ and replayed against the current definitions in `npm test`
 * (lib/workflows/golden/golden.test.ts), so a change that breaks the replay of runs already in
 * flight fails the build. Recording is deterministic (in-memory runner, fake clock, the demo
 * provider's replies), so re-recording unchanged code rewrites identical files.
 *
 * Re-record (after adding a workflow version, never to paper over a broken replay):
 *   npm run waymark -- record-golden
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { demoReply } from "../demo/demo-replies";
import { createMemorySink } from "../demo/sink";
import { configureDemoTools } from "../demo/tools";
import { runWorkflowForTest, type TestRunOptions } from "../engine/testing";
import type { JournalEntry, Json, RunStatus, WorkflowDefinition } from "../engine/types";
import { workflows } from "../workflows";

export const GOLDEN_DIR = fileURLToPath(new URL("../workflows/golden/", import.meta.url));

export interface GoldenScenario {
  /** File name (without .json); kebab-case, starting with the workflow name */
  name: string;
  workflow: string;
  version: number;
  input: Json;
  approvals?: TestRunOptions["approvals"];
}

const freight = (customer: string, weightKg: number) => ({ customer, email: "ops@example.com", lane: "Rotterdam → Chicago", weightKg });
const ticket = (subject: string, body: string) => ({ ticketId: "T-2001", customer: "jane@example.com", subject, body });

/** The recorded runs: every branch of every demo workflow version, including waits and failures. */
export const GOLDEN_SCENARIOS: GoldenScenario[] = [
  { name: "freight-quote-v1-approved", workflow: "freight-quote", version: 1, input: freight("Acme GmbH", 5_000), approvals: { "approve-quote": { approved: true, comment: "margin ok" } } },
  { name: "freight-quote-v1-rejected", workflow: "freight-quote", version: 1, input: freight("Acme GmbH", 5_000), approvals: { "approve-quote": { approved: false, comment: "too expensive" } } },
  { name: "freight-quote-v1-waiting", workflow: "freight-quote", version: 1, input: freight("Acme GmbH", 5_000) },
  { name: "freight-quote-v1-small", workflow: "freight-quote", version: 1, input: freight("Tiny Parcels", 200) },
  { name: "freight-quote-v1-no-capacity", workflow: "freight-quote", version: 1, input: freight("Giant Loads", 100_000) },
  { name: "research-agent-v1-published", workflow: "research-agent", version: 1, input: { topic: "durable execution for AI agents" }, approvals: { "approve-report": { approved: true } } },
  { name: "research-agent-v1-rejected", workflow: "research-agent", version: 1, input: { topic: "vector databases", audience: "engineers" }, approvals: { "approve-report": { approved: false } } },
  { name: "support-triage-v1-refund", workflow: "support-triage", version: 1, input: ticket("Refund please", "I was charged twice on my invoice; please refund one payment."), approvals: { "approve-refund": { approved: true, comment: "duplicate charge" } } },
  { name: "support-triage-v1-bug", workflow: "support-triage", version: 1, input: ticket("Export crashes", "The CSV export fails with an error 500 every time.") },
  { name: "support-triage-v1-how-to", workflow: "support-triage", version: 1, input: ticket("SSO question", "How do I configure single sign-on for my team?") },
];

/** A journal entry as stored in a golden file (dates as ISO strings). */
export type GoldenEntry = Omit<JournalEntry, "startedAt" | "finishedAt" | "wakeAt"> & { startedAt: string; finishedAt?: string; wakeAt?: string };

export interface GoldenJournal {
  format: 1;
  scenario: string;
  workflow: string;
  version: number;
  runId: string;
  startedAt: string;
  input: Json;
  status: RunStatus;
  output?: Json;
  error?: { name: string; message: string };
  journal: GoldenEntry[];
}

const GOLDEN_START = new Date("2026-01-01T00:00:00.000Z");

export function definitionFor(workflow: string, version: number, definitions: WorkflowDefinition[] = workflows): WorkflowDefinition | undefined {
  return definitions.find((def) => def.name === workflow && def.version === version);
}

/** Runs a scenario to its end (or its open wait) in memory and returns its golden journal. */
export async function recordGolden(scenario: GoldenScenario): Promise<GoldenJournal> {
  const definition = definitionFor(scenario.workflow, scenario.version);
  if (!definition) throw new Error(`Golden scenario ${scenario.name}: no ${scenario.workflow} version ${scenario.version} in lib/workflows.`);
  configureDemoTools({ sink: createMemorySink(() => GOLDEN_START) });
  const runId = `golden-${scenario.name}`;
  const result = await runWorkflowForTest(definition, scenario.input, {
    runId,
    clockStart: GOLDEN_START,
    approvals: scenario.approvals,
    llm: (request) => demoReply(request.model, request.messages),
  });
  return {
    format: 1,
    scenario: scenario.name,
    workflow: scenario.workflow,
    version: scenario.version,
    runId,
    startedAt: GOLDEN_START.toISOString(),
    input: scenario.input,
    status: result.status,
    ...(result.output !== undefined ? { output: result.output as Json } : {}),
    ...(result.error ? { error: { name: result.error.name, message: result.error.message } } : {}),
    journal: result.journal.map(toGoldenEntry),
  };
}

function toGoldenEntry(entry: JournalEntry): GoldenEntry {
  const { startedAt, finishedAt, wakeAt, error, ...rest } = entry;
  return {
    ...rest,
    // The stack excerpt names file paths of the machine that recorded it.
    ...(error ? { error: { ...error, stack: undefined } } : {}),
    startedAt: startedAt.toISOString(),
    ...(finishedAt ? { finishedAt: finishedAt.toISOString() } : {}),
    ...(wakeAt ? { wakeAt: wakeAt.toISOString() } : {}),
  };
}

/** The journal as the engine replays it (dates revived). */
export function reviveJournal(golden: GoldenJournal): JournalEntry[] {
  return golden.journal.map(({ startedAt, finishedAt, wakeAt, ...rest }) => ({
    ...rest,
    startedAt: new Date(startedAt),
    ...(finishedAt ? { finishedAt: new Date(finishedAt) } : {}),
    ...(wakeAt ? { wakeAt: new Date(wakeAt) } : {}),
  }));
}

/** Records every scenario and writes `<name>.json` files; returns the paths written. */
export async function writeGoldenJournals(dir: string = GOLDEN_DIR, scenarios: GoldenScenario[] = GOLDEN_SCENARIOS): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const scenario of scenarios) {
    const file = path.join(dir, `${scenario.name}.json`);
    await writeFile(file, `${JSON.stringify(await recordGolden(scenario), null, 2)}\n`);
    written.push(file);
  }
  return written;
}

/** Every golden journal in `dir`, by file name. */
export async function readGoldenJournals(dir: string = GOLDEN_DIR): Promise<Array<{ file: string; golden: GoldenJournal }>> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  return Promise.all(files.map(async (file) => ({ file, golden: JSON.parse(await readFile(path.join(dir, file), "utf8")) as GoldenJournal })));
}
