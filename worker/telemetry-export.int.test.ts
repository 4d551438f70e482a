/**
 * Trace export from real worker processes to a loopback OTLP/HTTP receiver configured only with
 * the standard environment variables, decoding protobuf with the official proto definitions:
 * span names, kinds, the tree and the GenAI attributes; one trace per run across an approval
 * wait and a worker SIGKILL with no duplicate LLM spans; content off by default and on when
 * opted in; a canary secret in a prompt never in any exported byte.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRunTrace } from "../lib/control/traces";
import type { SpanRecord } from "../lib/telemetry/span-record";
import { startOtlpReceiver, type OtlpReceiver } from "../lib/telemetry/testing/otlp-receiver";
import { createTelemetryHarness, systemActor, type TelemetryHarness } from "../lib/telemetry/testing/telemetry-harness";
import { parseRunTraceContext } from "../lib/telemetry/run-trace-context";
import { openJson } from "../lib/security/secret-box";

const CANARY_KEY = "sk-proj-CANARY7f3a9c1e5b2d4f6a8c0e";
const CANARY_PATTERN = "TICKET-884422";

let h: TelemetryHarness;
let receiver: OtlpReceiver;

beforeAll(async () => {
  [h, receiver] = await Promise.all([createTelemetryHarness("telemetry_export"), startOtlpReceiver()]);
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

/** Only the standard variables: base endpoint (the SDK appends /v1/traces), headers, service and resource. */
const otelEnv = () => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer backend-token,x-team=agents",
  OTEL_SERVICE_NAME: "agents-worker",
  OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=ci",
});

const spansOfTrace = (traceId: string) => receiver.spans().filter((s) => s.traceId === traceId);
const byName = (spans: SpanRecord[], name: string) => spans.filter((s) => s.name === name);

async function runTraceId(runId: string): Promise<string> {
  return h.waitFor("the run's stored trace context", async () => {
    const [row] = await h.query<{ trace_context: null | { traceparent: string } }>("SELECT trace_context FROM runs WHERE id = $1", [runId]);
    return parseRunTraceContext(row?.trace_context ?? null)?.traceId;
  });
}

