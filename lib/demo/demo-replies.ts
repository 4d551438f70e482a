/**
 * What the demo LLM provider answers: a deterministic function of (model, messages), plausible
 * enough that the demo workflows read like real runs. The system prompt (or, without one, the
 * last user message) decides the kind of answer; the last user message supplies the facts.
 */
import { createHash } from "node:crypto";

export interface DemoChatMessage {
  role: string;
  content: string;
}

/** Deterministic token estimate (≈ 4 characters per token, as for English text). */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** A stable hex digest of (model, messages): the same request always gets the same reply and id. */
export function requestDigest(model: string, messages: readonly DemoChatMessage[]): string {
  return createHash("sha256").update(model).update("\0").update(JSON.stringify(messages)).digest("hex");
}

/** A stable number for (model, messages): picks among phrasings without randomness. */
export function seedOf(model: string, messages: readonly DemoChatMessage[]): number {
  return Number.parseInt(requestDigest(model, messages).slice(0, 8), 16);
}

export const ECHO_MARKER = "[[demo:echo]]";

export function demoReply(model: string, messages: readonly DemoChatMessage[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  if (messages.some((m) => m.content.includes(ECHO_MARKER))) return lastUser;

  const system = messages.filter((m) => m.role === "system").map((m) => m.content).join("\n");
  const instruction = system || lastUser;
  const seed = seedOf(model, messages);

  if (/\bclassify\b/i.test(instruction)) return classify(`${instruction}\n${lastUser}`, lastUser, seed);
  switch (intentOf(instruction)) {
    case "letter":
      return letter(instruction, lastUser, seed);
    case "plan":
      return plan(instruction, lastUser, seed);
    case "report":
      return report(lastUser, seed);
    default:
      return shortAnswer(lastUser, seed);
  }
}

const INTENTS = [
  { intent: "letter", pattern: /\b(e-?mails?|quotes?|reply|replies)\b/i },
  { intent: "plan", pattern: /\bplan\b/i },
  { intent: "report", pattern: /\b(reports?|briefs?|summar\w*|synthes\w*)\b/i },
] as const;

/** The kind of answer asked for: the intent word that comes first in the instruction wins. */
function intentOf(instruction: string): (typeof INTENTS)[number]["intent"] | "answer" {
  let best: { intent: (typeof INTENTS)[number]["intent"]; at: number } | undefined;
  for (const { intent, pattern } of INTENTS) {
    const at = instruction.search(pattern);
    if (at >= 0 && (!best || at < best.at)) best = { intent, at };
  }
  return best?.intent ?? "answer";
}

// ---------------------------------------------------------------------------------------------
// Classification: answers one of the labels the prompt lists.

const LABEL_LIST_PATTERNS = [
  /\bone of\b[:\s]*([^\n]+)/i,
  /\blabels?\b\s*[:=]\s*([^\n]+)/i,
  /\bcategor(?:y|ies)\b\s*[:=]\s*([^\n]+)/i,
];

/** The labels listed in a prompt ("one of: billing | bug | how-to | urgent"). */
export function listedLabels(prompt: string): string[] {
  for (const pattern of LABEL_LIST_PATTERNS) {
    const list = pattern.exec(prompt)?.[1];
    if (!list) continue;
    const labels = list
      .replace(/\.\s.*$/, "") // the sentence after the list
      .split(/\s*(?:\||,|\bor\b)\s*/)
      .map((label) => label.replace(/^[\s"'`*]+|[\s"'`*.;:]+$/g, ""))
      .filter((label) => /^[\w-]{1,40}$/.test(label));
    if (labels.length >= 2) return [...new Set(labels)];
  }
  return [];
}

/** Words that make a label likely, for labels support and ops prompts commonly use. */
const LABEL_HINTS: Record<string, readonly string[]> = {
  billing: ["bill", "charge", "invoice", "refund", "payment", "paid", "subscription", "credit card", "price"],
  bug: ["bug", "error", "crash", "broken", "exception", "fails", "failing", "doesn't work", "does not work", "500"],
  urgent: ["urgent", "asap", "outage", "is down", "immediately", "critical", "emergency", "all users", "production"],
  "how-to": ["how do", "how to", "how can", "where can", "is it possible", "documentation", "set up", "configure"],
  positive: ["great", "love", "thanks", "excellent", "happy"],
  negative: ["bad", "terrible", "angry", "disappointed", "worst"],
  spam: ["unsubscribe", "winner", "lottery", "click here"],
};

function classify(prompt: string, text: string, seed: number): string {
  const labels = listedLabels(prompt);
  if (labels.length === 0) return "other";
  const haystack = text.toLowerCase();
  const scored = labels.map((label) => {
    const words = [label.toLowerCase(), label.toLowerCase().replace(/-/g, " "), ...(LABEL_HINTS[label.toLowerCase()] ?? [])];
    return { label, score: words.reduce((sum, word) => sum + (haystack.includes(word) ? 1 : 0), 0) };
  });
  const best = Math.max(...scored.map((s) => s.score));
  if (best === 0) return labels[seed % labels.length];
  return scored.find((s) => s.score === best)!.label;
}

// ---------------------------------------------------------------------------------------------
// Facts from the user message: "Key: value" lines, a topic, a subject.

/** `Key: value` lines of a message, keys lower-cased ("Customer: Acme" → customer → Acme). */
export function keyValues(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z][\w ()/-]{0,30}?)\s*:\s*(.+?)\s*$/.exec(line);
    if (match && !pairs.has(match[1].toLowerCase())) pairs.set(match[1].toLowerCase(), match[2]);
  }
  return pairs;
}

function topicOf(text: string): string {
  const facts = keyValues(text);
  const topic = facts.get("topic") ?? facts.get("subject") ?? text.split(/[.?!\n]/)[0] ?? "";
  return topic.trim().slice(0, 100) || "the question";
}

const pick = <T>(items: readonly T[], seed: number): T => items[seed % items.length];

// ---------------------------------------------------------------------------------------------
// Kinds of answers

function letter(instruction: string, lastUser: string, seed: number): string {
  const facts = keyValues(lastUser);
  const name = facts.get("customer") ?? facts.get("name") ?? facts.get("to") ?? "there";
  const signOff = pick(["Best regards", "Kind regards", "With best regards"], seed);

  if (/\bquote\b/i.test(instruction)) {
    const lane = facts.get("lane") ?? "your lane";
    const hidden = new Set(["customer", "email", "notes", "name", "to"]);
    const details = [...facts].filter(([key]) => !hidden.has(key)).map(([key, value]) => `- ${capitalize(key)}: ${value}`);
    const notes = facts.get("notes");
    return [
      `Subject: Your freight quote — ${lane}`,
      "",
      `Dear ${name},`,
      "",
      `Thank you for your request. ${pick(["We are pleased to offer the following", "Here is our offer", "Please find our quote below"], seed)}:`,
      "",
      ...details,
      "",
      ...(notes ? [`We have noted your remarks ("${notes}") and will pass them on to the carrier.`, ""] : []),
      "The quote is valid for 14 days and includes fuel surcharges. Reply to this email to confirm the booking.",
      "",
      `${signOff},`,
      "The freight desk",
    ].join("\n");
  }

  const subject = facts.get("subject") ?? topicOf(lastUser);
  const middle = pick(
    [
      "We have reviewed your message and a specialist is already looking into it.",
      "Thanks for the detailed description; it helps us resolve this quickly.",
      "We understand how disruptive this is and have prioritised your request.",
    ],
    seed,
  );
  return [
    `Hi ${name},`,
    "",
    `Thank you for contacting us about "${subject}". ${middle}`,
    "We will follow up within one business day with the next steps.",
    "",
    `${signOff},`,
    "The support team",
  ].join("\n");
}

const PLAN_ANGLES = [
  "recent developments in {t}",
  "{t} case studies and adoption",
  "risks and limitations of {t}",
  "costs and economics of {t}",
  "best practices for {t}",
  "regulation and standards affecting {t}",
];

function plan(instruction: string, lastUser: string, seed: number): string {
  const requested = Number(/(\d+)\s+(?:web\s+)?(?:searches|steps|queries|items|questions)/i.exec(instruction)?.[1] ?? 3);
  const count = Math.min(Math.max(requested, 2), PLAN_ANGLES.length + 1);
  const topic = topicOf(lastUser);
  const rest = PLAN_ANGLES.map((_, i) => PLAN_ANGLES[(seed + i) % PLAN_ANGLES.length]);
  const steps = [`overview of {t}`, ...rest].slice(0, count).map((angle) => angle.replace("{t}", topic));
  return steps.map((step, i) => `${i + 1}. ${step}`).join("\n");
}

function report(lastUser: string, seed: number): string {
  const topic = topicOf(lastUser);
  const sources = [...lastUser.matchAll(/^\s*\[(\d+)\]\s*([^\n(]+)/gm)].map((m) => ({ n: m[1], title: m[2].trim() }));
  const findings = sources.length
    ? sources.slice(0, 5).map((s) => `- ${s.title} shows where ${topic} stands today [${s.n}].`)
    : [`- Little published material covers ${topic} directly; treat the conclusions as preliminary.`];
  return [
    `# ${capitalize(topic)}`,
    "",
    "## Summary",
    `${capitalize(topic)} is ${pick(["maturing quickly", "gaining steady adoption", "still early but promising"], seed)}; ` +
      "the sources agree on the main benefits and differ mostly on cost and risk.",
    "",
    "## Key findings",
    ...findings,
    "",
    "## Recommendation",
    pick(
      [
        "Start with a small pilot, measure the outcome, and expand once the numbers hold up.",
        "Adopt it where the benefit is clear and revisit the open risks each quarter.",
        "Wait for the next round of evidence before committing significant budget.",
      ],
      seed,
    ),
  ].join("\n");
}

function shortAnswer(lastUser: string, seed: number): string {
  const topic = topicOf(lastUser);
  return (
    `Here is a short answer about "${topic}": ` +
    pick(
      [
        "the key is to start from the requirements, compare two or three options, and verify the result.",
        "it depends mostly on scale and cost; for most teams the simplest option is the right first step.",
        "the evidence points one way, but check the details against your own data before deciding.",
      ],
      seed,
    )
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
