/**
 * Freight quote: prices a shipment on a lane with the cheapest carrier that has room for it,
 * drafts the quote email with an LLM, asks a person to approve quotes above $2,000, and sends it.
 */
import { z } from "zod";
import { defineWorkflow, FatalError } from "../sdk";
import { fetchCarrierRates, lookupCapacity, sendEmail, type CarrierCapacity, type CarrierRate } from "../demo/tools";

/** Quotes above this amount wait for a person's approval before they go out. */
const APPROVAL_THRESHOLD_USD = 2_000;

const usd = (amount: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount);

/** The cheapest carrier with room for the shipment, and what it costs. */
function bestOffer(rates: CarrierRate[], capacity: CarrierCapacity[], weightKg: number) {
  return rates
    .filter((rate) => capacity.some((c) => c.carrier === rate.carrier && c.fits))
    .map((rate) => ({
      rate,
      departsInDays: capacity.find((c) => c.carrier === rate.carrier)!.departsInDays,
      totalUsd: Math.round((rate.baseUsd + rate.perKgUsd * weightKg) * 100) / 100,
    }))
    .sort((a, b) => a.totalUsd - b.totalUsd)[0];
}

/** Splits "Subject: …" off the top of a drafted email. */
function subjectAndBody(draft: string, fallbackSubject: string) {
  const match = /^\s*Subject:\s*(.+)\n+/i.exec(draft);
  return match ? { subject: match[1].trim(), body: draft.slice(match[0].length) } : { subject: fallbackSubject, body: draft };
}

export default defineWorkflow({
  name: "freight-quote",
  version: 1,
  description: "Prices a shipment, drafts the quote email, asks for approval above $2,000, and sends it.",
  input: z.object({
    customer: z.string().min(1),
    email: z.email(),
    lane: z.string().min(3).describe('Origin → destination, e.g. "Rotterdam → Chicago"'),
    weightKg: z.number().positive(),
    notes: z.string().optional(),
  }),
  budget: { maxCostUsd: 0.5, maxTokens: 50_000, onExceed: "pause" },

  async run(ctx, input) {
    const rates = await ctx.step("fetch-rates", ({ signal }) => fetchCarrierRates(input.lane, { signal }), {
      retry: { maxAttempts: 5 },
      timeoutMs: 30_000,
    });
    const capacity = await ctx.step("lookup-capacity", ({ signal }) => lookupCapacity(input.lane, input.weightKg, { signal }));

    const offer = bestOffer(rates, capacity, input.weightKg);
    if (!offer) {
      throw new FatalError(`No carrier has room for ${input.weightKg} kg on ${input.lane}: split the shipment or ask again next week.`);
    }
    const { rate, totalUsd } = offer;

    const draft = await ctx.llm("draft-quote", {
      model: "gpt-4o-mini",
      temperature: 0.2,
      messages: [
        {
          role: "system",
          content:
            "You are the pricing desk of a freight forwarder. Write a short, friendly quote email to the customer " +
            "using exactly the figures given; never invent prices, dates or carriers. Start with a 'Subject:' line.",
        },
        {
          role: "user",
          content: [
            `Customer: ${input.customer}`,
            `Lane: ${input.lane}`,
            `Weight: ${input.weightKg} kg`,
            `Carrier: ${rate.carrier} (${rate.service}, about ${rate.transitDays} days in transit)`,
            `Departure: in ${offer.departsInDays} days`,
            `Total: ${usd(totalUsd)}`,
            ...(input.notes ? [`Notes: ${input.notes}`] : []),
          ].join("\n"),
        },
      ],
    });

    if (totalUsd > APPROVAL_THRESHOLD_USD) {
      const decision = await ctx.waitForApproval("approve-quote", {
        summary: `Send ${input.customer} a quote of ${usd(totalUsd)} (${input.lane}, ${input.weightKg} kg via ${rate.carrier})?`,
        data: { customer: input.customer, email: input.email, lane: input.lane, quoteUsd: totalUsd, carrier: rate.carrier, rates, draft: draft.text },
        timeoutMs: 24 * 60 * 60 * 1000,
      });
      if (!decision.approved) return { status: "rejected" as const, quoteUsd: totalUsd, carrier: rate.carrier };
    }

    const email = subjectAndBody(draft.text, `Your freight quote — ${input.lane}`);
    await ctx.step(
      "send-email",
      ({ idempotencyKey, signal }) => sendEmail({ to: input.email, ...email }, idempotencyKey, { signal }),
      { sideEffect: true },
    );
    return { status: "sent" as const, quoteUsd: totalUsd, carrier: rate.carrier };
  },
});
