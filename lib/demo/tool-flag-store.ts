/**
 * Demo tool failure flags kept in Postgres (`demo_tool_flags`), so a person, a test or psql can
 * make a demo tool fail inside a worker process they do not control, then clear the flag and
 * replay the failed run. (`setDemoToolFlag` in ./tools only reaches the process it runs in.)
 *
 * A worker applies them by wrapping its sink (`withDemoToolFlags`): every tool with an effect
 * checks its flag at the moment it would deliver, so a flag set before a step runs always counts.
 */
import type { Pool } from "pg";
import type { Sink } from "./sink";
import { DemoToolError, type DemoToolName } from "./tools";

/** The tool that delivers to each sink channel (the tools with effects). */
const TOOL_OF_CHANNEL: Record<string, DemoToolName> = {
  email: "sendEmail",
  publish: "publishReport",
  "ticket-route": "routeTicket",
  notify: "notifyCustomer",
};

/** Makes `tool` (e.g. "sendEmail") fail on every call until cleared. */
export async function setDemoToolFailing(pool: Pick<Pool, "query">, tool: string, failing: boolean): Promise<void> {
  if (failing) await pool.query("INSERT INTO demo_tool_flags (tool) VALUES ($1) ON CONFLICT (tool) DO NOTHING", [tool]);
  else await pool.query("DELETE FROM demo_tool_flags WHERE tool = $1", [tool]);
}

/** Whether `tool` is flagged to fail right now. */
export async function isDemoToolFailing(pool: Pick<Pool, "query">, tool: string): Promise<boolean> {
  const { rows } = await pool.query<{ failing: boolean }>("SELECT EXISTS (SELECT 1 FROM demo_tool_flags WHERE tool = $1) AS failing", [tool]);
  return rows[0].failing;
}

/**
 * The sink, with each delivery refused (a retryable DemoToolError, as a flaky service would fail)
 * while its tool is flagged. Nothing is delivered or counted for a refused call.
 */
export function withDemoToolFlags(sink: Sink, pool: Pick<Pool, "query">): Sink {
  return {
    ...sink,
    async deliver(delivery) {
      const tool = TOOL_OF_CHANNEL[delivery.channel];
      if (tool && (await isDemoToolFailing(pool, tool))) {
        throw new DemoToolError(
          `Demo tool ${tool} failed on purpose: the flag demo_tool_flags.tool = '${tool}' is set. ` +
            `Clear it (DELETE FROM demo_tool_flags WHERE tool = '${tool}') and replay the run from this step.`,
          tool,
          true,
        );
      }
      return sink.deliver(delivery);
    },
  };
}