describe("trace export to an OTLP backend set with OTEL_* variables", () => {
  it("exports one trace per run across an approval wait and a worker SIGKILL, with one span per LLM call", async () => {
    const first = await h.spawnWorker("export-a", { env: otelEnv(), slowStepMs: 120_000 });
    const { run } = await h.control.startRun({ workflow: "trace-probe", input: { note: "ship it" } }, systemActor);
    const traceId = await runTraceId(run.id);

    // The draft's LLM span is exported while the run waits for a person.
    const approval = await h.waitFor("a pending approval", async () =>
      (await h.control.listApprovals({ status: "pending" }, systemActor)).find((a) => a.runId === run.id),
    );
    await h.waitFor("the draft's chat span at the receiver", async () => byName(spansOfTrace(traceId), "chat gpt-4o-mini").length === 1);
    await h.control.decideApproval(approval.id, { decision: "approve" }, systemActor);

    // Kill the worker in the middle of the slow step; another worker finishes the run.
    await h.waitFor("the slow step to be running", async () => {
      const rows = await h.query<{ status: string }>("SELECT status FROM journal_entries WHERE run_id = $1 AND step_id = 'slow'", [run.id]);
      return rows[0]?.status === "running";
    });
    await first.kill("SIGKILL");
    const second = await h.spawnWorker("export-b", { env: otelEnv(), slowStepMs: 0 });
    await h.waitFor("the run to succeed", async () => (await h.control.getRun(run.id, systemActor)).status === "succeeded", 90_000);
    await h.waitFor("the root span at the receiver", async () => byName(spansOfTrace(traceId), "invoke_workflow trace-probe").length === 1);
    await second.kill("SIGTERM"); // the next tests start workers of their own

    // Every span of the run is in the run's one trace, and every one of them reached the backend once.
    const spans = spansOfTrace(traceId);
    const strays = receiver.spans().filter((s) => s.attributes["waymark.run.id"] === run.id && s.traceId !== traceId);
    expect(strays).toEqual([]);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);

    const [root] = byName(spans, "invoke_workflow trace-probe");
    expect(root).toMatchObject({ kind: "internal", parentSpanId: null, statusCode: "unset", serviceName: "agents-worker" });
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "trace-probe",
      "waymark.run.id": run.id,
      "waymark.workflow.version": 3,
    });
    expect(root.resourceAttributes).toMatchObject({ "deployment.environment": "ci", "service.name": "agents-worker" });

    // The tree: every span hangs off the run's root, whichever worker exported it.
    for (const span of spans.filter((s) => s !== root)) expect(span.parentSpanId).toBe(root.spanId);
    const workers = new Set(spans.filter((s) => s !== root).map((s) => s.resourceAttributes["service.instance.id"]));
    expect(workers).toEqual(new Set(["export-a", "export-b"]));

    // One span per LLM call: the replayed draft (journaled) is not exported again after the wait or the crash.
    const chats = byName(spans, "chat gpt-4o-mini");
    expect(chats.map((s) => s.attributes["waymark.step.id"]).sort()).toEqual(["draft", "final"]);
    // The killed attempt of the slow step never ended, so only the attempt that finished it is exported.
    expect(byName(spans, "step slow")).toHaveLength(1);

    for (const chat of chats) {
      expect(chat.kind).toBe("client");
      expect(chat.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "waymark-demo",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": expect.any(String),
        "gen_ai.usage.input_tokens": expect.any(Number),
        "gen_ai.usage.output_tokens": expect.any(Number),
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.id": expect.stringMatching(/^chatcmpl-/),
        "server.address": "127.0.0.1",
        "waymark.run.id": run.id,
        "waymark.workflow.version": 3,
        "waymark.cost.usd": expect.any(Number),
      });
      expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    }

    // The exporter sent what the standard variables say: the signal path, the headers, protobuf by default.
    const request = receiver.requests.find((r) => r.spans.some((s) => s.traceId === traceId))!;
    expect(request.path).toBe("/v1/traces");
    expect(request.headers).toMatchObject({ authorization: "Bearer backend-token", "x-team": "agents", "content-type": "application/x-protobuf" });

    // The console's own store has the same trace.
    const stored = await h.waitFor("the console's copy of the trace", async () => {
      const view = await getRunTrace(h.database.db, run.id, systemActor);
      return view.spans.length === spans.length ? view : null;
    });
    expect(stored.traceId).toBe(traceId);
    expect(stored.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
  }, 180_000);

  it("exports no message content by default; with capture on, redacted messages; a canary secret never leaves", async () => {
    const env = {
      ...otelEnv(),
      OTEL_EXPORTER_OTLP_ENDPOINT: "",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
      WAYMARK_REDACT_PATTERNS: '["TICKET-[0-9]{6}"]',
    };
    const note = `use key ${CANARY_KEY} for ${CANARY_PATTERN}`;

    const plain = await h.spawnWorker("content-off", { env });
    const { run: off } = await h.control.startRun({ workflow: "echo-probe", input: { note } }, systemActor);
    const offTrace = await runTraceId(off.id);
    await h.waitFor("the content-off run's root span", async () => byName(spansOfTrace(offTrace), "invoke_workflow echo-probe").length === 1);
    await plain.kill("SIGTERM");

    const capturing = await h.spawnWorker("content-on", { env: { ...env, WAYMARK_CAPTURE_CONTENT: "true" } });
    const { run: on } = await h.control.startRun({ workflow: "echo-probe", input: { note } }, systemActor);
    const onTrace = await runTraceId(on.id);
    await h.waitFor("the content-on run's root span", async () => byName(spansOfTrace(onTrace), "invoke_workflow echo-probe").length === 1);
    await capturing.kill("SIGTERM");

    const [offChat] = byName(spansOfTrace(offTrace), "chat gpt-4o-mini");
    expect(offChat.attributes).not.toHaveProperty("gen_ai.input.messages");
    expect(offChat.attributes).not.toHaveProperty("gen_ai.output.messages");

    const [onChat] = byName(spansOfTrace(onTrace), "chat gpt-4o-mini");
    const input = JSON.parse(onChat.attributes["gen_ai.input.messages"] as string);
    const output = JSON.parse(onChat.attributes["gen_ai.output.messages"] as string);
    expect(input).toEqual([{ role: "user", parts: [{ type: "text", content: "[[demo:echo]] use key [REDACTED] for [REDACTED]" }] }]);
    expect(output[0]).toMatchObject({ role: "assistant", finish_reason: "stop" });
    expect(output[0].parts[0].content).toContain("[REDACTED]");

    // Every exported byte: OTLP/JSON bodies after gzip was undone (and as sent), and the console's store.
    const relevant = receiver.requests.filter((r) => r.spans.some((s) => s.traceId === offTrace || s.traceId === onTrace));
    expect(relevant.length).toBeGreaterThan(0);
    for (const request of relevant) {
      expect(request.headers["content-encoding"]).toBe("gzip");
      expect(request.headers["content-type"]).toBe("application/json");
      for (const bytes of [request.body, request.raw]) {
        expect(bytes.includes(CANARY_KEY)).toBe(false);
        expect(bytes.includes("CANARY7f3a9c1e")).toBe(false);
        expect(bytes.includes(CANARY_PATTERN)).toBe(false);
      }
    }
    const stored = JSON.stringify(await h.query("SELECT * FROM spans WHERE trace_id = ANY($1)", [[offTrace, onTrace]]));
    expect(stored).not.toContain("CANARY7f3a9c1e");
    expect(stored).not.toContain(CANARY_PATTERN);
    // Proof the canary did reach the workflow (the journal keeps it, behind the console's access control).
    const rows = await h.query<{ input: unknown }>("SELECT input FROM journal_entries WHERE run_id = $1", [on.id]);
    const journal = JSON.stringify(rows.map((row) => openJson(row.input)));
    expect(journal).toContain(CANARY_PATTERN);
  }, 120_000);

  it("switches to the newest experimental GenAI names with OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental", async () => {
    const worker = await h.spawnWorker("semconv-latest", { env: { ...otelEnv(), OTEL_SEMCONV_STABILITY_OPT_IN: "gen_ai_latest_experimental" } });
    const { run } = await h.control.startRun({ workflow: "echo-probe", input: { note: "hi" } }, systemActor);
    const traceId = await runTraceId(run.id);
    await h.waitFor("the root span", async () => byName(spansOfTrace(traceId), "invoke_workflow echo-probe").length === 1);
    await worker.kill("SIGTERM");
    const [root] = byName(spansOfTrace(traceId), "invoke_workflow echo-probe");
    expect(root.attributes).toMatchObject({ "gen_ai.invocation.is_nested": false, "gen_ai.operation.name": "invoke_workflow" });
  }, 90_000);
});
