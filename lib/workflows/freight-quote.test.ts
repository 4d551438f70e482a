import { beforeEach, describe, expect, it } from "vitest";
import { runWorkflowForTest } from "../sdk/testing";
import { createMemorySink, type Sink } from "../demo/sink";
import { configureDemoTools } from "../demo/tools";
import { demoReply } from "../demo/demo-replies";
import freightQuote from "./freight-quote";

const DRAFT = "Subject: Your freight quote\n\nDear Acme GmbH,\n\nHere is our offer.\n\nBest regards";
const draftQuote = () => DRAFT;
const order = (weightKg: number) => ({ customer: "Acme GmbH", email: "ops@acme.example", lane: "Rotterdam → Chicago", weightKg });

let sink: Sink;
beforeEach(() => {
  sink = createMemorySink();
  configureDemoTools({ sink });
});

const stepIds = (journal: Array<{ stepId: string }>) => journal.map((entry) => entry.stepId);

describe("freight-quote", () => {
  it("sends a large quote once it is approved, with the approver seeing customer, amount and draft", async () => {
    let approvalData: unknown;
    const result = await runWorkflowForTest(freightQuote, order(5_000), {
      llm: draftQuote,
      approvals: {
        "approve-quote": (data) => {
          approvalData = data;
          return { approved: true };
        },
      },
    });

    expect(result.status).toBe("succeeded");
    expect(result.output).toMatchObject({ status: "sent", carrier: expect.any(String) });
    expect(result.output!.quoteUsd).toBeGreaterThan(2_000);
    expect(stepIds(result.journal)).toEqual(["fetch-rates", "lookup-capacity", "draft-quote", "approve-quote", "send-email"]);
    const approval = result.journal.find((entry) => entry.stepId === "approve-quote")!;
    expect((approval.input as { summary: string }).summary).toContain("Acme GmbH");
    expect((approval.input as { summary: string }).summary).toMatch(/\$\d{1,3},\d{3}\.\d{2}/);
    expect(approvalData).toMatchObject({ customer: "Acme GmbH", quoteUsd: result.output!.quoteUsd, draft: DRAFT });
    expect((approvalData as { rates: unknown[] }).rates).toHaveLength(3);

    expect(await sink.count({ channel: "email" })).toBe(1);
    const [email] = await sink.list({ channel: "email" });
    expect(email).toMatchObject({
      idempotencyKey: "test-run:send-email",
      deliveries: 1,
      payload: { to: "ops@acme.example", subject: "Your freight quote", body: expect.stringContaining("Dear Acme GmbH") },
    });
  });

  it("sends nothing when the quote is rejected", async () => {
    const result = await runWorkflowForTest(freightQuote, order(5_000), {
      llm: draftQuote,
      approvals: { "approve-quote": { approved: false, reason: "rejected", comment: "too expensive" } },
    });
    expect(result.status).toBe("succeeded");
    expect(result.output).toMatchObject({ status: "rejected" });
    expect(stepIds(result.journal)).not.toContain("send-email");
    expect(await sink.count()).toBe(0);
  });

  it("waits for a person while nobody has decided", async () => {
    const result = await runWorkflowForTest(freightQuote, order(5_000), { llm: draftQuote });
    expect(result.status).toBe("waiting");
    expect(result.waitingFor).toBe("approve-quote");
    expect(await sink.count()).toBe(0);
  });

  it("sends a small quote without asking anyone", async () => {
    const result = await runWorkflowForTest(freightQuote, order(200), { llm: draftQuote });
    expect(result.status).toBe("succeeded");
    expect(result.output!.status).toBe("sent");
    expect(result.output!.quoteUsd).toBeLessThanOrEqual(2_000);
    expect(stepIds(result.journal)).not.toContain("approve-quote");
    expect(await sink.count({ channel: "email" })).toBe(1);
  });

  it("retries a flaky rates API, and applies the email once when its step is delivered twice", async () => {
    let rateCalls = 0;
    let emailCalls = 0;
    const result = await runWorkflowForTest(freightQuote, order(200), {
      llm: draftQuote,
      steps: {
        "fetch-rates": (original) => (++rateCalls < 3 ? Promise.reject(new Error("rates API timed out")) : original()),
        // The email goes out, then the worker "crashes" before journaling: the step runs again.
        "send-email": async (original) => {
          await original();
          if (++emailCalls === 1) throw new Error("worker lost before the journal write");
        },
      },
    });
    expect(result.status).toBe("succeeded");
    expect(result.journal.find((entry) => entry.stepId === "fetch-rates")!.attempts).toBe(3);
    expect(await sink.count({ channel: "email" })).toBe(1);
    expect((await sink.list({ channel: "email" }))[0].deliveries).toBe(2);
  });

  it("fails with a clear reason when no carrier has room", async () => {
    const result = await runWorkflowForTest(freightQuote, order(1_000_000), { llm: draftQuote });
    expect(result.status).toBe("failed");
    expect(result.error!.message).toContain("No carrier has room for 1000000 kg on Rotterdam → Chicago");
    expect(result.llmCalls).toHaveLength(0);
  });

  it("runs end to end on the demo provider's replies", async () => {
    const result = await runWorkflowForTest(freightQuote, { ...order(200), notes: "Pallets are fragile" }, {
      llm: (request) => demoReply(request.model, request.messages),
    });
    expect(result.output!.status).toBe("sent");
    const [email] = await sink.list({ channel: "email" });
    expect(email.payload).toMatchObject({ subject: "Your freight quote — Rotterdam → Chicago" });
    expect((email.payload as { body: string }).body).toContain("Pallets are fragile");
  });
});
