/**
 * The authoring API. Workflow files import from here (and from zod) only:
 *
 * ```ts
 * import { z } from "zod";
 * import { defineWorkflow, FatalError } from "../sdk";
 * export default defineWorkflow({ name: "freight-quote", version: 1, input: z.object({ … }), async run(ctx, input) { … } });
 * ```
 *
 * Rules of a durable workflow (the engine re-runs `run` from the top on every tick):
 * - Every effect goes in `ctx.step` / `ctx.llm`; step ids are unique in a run (loops: `` `turn-${i}` ``).
 * - Use `ctx.now()`, `ctx.random()`, `ctx.uuid()` instead of `Date.now()`, `Math.random()`, `crypto.randomUUID()`.
 * - Parallel calls get their positions in the order they are made: start them together
 *   (`Promise.all([ctx.step(…), ctx.step(…)])`). Calls chained inside concurrent branches get
 *   positions in completion order, which can differ on replay; prefer one step per branch.
 * - Step outputs are stored as JSON: a step returns its value's JSON round trip (Dates become strings).
 * - Throw `FatalError` from a step to fail it without retries; other errors are retried.
 */
export { defineWorkflow } from "../engine/definition";
export { FatalError, StepFailedError } from "../engine/errors";
export type {
  WorkflowContext,
  WorkflowDefinition,
  StepContext,
  ApprovalDecision,
  ApprovalOptions,
  LlmResult,
  LlmMessage,
  LlmStepOptions,
  StepOptions,
  RetryPolicy,
  BudgetConfig,
  Json,
} from "../engine/types";
