import { describe, expect, it } from "vitest";
import { demoReply, estimateTokens, keyValues, listedLabels } from "./demo-replies";

const system = (content: string) => ({ role: "system", content });
const user = (content: string) => ({ role: "user", content });

describe("demoReply", () => {
  it("is a function of model and messages", () => {
    const messages = [user("Explain durable execution.")];
    expect(demoReply("gpt-4o", messages)).toBe(demoReply("gpt-4o", messages));
  });

  it("answers classification prompts with one of the listed labels", () => {
    const prompt = system("Classify the support ticket into exactly one of: billing | bug | how-to | urgent. Answer with the label only.");
    expect(demoReply("gpt-4o-mini", [prompt, user("Subject: Charged twice\n\nMy invoice shows two payments.")])).toBe("billing");
    expect(demoReply("gpt-4o-mini", [prompt, user("Subject: Crash on login\n\nThe app crashes with an error.")])).toBe("bug");
    expect(demoReply("gpt-4o-mini", [prompt, user("Subject: Everything is down\n\nProduction outage, all users affected!")])).toBe("urgent");
    expect(demoReply("gpt-4o-mini", [prompt, user("Subject: Exports\n\nHow do I export my data to CSV?")])).toBe("how-to");
    for (const text of ["Hello", "Lorem ipsum", "Question about the weather"]) {
      expect(["billing", "bug", "how-to", "urgent"]).toContain(demoReply("gpt-4o-mini", [prompt, user(text)]));
    }
  });

  it("writes a numbered plan with as many steps as asked", () => {
    const reply = demoReply("gpt-4o-mini", [system("Plan 4 web searches for the topic. Respond with a numbered list."), user("Topic: grid batteries")]);
    const lines = reply.split("\n");
    expect(lines).toHaveLength(4);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^${i + 1}\\. .*grid batteries`)));
  });

  it("drafts a quote email from the facts in the message", () => {
    const reply = demoReply("gpt-4o-mini", [
      system("You write freight quote emails."),
      user("Customer: Acme GmbH\nLane: Rotterdam → Chicago\nTotal: $2,480.00\nNotes: fragile goods"),
    ]);
    expect(reply).toMatch(/^Subject: Your freight quote — Rotterdam → Chicago/);
    expect(reply).toContain("Dear Acme GmbH,");
    expect(reply).toContain("- Total: $2,480.00");
    expect(reply).toContain("fragile goods");
  });

  it("writes a report that cites the numbered sources it was given", () => {
    const reply = demoReply("gpt-4o", [
      system("You write concise research briefs."),
      user("Topic: grid batteries\n\nSources:\n[1] Grid-scale batteries (https://a)\ntext\n[2] Freight outlook (https://b)\ntext"),
    ]);
    expect(reply).toContain("# Grid batteries");
    expect(reply).toContain("[1]");
    expect(reply).toContain("[2]");
  });

  it("echoes the last user message for [[demo:echo]]", () => {
    expect(demoReply("x", [system("Classify this"), user("<b>hi</b> [[demo:echo]]")])).toBe("<b>hi</b> [[demo:echo]]");
  });
});

describe("helpers", () => {
  it("estimates about four characters per token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
  });

  it("finds label lists in the usual spellings", () => {
    expect(listedLabels("Answer with one of: a, b or c.")).toEqual(["a", "b", "c"]);
    expect(listedLabels("Labels: `spam` | `ham`")).toEqual(["spam", "ham"]);
    expect(listedLabels("Classify it.")).toEqual([]);
  });

  it("reads Key: value lines", () => {
    expect(Object.fromEntries(keyValues("Customer: Acme\nWeight (kg): 1200\nfree text"))).toEqual({ customer: "Acme", "weight (kg)": "1200" });
  });
});
