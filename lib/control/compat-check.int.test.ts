/**
 * The compatibility check lists exactly the in-flight runs a changed definition breaks, each with
 * its first diverging step; runs that replay cleanly, ended runs and untouched workflows are not
 * listed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcess, type InProcess } from "../testing/in-process";
import { fixtureWorkflows } from "../testing/fixture-workflows";
import { systemActor } from "./authorize";

let t: InProcess;
const reorderWaiting: string[] = [];
let reorderQueued: string;
let reorderDone: string;
let approvalWaiting: string;

beforeAll(async () => {
  t = await createInProcess("compat_check");
  for (let i = 0; i < 2; i++) {
    const { run } = await t.control.startRun({ workflow: "reorder-probe", input: {} }, systemActor);
    expect(await t.drive(run.id)).toBe("waiting"); // journal: first, second, gate (pending)
    reorderWaiting.push(run.id);
  }
  reorderQueued = (await t.control.startRun({ workflow: "reorder-probe", input: {} }, systemActor)).run.id; // no journal yet
  const done = await t.control.startRun({ workflow: "reorder-probe", input: {} }, systemActor);
  expect(await t.drive(done.run.id)).toBe("waiting");
  await t.control.cancelRun(done.run.id, systemActor); // ended: not in flight
  reorderDone = done.run.id;
  approvalWaiting = (await t.control.startRun({ workflow: "approval-probe", input: { label: "x" } }, systemActor)).run.id;
  expect(await t.drive(approvalWaiting)).toBe("waiting");
});
afterAll(async () => t?.close());

describe("checkCompat", () => {
  it("finds nothing broken against the definitions the runs started on", async () => {
    const report = await t.control.checkCompat({}, systemActor);
    expect(report).toMatchObject({ checkedRuns: 4, compatibleRuns: 4, broken: [], truncated: false });
  });

  it("lists exactly the in-flight runs a reordered definition breaks, with the first diverging step", async () => {
    const { control } = t.withWorkflows(fixtureWorkflows("reordered"));
    const report = await control.checkCompat({}, systemActor);
    expect(report.checkedRuns).toBe(4);
    expect(report.broken.map((b) => b.runId)).toEqual(reorderWaiting);
    expect(report.broken.map((b) => b.runId)).not.toContain(reorderQueued);
    expect(report.broken.map((b) => b.runId)).not.toContain(reorderDone);
    expect(report.broken[0]).toEqual({
      runId: reorderWaiting[0],
      workflow: "reorder-probe",
      version: 1,
      status: "waiting",
      journaledSteps: 3,
      problem: "step_mismatch",
      step: { id: "first", seq: 0, kind: "step" },
      message: 'reorder-probe@1 calls "second" (step) at position 0, where the journal recorded "first" (step).',
    });
  });

  it("reports in-flight runs of a version the code no longer has", async () => {
    const { control } = t.withWorkflows(fixtureWorkflows().filter((def) => def.name !== "approval-probe"));
    const report = await control.checkCompat({}, systemActor);
    expect(report.broken).toEqual([
      expect.objectContaining({ runId: approvalWaiting, problem: "version_missing", step: null, message: expect.stringContaining("approval-probe version 1") }),
    ]);
    const filtered = await control.checkCompat({ workflow: "reorder-probe" }, systemActor);
    expect(filtered).toMatchObject({ checkedRuns: 3, broken: [] });
  });
});
