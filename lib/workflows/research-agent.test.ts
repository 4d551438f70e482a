import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflowForTest } from "../sdk/testing";
import { createMemorySink, type Sink } from "../demo/sink";
import { configureDemoTools } from "../demo/tools";
import { demoReply } from "../demo/demo-replies";
import researchAgent from "./research-agent";
import type { LlmRequest } from "../engine/types";

const PLAN = "1. durable execution for workflows\n2. LLM observability cost per request\n3. AI agents in customer support";
const BRIEF = "# Agent runtimes\n\nSummary… [1] [2] [3]";
const scripted = (_request: LlmRequest, { stepId }: { stepId: string }) => (stepId === "plan" ? PLAN : BRIEF);

let sink: Sink;
beforeEach(() => {
  sink = createMemorySink();
  configureDemoTools({ sink });
});

describe("research-agent", () => {
  it("plans, reads one source per search, and publishes the brief after approval", async () => {
    const result = await runWorkflowForTest(researchAgent, { topic: "AI agent runtimes" }, {
      llm: scripted,
      approvals: { "approve-report": { approved: true } },
    });

    expect(result.status).toBe("succeeded");
    expect(result.journal.map((entry) => entry.stepId)).toEqual([
      "plan", "search-0", "read-0", "search-1", "read-1", "search-2", "read-2", "synthesize", "approve-report", "publish",
    ]);
    expect(result.llmCalls.map((call) => call.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    // The synthesis sees every source, numbered for citation.
    const synthesis = result.llmCalls[1].messages.at(-1)!.content;
    expect(synthesis).toContain("[1] A primer on durable execution");
    expect(synthesis).toContain("[3] AI agents in customer support");
    expect(result.output).toMatchObject({ status: "published", sources: 3, url: expect.stringMatching(/^https:\/\/reports\.example\.com\//) });

    const [published] = await sink.list({ channel: "publish" });
    expect(published).toMatchObject({ idempotencyKey: "test-run:publish", payload: { title: "Research brief: AI agent runtimes", body: BRIEF } });
    expect((published.payload as { sources: unknown[] }).sources).toHaveLength(3);
  });

  it("publishes nothing when the brief is rejected", async () => {
    const result = await runWorkflowForTest(researchAgent, { topic: "AI agent runtimes" }, {
      llm: scripted,
      approvals: { "approve-report": { approved: false, reason: "rejected" } },
    });
    expect(result.output).toEqual({ status: "rejected", sources: 3 });
    expect(await sink.count()).toBe(0);
  });

  it("skips reading a source it already read", async () => {
    const samePlan = "1. durable execution\n2. durable execution journal";
    const result = await runWorkflowForTest(researchAgent, { topic: "durable execution" }, {
      llm: (request, call) => (call.stepId === "plan" ? samePlan : BRIEF),
      approvals: { "approve-report": { approved: true } },
    });
    const reads = result.journal.filter((entry) => entry.stepId.startsWith("read-"));
    const urls = reads.map((entry) => (entry.output as { url: string }).url);
    expect(urls).toHaveLength(2);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it("runs end to end on the demo provider's replies", async () => {
    const result = await runWorkflowForTest(researchAgent, { topic: "grid batteries", audience: "utility executives" }, {
      llm: (request) => demoReply(request.model, request.messages),
      approvals: { "approve-report": (data) => ({ approved: String((data as { report: string }).report).startsWith("# Grid batteries") }) },
    });
    expect(result.output).toMatchObject({ status: "published" });
    expect(result.journal.filter((entry) => entry.stepId.startsWith("search-"))).toHaveLength(3);
  });
});
