/**
 * Versions: a changed body under a registered version is refused (that version only, with a
 * clear message), workers report what they serve, and per version the console learns the runs in
 * flight and whether any live worker serves it ("no worker has version N").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "../engine/definition";
import { recordingLogger } from "../engine/testing";
import { createInProcess, type InProcess } from "../testing/in-process";
import { fixtureWorkflows, replayProbe } from "../testing/fixture-workflows";
import { systemActor } from "./authorize";
import { loadRegistry, refusedVersions, syncWorkflowDefinitions } from "./registry";
import { startWorkerPresence } from "./worker-presence";

let t: InProcess;
beforeAll(async () => {
  t = await createInProcess("versions");
});
afterAll(async () => t?.close());

const greeter = (greeting: string) =>
  defineWorkflow({
    name: "greeter",
    version: 1,
    input: z.object({}),
    // The greeting is part of the body's source text, so the two variants hash differently.
    run: greeting === "hello" ? async (ctx) => ctx.step("greet", () => "hello") : async (ctx) => ctx.step("greet", () => "hi there"),
  });

describe("registering a changed body under an existing version", () => {
  it("is refused for that version only, with a message saying what to do", async () => {
    const first = loadRegistry([greeter("hello")]);
    expect(await syncWorkflowDefinitions(t.database.db, first, recordingLogger())).toEqual([]);

    const log = recordingLogger();
    const changed = loadRegistry([greeter("hi"), replayProbe(1)]);
    const conflicts = await syncWorkflowDefinitions(t.database.db, changed, log);
    expect(conflicts.map((c) => `${c.name}@${c.version}`)).toEqual(["greeter@1"]);
    expect(changed.get("greeter", 1)).toBeUndefined();
    expect(changed.list().map((d) => `${d.name}@${d.version}`)).toEqual(["replay-probe@1"]);
    expect(refusedVersions(changed)).toEqual([expect.objectContaining({ name: "greeter", version: 1 })]);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: "error",
        message: expect.stringMatching(
          /^Refusing to serve workflow greeter version 1: its definition changed since that version was registered .*Restore version 1's code and give the changed definition a new version number\.$/,
        ),
      }),
    ]);
  });
});

describe("version coverage", () => {
  it("shows runs in flight per version and says when no live worker serves a version", async () => {
    const { run } = await t.control.startRun({ workflow: "replay-probe", version: 3, input: { label: "pinned" } }, systemActor);
    // Before any worker reported presence, nobody can say whether a worker has the version.
    let coverage = await t.control.listVersionCoverage(systemActor, "replay-probe");
    expect(coverage.find((v) => v.version === 3)).toMatchObject({ inFlight: { queued: 1, total: 1 }, workers: null, unserved: false });

    const lacking = loadRegistry(fixtureWorkflows().filter((def) => !(def.name === "replay-probe" && def.version === 3)));
    const presence = await startWorkerPresence({ db: t.database.db, registry: lacking, log: recordingLogger() }, { workerId: "worker-old", heartbeatMs: 60_000 });
    coverage = await t.control.listVersionCoverage(systemActor, "replay-probe");
    expect(coverage.map((v) => [v.version, v.inFlight.total, v.workers, v.unserved])).toEqual([
      [3, 1, 0, true],
      [2, 0, 1, false],
      [1, 0, 1, false],
    ]);

    // The run stays queued: this worker's registry has no version 3 (runs are pinned to their version).
    expect(lacking.get("replay-probe", 3)).toBeUndefined();
    expect((await t.control.getRun(run.id, systemActor)).status).toBe("queued");

    const full = loadRegistry(fixtureWorkflows());
    const second = await startWorkerPresence({ db: t.database.db, registry: full, log: recordingLogger() }, { workerId: "worker-new", heartbeatMs: 60_000 });
    coverage = await t.control.listVersionCoverage(systemActor, "replay-probe");
    expect(coverage.find((v) => v.version === 3)).toMatchObject({ workers: 1, unserved: false });

    // A worker that stops cleanly stops counting at once.
    await second.stop();
    coverage = await t.control.listVersionCoverage(systemActor, "replay-probe");
    expect(coverage.find((v) => v.version === 3)).toMatchObject({ workers: 0, unserved: true });
    await presence.stop();
  });

  it("lists the refusals of live workers with their reason", async () => {
    await syncWorkflowDefinitions(t.database.db, loadRegistry([greeter("hello")]), recordingLogger()); // registered first
    const refusing = loadRegistry([greeter("hi")]);
    await syncWorkflowDefinitions(t.database.db, refusing, recordingLogger());
    const presence = await startWorkerPresence({ db: t.database.db, registry: refusing, log: recordingLogger() }, { workerId: "worker-refusing", heartbeatMs: 60_000 });
    const [greeterV1] = await t.control.listVersionCoverage(systemActor, "greeter");
    expect(greeterV1).toMatchObject({ workflow: "greeter", version: 1, workers: 0 });
    expect(greeterV1.refusedBy).toEqual([{ workerId: "worker-refusing", message: expect.stringContaining("Refusing to serve workflow greeter version 1") }]);
    await presence.stop();
  });
});
