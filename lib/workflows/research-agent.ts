/**
 * Research agent: plans a few web searches with a cheap model, reads the best new source for
 * each, writes a cited brief with a stronger model, and publishes it once a person approves.
 */
import { z } from "zod";
import { defineWorkflow, FatalError } from "../sdk";
import { fetchSource, publishReport, searchWeb, type WebDocument } from "../demo/tools";

/** Searches (and so sources) per brief: enough to compare views, cheap enough to run often. */
const MAX_SEARCHES = 3;

/** The items of a numbered list ("1. …", "2) …"). */
function numberedItems(text: string): string[] {
  return [...text.matchAll(/^\s*\d+[.)]\s+(.+?)\s*$/gm)].map((match) => match[1]);
}

export default defineWorkflow({
  name: "research-agent",
  version: 1,
  description: "Plans searches, reads sources, writes a cited brief, and publishes it after approval.",
  input: z.object({
    topic: z.string().min(3).max(200),
    audience: z.string().max(100).optional(),
  }),
  budget: { maxCostUsd: 1, maxTokens: 100_000, onExceed: "pause" },

  async run(ctx, input) {
    const audience = input.audience ?? "busy decision makers";
    const plan = await ctx.llm("plan", {
      model: "gpt-4o-mini",
      temperature: 0.2,
      messages: [
        {
          role: "system",
          content:
            `You plan web research. Plan ${MAX_SEARCHES} web searches that together cover the topic for the audience. ` +
            "Respond with a numbered list, one search query per line, nothing else.",
        },
        { role: "user", content: `Topic: ${input.topic}\nAudience: ${audience}` },
      ],
    });
    const queries = numberedItems(plan.text).slice(0, MAX_SEARCHES);
    if (queries.length === 0) queries.push(input.topic);

    // Step ids come from the loop index, never from the data, so a replay meets the same ids.
    const sources: WebDocument[] = [];
    for (let i = 0; i < queries.length; i++) {
      const results = await ctx.step(`search-${i}`, ({ signal }) => searchWeb(queries[i], { signal }), { retry: { maxAttempts: 3 } });
      const unread = results.find((result) => !sources.some((source) => source.url === result.url));
      if (!unread) continue;
      sources.push(await ctx.step(`read-${i}`, ({ signal }) => fetchSource(unread.url, { signal })));
    }
    if (sources.length === 0) throw new FatalError(`No sources found for "${input.topic}": try a broader topic.`);

    const brief = await ctx.llm("synthesize", {
      model: "gpt-4o",
      temperature: 0.3,
      maxTokens: 1_200,
      messages: [
        {
          role: "system",
          content:
            `You write concise research briefs for ${audience}. Use only the sources given and cite them as [n]. ` +
            "Structure: a title line starting with '# ', a summary, key findings, and a recommendation.",
        },
        {
          role: "user",
          content: `Topic: ${input.topic}\n\nSources:\n${sources.map((s, i) => `[${i + 1}] ${s.title} (${s.url})\n${s.text}`).join("\n\n")}`,
        },
      ],
    });

    const cited = sources.map(({ title, url }) => ({ title, url }));
    const decision = await ctx.waitForApproval("approve-report", {
      summary: `Publish the research brief on "${input.topic}" (${sources.length} sources)?`,
      data: { topic: input.topic, audience, sources: cited, report: brief.text },
      timeoutMs: 3 * 24 * 60 * 60 * 1000,
    });
    if (!decision.approved) return { status: "rejected" as const, sources: sources.length };

    const published = await ctx.step(
      "publish",
      ({ idempotencyKey, signal }) =>
        publishReport({ title: `Research brief: ${input.topic}`, body: brief.text, sources: cited }, idempotencyKey, { signal }),
      { sideEffect: true },
    );
    return { status: "published" as const, url: published.url, sources: sources.length };
  },
});
