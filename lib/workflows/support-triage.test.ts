import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflowForTest } from "../sdk/testing";
import { createMemorySink, type Sink } from "../demo/sink";
import { configureDemoTools } from "../demo/tools";
import { demoReply } from "../demo/demo-replies";
import supportTriage from "./support-triage";
import type { LlmRequest } from "../engine/types";

const ticket = { ticketId: "T-1042", customer: "jane@example.com", subject: "Help", body: "Something about my account." };
const REPLY = "Hi Jane, thanks for reaching out.";
/** Classifies as `label`, drafts REPLY. */
const answering = (label: string) => (_request: LlmRequest, { stepId }: { stepId: string }) => (stepId === "classify" ? label : REPLY);

let sink: Sink;
beforeEach(() => {
  sink = createMemorySink();
  configureDemoTools({ sink });
});

describe("support-triage", () => {
  it.each(["bug", "urgent"])("sends a %s ticket to engineering with a reply drafted by the strong model", async (label) => {
    const result = await runWorkflowForTest(supportTriage, ticket, { llm: answering(label) });
    expect(result.output).toEqual({ category: label, queue: "engineering", reply: REPLY });
    expect(result.llmCalls.map((call) => call.model)).toEqual(["gpt-4o-mini", "claude-sonnet-4-6"]);
    const [routed] = await sink.list({ channel: "ticket-route" });
    expect(routed.payload).toMatchObject({ ticketId: "T-1042", queue: "engineering", note: expect.stringContaining(REPLY) });
    expect(await sink.count({ channel: "notify" })).toBe(0);
  });

  it("answers a how-to ticket with the cheap model and notifies the customer", async () => {
    const result = await runWorkflowForTest(supportTriage, ticket, { llm: answering("how-to") });
    expect(result.output).toEqual({ category: "how-to", queue: "self-service", reply: REPLY });
    expect(result.llmCalls.map((call) => call.model)).toEqual(["gpt-4o-mini", "gpt-4o-mini"]);
    const [notified] = await sink.list({ channel: "notify" });
    expect(notified.payload).toEqual({ ticketId: "T-1042", customer: "jane@example.com", message: REPLY });
    expect(await sink.count({ channel: "ticket-route" })).toBe(0);
  });

  it("asks a person before a refund, then routes to refunds when approved", async () => {
    const result = await runWorkflowForTest(supportTriage, ticket, {
      llm: answering("billing"),
      approvals: { "approve-refund": { approved: true, comment: "loyal customer" } },
    });
    expect(result.output).toEqual({ category: "billing", queue: "billing-refunds", refundApproved: true });
    expect(result.llmCalls).toHaveLength(1);
    const [routed] = await sink.list({ channel: "ticket-route" });
    expect(routed.payload).toEqual({ ticketId: "T-1042", queue: "billing-refunds", note: "loyal customer" });
  });

  it("routes a refused refund to the billing queue, and routes nothing while undecided", async () => {
    const rejected = await runWorkflowForTest(supportTriage, ticket, {
      llm: answering("billing"),
      approvals: { "approve-refund": { approved: false, reason: "rejected" } },
    });
    expect(rejected.output).toMatchObject({ queue: "billing", refundApproved: false });

    sink = createMemorySink();
    configureDemoTools({ sink });
    const waiting = await runWorkflowForTest(supportTriage, ticket, { llm: answering("billing") });
    expect(waiting.status).toBe("waiting");
    expect(waiting.waitingFor).toBe("approve-refund");
    expect(await sink.count()).toBe(0);
  });

  it.each([" Bug.\n", "URGENT"])("accepts the label %j in any case and punctuation", async (answer) => {
    const result = await runWorkflowForTest(supportTriage, ticket, { llm: answering(answer) });
    expect(result.output).toMatchObject({ queue: "engineering" });
  });

  it("treats an answer that is not a label as urgent, so a person looks at it", async () => {
    const result = await runWorkflowForTest(supportTriage, ticket, { llm: answering("I think this is spam") });
    expect(result.output).toMatchObject({ category: "urgent", queue: "engineering" });
  });

  it.each([
    ["Charged twice", "My card was charged twice for the March invoice.", "billing"],
    ["Export crashes", "Exporting a report crashes with an error 500.", "bug"],
    ["Everything is down", "Production outage: all users see a blank page, please help asap.", "urgent"],
    ["CSV export", "How do I export my data to CSV?", "how-to"],
  ])("classifies %j end to end on the demo provider's replies", async (subject, body, category) => {
    const result = await runWorkflowForTest(supportTriage, { ...ticket, subject, body }, {
      llm: (request) => demoReply(request.model, request.messages),
      approvals: { "approve-refund": { approved: true } },
    });
    expect(result.output).toMatchObject({ category });
  });
});
