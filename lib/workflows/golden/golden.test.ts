/**
 * Golden journals: recorded runs of the demo workflows, replayed against the current definitions.
 * A failure here means a code change would break runs already in flight on that version: keep the
 * old body under its version and ship the change as a new version (then record goldens for it
 * with `npm run waymark -- record-golden`). Never re-record to make a broken replay pass.
 */
import { describe, expect, it } from "vitest";
import { replayJournal } from "../../engine/compat";
import type { StepContext, StepOptions, WorkflowContext, WorkflowDefinition } from "../../engine/types";
import { definitionFor, GOLDEN_SCENARIOS, readGoldenJournals, reviveJournal } from "../../testing/golden-journals";
import { workflows } from "..";

const goldens = await readGoldenJournals();

describe("golden journals", () => {
  it("cover every registered version of every demo workflow, one file per recorded scenario", () => {
    const covered = new Set(goldens.map(({ golden }) => `${golden.workflow}@${golden.version}`));
    const missing = workflows.map((def) => `${def.name}@${def.version}`).filter((key) => !covered.has(key));
    expect(missing, "record golden journals for these versions: npm run waymark -- record-golden").toEqual([]);
    expect(goldens.map(({ file }) => file)).toEqual(GOLDEN_SCENARIOS.map((s) => `${s.name}.json`).sort());
  });

  it.each(goldens.map(({ file, golden }) => [file, golden] as const))("%s replays against the current definition", async (_file, golden) => {
    const definition = definitionFor(golden.workflow, golden.version);
    expect(definition, `${golden.workflow} version ${golden.version} is no longer in lib/workflows; keep every version registered while runs of it may exist`).toBeDefined();
    const report = await replayJournal({
      definition: definition!,
      journal: reviveJournal(golden),
      run: { id: golden.runId, input: golden.input, startedAt: new Date(golden.startedAt) },
    });
    expect(report.compatible ? "compatible" : report.divergence.message).toBe("compatible");
    if (!report.compatible) return;
    switch (golden.status) {
      case "succeeded":
        expect(report.ending).toBe("completed");
        expect(report.output, "the replayed run returns what the recorded run returned").toEqual(golden.output);
        break;
      case "waiting":
        expect(report.ending).toBe("waiting");
        break;
      case "failed":
        expect(report.ending).toBe("failed");
        expect(report.error?.message).toBe(golden.error?.message);
        break;
      default:
        throw new Error(`Golden ${golden.scenario} has status ${golden.status}; record runs that succeeded, failed or wait.`);
    }
    expect(report.matchedSteps).toBe(golden.journal.length);
  });
});

describe("the golden gate", () => {
  it("fails when a step of a registered version is renamed", async () => {
    const { golden } = goldens.find(({ golden }) => golden.scenario === "freight-quote-v1-approved")!;
    const original = definitionFor("freight-quote", 1)!;
    // The same workflow with "lookup-capacity" renamed, as a careless edit under version 1 would do.
    const renamed: WorkflowDefinition = {
      ...original,
      run: (ctx: WorkflowContext, input: unknown) =>
        original.run(
          {
            ...ctx,
            step: <T>(id: string, fn: (step: StepContext) => Promise<T> | T, options?: StepOptions) =>
              ctx.step(id === "lookup-capacity" ? "check-capacity" : id, fn, options),
          },
          input,
        ),
    };
    const report = await replayJournal({
      definition: renamed,
      journal: reviveJournal(golden),
      run: { id: golden.runId, input: golden.input, startedAt: new Date(golden.startedAt) },
    });
    expect(report).toMatchObject({ compatible: false, divergence: { position: 1, expected: { stepId: "lookup-capacity" }, found: { stepId: "check-capacity" } } });
  });
});
