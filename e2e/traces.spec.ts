/**
 * Traces in a real Chromium against `npm start`: a demo run's trace view shows its LLM spans with
 * tokens and cost; the console's OTLP/HTTP endpoint takes a foreign service's traces as JSON and
 * as gzip'd protobuf, and the traces page lists and shows them, filterable by service.
 */
import { gzipSync } from "node:zlib";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { encodeTraceRequestProtobuf } from "../lib/telemetry/otlp-decode";
import { admin, bearer, signedInPage, unique } from "./pages/console";

const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join("");

/** An OTLP/JSON export request as a foreign app (say, one using the Vercel AI SDK) would send it. */
function foreignRequest(service: string, model: string) {
  const traceId = hex(16);
  const rootId = hex(8);
  const now = BigInt(Date.now()) * 1_000_000n;
  const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });
  return {
    traceId,
    body: {
      resourceSpans: [
        {
          resource: { attributes: [str("service.name", service)] },
          scopeSpans: [
            {
              scope: { name: "ai", version: "5.0.0" },
              spans: [
                { traceId, spanId: rootId, name: "ai.generateText", kind: 1, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 900_000_000n), status: {} },
                {
                  traceId,
                  spanId: hex(8),
                  parentSpanId: rootId,
                  name: `chat ${model}`,
                  kind: 3,
                  startTimeUnixNano: String(now + 100_000_000n),
                  endTimeUnixNano: String(now + 800_000_000n),
                  attributes: [
                    str("gen_ai.operation.name", "chat"),
                    str("gen_ai.system", "openai"),
                    str("gen_ai.request.model", model),
                    int("gen_ai.usage.input_tokens", 321),
                    int("gen_ai.usage.output_tokens", 54),
                  ],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

/** Drives a run to its end, approving whatever it asks for. */
async function finishRun(request: APIRequestContext, runId: string) {
  await expect
    .poll(
      async () => {
        const approvals = (await (await request.get("/api/v1/approvals?status=pending", { headers: bearer(admin.apiKey) })).json()) as {
          approvals: Array<{ id: string; runId: string }>;
        };
        for (const approval of approvals.approvals.filter((a) => a.runId === runId)) {
          await request.post(`/api/v1/approvals/${approval.id}/decision`, { headers: bearer(admin.apiKey), data: { decision: "approve" } });
        }
        const { run } = (await (await request.get(`/api/v1/runs/${runId}`, { headers: bearer(admin.apiKey) })).json()) as { run: { status: string } };
        return run.status;
      },
      { message: `run ${runId} finishes`, timeout: 60_000 },
    )
    .toBe("succeeded");
}

test("a demo run's trace view shows its LLM spans with tokens and cost", async ({ browser, request }) => {
  const started = await request.post("/api/v1/runs", {
    headers: bearer(admin.apiKey),
    data: {
      workflow: "support-triage",
      input: { ticketId: `T-${unique()}`, customer: "Trace Co", subject: "How do I configure SSO?", body: "How do I set up single sign-on for my team?" },
    },
  });
  expect(started.status(), await started.text()).toBe(201);
  const runId = ((await started.json()) as { run: { id: string } }).run.id;
  await finishRun(request, runId);

  // The API returns the run's one trace; the root span arrives when the run ends.
  await expect
    .poll(async () => {
      const trace = (await (await request.get(`/api/v1/runs/${runId}/trace`, { headers: bearer(admin.apiKey) })).json()) as {
        rootSpanId: string;
        spans: Array<{ spanId: string; name: string }>;
      };
      return trace.spans.some((s) => s.spanId === trace.rootSpanId && s.name === "invoke_workflow support-triage");
    }, { message: "the run's root span is stored", timeout: 30_000 })
    .toBe(true);

  const page = await signedInPage(browser);
  await page.goto(`/runs/${runId}/trace`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("support-triage");
  const rows = page.getByTestId("span-row");
  await expect(rows.filter({ hasText: "invoke_workflow support-triage" })).toHaveCount(1);
  const llmRows = rows.filter({ hasText: "chat gpt-4o-mini" });
  await expect(llmRows).toHaveCount(2);
  await expect(llmRows.first().getByTestId("llm-facts")).toContainText(/\d+ in \/ \d+ out tokens · <?\$0\.\d+/);

  await llmRows.first().getByRole("button").click();
  const detail = page.getByTestId("genai-detail");
  await expect(detail).toContainText("gpt-4o-mini");
  await expect(detail).toContainText(/Tokens\s*\d+ in · \d+ out/);
  await expect(detail).toContainText(/Cost\s*<?\$0\.\d+/);
  await expect(detail).toContainText(/Finish reason\s*stop/);
  await expect(page.getByRole("region", { name: "Messages" })).toContainText("Not captured");
  await expect(page.getByRole("region", { name: "Attributes" })).toContainText("gen_ai.provider.name");
  await expect(page.getByRole("region", { name: "Attributes" })).toContainText(runId);
});

test("the OTLP endpoint takes a foreign service's JSON and protobuf traces, and the traces page shows them", async ({ browser, request }) => {
  const service = `support-bot-${unique()}`;
  const json = foreignRequest(service, "gpt-4.1");
  const proto = foreignRequest(service, "gpt-4.1-mini");

  const unauthenticated = await request.post("/api/v1/otlp/v1/traces", { headers: { "Content-Type": "application/json" }, data: json.body });
  expect(unauthenticated.status()).toBe(401);

  const sentJson = await request.post("/api/v1/otlp/v1/traces", {
    headers: { ...bearer(admin.apiKey), "Content-Type": "application/json" },
    data: JSON.stringify(json.body),
  });
  expect(sentJson.status(), await sentJson.text()).toBe(200);
  expect(await sentJson.json()).toEqual({});

  const sentProto = await request.post("/api/v1/otlp/v1/traces", {
    headers: { ...bearer(admin.apiKey), "Content-Type": "application/x-protobuf", "Content-Encoding": "gzip" },
    data: gzipSync(encodeTraceRequestProtobuf(proto.body)),
  });
  expect(sentProto.status(), await sentProto.text()).toBe(200);
  expect(sentProto.headers()["content-type"]).toContain("application/x-protobuf");

  const search = (await (await request.get(`/api/v1/traces?service=${service}`, { headers: bearer(admin.apiKey) })).json()) as {
    traces: Array<{ traceId: string; models: string[]; inputTokens: number }>;
    export: Array<{ destination: string }>;
  };
  expect(search.traces.map((t) => t.traceId).sort()).toEqual([json.traceId, proto.traceId].sort());
  expect(search.traces.flatMap((t) => t.models).sort()).toEqual(["gpt-4.1", "gpt-4.1-mini"]);

  const page = await signedInPage(browser);
  await page.goto("/traces");
  await page.getByLabel("Service").selectOption(service);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`service=${service}`));
  await expect(page.locator("tr[data-trace-id]")).toHaveCount(2);
  await expect(page.locator(`tr[data-trace-id="${proto.traceId}"]`)).toContainText("gpt-4.1-mini");
  // Worker spans reach the console's store; the export card says how many, and how many were dropped.
  await expect(page.getByTestId("export-stats")).toContainText("console");

  await page.locator(`tr[data-trace-id="${proto.traceId}"]`).getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/traces/${proto.traceId}`));
  const chat = page.getByTestId("span-row").filter({ hasText: "chat gpt-4.1-mini" });
  await expect(chat.getByTestId("llm-facts")).toContainText("321 in / 54 out tokens");
  await chat.getByRole("button").click();
  await expect(page.getByTestId("genai-detail")).toContainText("openai");
});
