/**
 * Workflows for the telemetry tests: LLM calls around an approval wait and a slow step (where a
 * test kills the worker), and a single echoed LLM call (content capture and redaction). The
 * demo provider's `[[demo:echo]]` hook makes the completion repeat the prompt.
 */
import { z } from "zod";
import { defineWorkflow } from "../../sdk";

let slowStepMs = 0;

/** The probe worker sets how long the "slow" step takes in this process (the test kills one worker there). */
export function configureProbe(options: { slowStepMs: number }) {
  slowStepMs = options.slowStepMs;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export const traceProbe = defineWorkflow({
  name: "trace-probe",
  version: 3,
  input: z.object({ note: z.string() }),
  async run(ctx, input) {
    const draft = await ctx.llm("draft", {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Answer in one line." },
        { role: "user", content: `[[demo:echo]] ${input.note}` },
      ],
    });
    const decision = await ctx.waitForApproval("gate", { summary: "Send the draft?" });
    await ctx.step("slow", async ({ signal }) => {
      await pause(slowStepMs, signal);
      return "done";
    });
    const final = await ctx.llm("final", { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say goodbye." }] });
    return { approved: decision.approved, draft: draft.text.length, final: final.text.length };
  },
});

export const echoProbe = defineWorkflow({
  name: "echo-probe",
  version: 1,
  input: z.object({ note: z.string() }),
  async run(ctx, input) {
    const reply = await ctx.llm("echo", { model: "gpt-4o-mini", messages: [{ role: "user", content: `[[demo:echo]] ${input.note}` }] });
    await ctx.step("store", () => ({ length: reply.text.length }));
    return { length: reply.text.length };
  },
});

export const probeWorkflows = () => [traceProbe, echoProbe];
