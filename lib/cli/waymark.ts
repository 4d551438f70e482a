/**
 * `npm run waymark -- <command>`: operator commands.
 *
 *   check-compat [--workflow <name>] [--version <n>] [--limit <n>] [--json]
 *       Before a deploy: replays the stored journals of every in-flight and waiting run against the
 *       workflow definitions in this checkout and lists the runs that would break, with the first
 *       diverging step. Reads DATABASE_URL; runs nothing and changes nothing. Exit code 1 when a
 *       run would break, 0 when none would.
 *
 *   record-golden
 *       Re-records the golden journals of the demo workflows (lib/workflows/golden/*.json).
 */
import { parseArgs } from "node:util";
import { getConfig } from "../config/env";
import { checkCompat } from "../control/compat-check";
import { loadRegistry } from "../control/registry";
import { systemActor } from "../control/authorize";
import type { CompatReport } from "../control/types";
import { createDb, isConnectionError } from "../data/db";
import { describeConnectionError } from "../data/migrate";
import { writeGoldenJournals } from "../testing/golden-journals";

const USAGE = `Usage: npm run waymark -- <command>

Commands:
  check-compat [--workflow <name>] [--version <n>] [--limit <n>] [--json]
      List the in-flight runs whose journals do not replay against this checkout's workflows.
  record-golden
      Re-record the golden journals of the demo workflows (lib/workflows/golden/).
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(code);
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive whole number, got "${value}".`);
  return n;
}

export function formatCompatReport(report: CompatReport): string {
  const lines = [
    `Checked ${report.checkedRuns} in-flight run${report.checkedRuns === 1 ? "" : "s"} against the workflow definitions in this checkout: ` +
      `${report.compatibleRuns} replay cleanly, ${report.broken.length} would break.`,
  ];
  if (report.truncated) lines.push("Only the oldest runs were checked; pass --limit to check more.");
  for (const broken of report.broken) {
    const step = broken.step ? ` at step "${broken.step.id}" (position ${broken.step.seq})` : "";
    lines.push("", `  ${broken.runId}  ${broken.workflow}@${broken.version}  ${broken.status}  ${broken.problem}${step}`, `    ${broken.message}`);
  }
  if (report.broken.length > 0) {
    lines.push(
      "",
      "Deploying these definitions would fail the runs above. Keep the old body under its version and ship the change as a new version,",
      "or let the runs end first (the console shows per version how many runs are still in flight).",
    );
  }
  return lines.join("\n");
}

async function checkCompatCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { workflow: { type: "string" }, version: { type: "string" }, limit: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const config = getConfig();
  const db = createDb(config.DATABASE_URL, { max: 2, applicationName: "waymark-check-compat" });
  try {
    const report = await checkCompat(
      { db, registry: loadRegistry() },
      { workflow: values.workflow, version: positiveInt(values.version, "--version"), limit: positiveInt(values.limit, "--limit") },
      systemActor,
    );
    process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : formatCompatReport(report)}\n`);
    return report.broken.length > 0 ? 1 : 0;
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    const unreachable = isConnectionError(error) || code === "28P01" || code === "28000" || code === "3D000";
    process.stderr.write(`${unreachable ? describeConnectionError(config.DATABASE_URL, error) : `check-compat failed: ${String(error)}`}\n`);
    return 2;
  } finally {
    await db.close();
  }
}

async function recordGoldenCommand() {
  const written = await writeGoldenJournals();
  process.stdout.write(`Recorded ${written.length} golden journals:\n${written.map((file) => `  ${file}`).join("\n")}\n`);
  return 0;
}

const [command, ...rest] = process.argv.slice(2);
let exitCode: number;
switch (command) {
  case "check-compat":
    exitCode = await checkCompatCommand(rest);
    break;
  case "record-golden":
    exitCode = await recordGoldenCommand();
    break;
  case undefined:
  case "help":
  case "--help":
    process.stdout.write(USAGE);
    exitCode = 0;
    break;
  default:
    fail(`Unknown command "${command}".`);
}
process.exit(exitCode);
