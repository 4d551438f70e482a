/**
 * Support triage: a cheap model classifies the ticket; bugs and urgent issues get a reply drafted
 * by a strong model and go to engineering, how-to questions are answered by the cheap model,
 * and refund requests wait for a person before they reach the billing queue.
 */
import { z } from "zod";
import { defineWorkflow } from "../sdk";
import { notifyCustomer, routeTicket } from "../demo/tools";

const CATEGORIES = ["billing", "bug", "how-to", "urgent"] as const;
type Category = (typeof CATEGORIES)[number];

const CHEAP_MODEL = "gpt-4o-mini";
/** Routed to Anthropic when ANTHROPIC_API_KEY is set, otherwise to the demo provider. */
const STRONG_MODEL = "claude-sonnet-4-6";

/** The category the model answered; anything else is treated as urgent, so a person looks at it. */
function parseCategory(answer: string): Category {
  const word = answer.trim().toLowerCase().replace(/[^a-z-]/g, "");
  return CATEGORIES.find((category) => category === word) ?? "urgent";
}

export default defineWorkflow({
  name: "support-triage",
  version: 1,
  description: "Classifies a support ticket, drafts a reply, routes it, and asks a person before refunds.",
  input: z.object({
    ticketId: z.string().min(1),
    customer: z.string().min(1),
    subject: z.string().min(1).max(300),
    body: z.string().min(1).max(20_000),
  }),
  budget: { maxCostUsd: 0.25, maxTokens: 30_000, onExceed: "pause" },

  async run(ctx, input) {
    const ticket = `Customer: ${input.customer}\nSubject: ${input.subject}\n\n${input.body}`;

    const classification = await ctx.llm("classify", {
      model: CHEAP_MODEL,
      temperature: 0,
      maxTokens: 5,
      messages: [
        {
          role: "system",
          content:
            `Classify the support ticket into exactly one of: ${CATEGORIES.join(" | ")}. ` +
            '"urgent" means production is down or data is at risk. Answer with the label only.',
        },
        { role: "user", content: ticket },
      ],
    });
    const category = parseCategory(classification.text);

    if (category === "billing") {
      const decision = await ctx.waitForApproval("approve-refund", {
        summary: `Refund request from ${input.customer} on ticket ${input.ticketId}: "${input.subject}"`,
        data: { ticketId: input.ticketId, customer: input.customer, subject: input.subject, body: input.body },
      });
      const queue = decision.approved ? "billing-refunds" : "billing";
      await ctx.step(
        "route-ticket",
        ({ idempotencyKey, signal }) => routeTicket(input.ticketId, queue, idempotencyKey, { signal, note: decision.comment }),
        { sideEffect: true },
      );
      return { category, queue, refundApproved: decision.approved };
    }

    const needsEngineering = category === "bug" || category === "urgent";
    const reply = await ctx.llm("draft-reply", {
      model: needsEngineering ? STRONG_MODEL : CHEAP_MODEL,
      temperature: 0.3,
      maxTokens: 600,
      messages: [
        {
          role: "system",
          content: needsEngineering
            ? "You are a senior support engineer. Draft a reply to the customer: acknowledge the problem, say that " +
              "engineering is investigating, and ask for what is missing (steps, screenshots, when it happened). Promise no dates."
            : "You are a friendly support agent. Draft a reply that answers the customer's how-to question in a few clear steps.",
        },
        { role: "user", content: ticket },
      ],
    });

    if (needsEngineering) {
      await ctx.step(
        "route-ticket",
        ({ idempotencyKey, signal }) =>
          routeTicket(input.ticketId, "engineering", idempotencyKey, { signal, note: `[${category}] Draft reply:\n${reply.text}` }),
        { sideEffect: true },
      );
      return { category, queue: "engineering", reply: reply.text };
    }

    await ctx.step(
      "notify-customer",
      ({ idempotencyKey, signal }) =>
        notifyCustomer({ ticketId: input.ticketId, customer: input.customer, message: reply.text }, idempotencyKey, { signal }),
      { sideEffect: true },
    );
    return { category, queue: "self-service", reply: reply.text };
  },
});
