/**
 * A tick runtime for in-process tests of what LLM calls cost: the real LLM router in front of a
 * demo provider of its own (a real HTTP server on loopback), pricing every call from the stored
 * price table at the time `now` says, with no tracing. Close the demo provider after the tests.
 */
import type { TickRuntime } from "../control/execute-tick";
import { systemClock } from "../control/system-clock";
import type { Db } from "../data/db";
import { priceCallAt } from "../data/price-store";
import { startDemoProvider, type DemoProvider } from "../demo/provider-server";
import { createLlmRouter } from "../llm/router";
import { noopTracer } from "../telemetry/noop-tracer";

export async function startPricedDemoRuntime(db: Db, now?: () => Date): Promise<{ runtime: TickRuntime; demo: DemoProvider }> {
  const demo = await startDemoProvider({ port: 0 });
  const llm = createLlmRouter({ demoBaseUrl: demo.baseUrl, priceSource: (call) => priceCallAt(db, call), ...(now ? { now } : {}) });
  return { demo, runtime: { llm, tracer: noopTracer, clock: systemClock, leaseMs: 30_000, maxCrashesPerStep: 3, inlineRetryMaxMs: 2_000 } };
}
