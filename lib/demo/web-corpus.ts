/**
 * The demo "web": a handful of canned documents that `searchWeb` ranks and `fetchSource` returns,
 * so the research workflow reads sources without network access. Fictional publications on
 * example domains; the text is written to make plausible research input.
 */

export type WebDocument = {
  url: string;
  title: string;
  text: string;
};

export const WEB_CORPUS: readonly WebDocument[] = [
  {
    url: "https://research.example.org/durable-execution-primer",
    title: "A primer on durable execution for long-running workflows",
    text:
      "Durable execution engines record every step of a workflow in a journal, so that after a crash the workflow " +
      "resumes from the last completed step instead of starting over. Teams adopt them for order processing, " +
      "agent pipelines and any process that waits for people. The main costs are determinism rules for workflow " +
      "code and the operational weight of the engine itself.",
  },
  {
    url: "https://journal.example.com/llm-observability-2026",
    title: "LLM observability in production: what teams measure",
    text:
      "Teams running language-model features track token usage, cost per request, latency percentiles and error rates. " +
      "OpenTelemetry's GenAI semantic conventions give spans a shared vocabulary, and most backends now ingest them. " +
      "The hardest problems remain cost attribution across retries and linking traces of long-running workflows.",
  },
  {
    url: "https://news.example.net/ai-agents-customer-support",
    title: "AI agents in customer support: adoption and results",
    text:
      "Support teams use language models to classify tickets, draft replies and route urgent cases. Reported gains are " +
      "faster first responses and fewer misrouted tickets; reported risks are confident wrong answers and refunds granted " +
      "without review. Most teams keep a human approval step for money-related actions.",
  },
  {
    url: "https://logistics.example.org/freight-rates-outlook",
    title: "Freight rates outlook: ocean, rail and air",
    text:
      "Transatlantic ocean rates have stabilised after two volatile years, while intermodal rail to the US Midwest " +
      "adds three to five days. Air cargo remains five to eight times the ocean rate per kilogram. Shippers increasingly " +
      "ask for quotes within the hour, pushing forwarders to automate pricing and approval.",
  },
  {
    url: "https://energy.example.com/grid-batteries",
    title: "Grid-scale batteries: costs, risks and case studies",
    text:
      "Battery storage costs fell by more than half over five years. Case studies from utilities show storage shaving " +
      "evening peaks and firming solar output. Open risks include supply-chain concentration, fire safety regulation " +
      "and uncertain degradation over a fifteen-year life.",
  },
  {
    url: "https://policy.example.org/ai-regulation-overview",
    title: "AI regulation and standards: an overview for practitioners",
    text:
      "New rules require documentation of high-risk AI systems, human oversight for consequential decisions and records " +
      "of model behaviour. Standards bodies publish risk-management frameworks; audit trails of who approved what are " +
      "becoming a compliance requirement rather than a nice-to-have.",
  },
  {
    url: "https://engineering.example.com/best-practices-ai-workflows",
    title: "Best practices for building AI workflows",
    text:
      "Keep prompts versioned, make every side effect idempotent, cap spend per run, and put a person in the loop where " +
      "mistakes are expensive. Replaying a failed step with its recorded inputs shortens debugging from hours to minutes.",
  },
  {
    url: "https://economics.example.net/cost-of-llm-features",
    title: "The economics of LLM features: costs per task",
    text:
      "The cost of an LLM feature is dominated by a few expensive calls: routing cheap classification to small models and " +
      "reserving strong models for drafting cuts spend by 60 to 80 percent. Budget caps per workflow prevent runaway loops.",
  },
];

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? []);

/** The `limit` documents sharing the most words with the query; ties keep corpus order. */
export function rankDocuments(query: string, limit: number): WebDocument[] {
  const queryWords = words(query);
  return WEB_CORPUS.map((doc, index) => {
    const docWords = words(`${doc.title} ${doc.text}`);
    let score = 0;
    for (const word of queryWords) if (docWords.has(word)) score += 1;
    return { doc, index, score };
  })
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit)
    .map(({ doc }) => doc);
}
