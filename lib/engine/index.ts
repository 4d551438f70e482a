/** The engine's public surface (test helpers live in `./testing`). */
export * from "./types";
export { executeTick, DEFAULT_ENGINE_LIMITS, DEFAULT_LLM_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS } from "./executor";
export type { EngineLimits, ExecuteTickArgs } from "./executor";
export {
  FatalError,
  StepFailedError,
  PayloadTooLargeError,
  NonDeterminismError,
  StaleEpochError,
  DuplicateStepIdError,
  InvalidStepIdError,
  StepTimeoutError,
  RunFailure,
  isFatalError,
  isStaleEpochError,
  serializeError,
} from "./errors";
export type { StepIdentity } from "./errors";
export { defineWorkflow, definitionHash, inputJsonSchema, createRegistry } from "./definition";
export type { WorkflowRegistry } from "./definition";
export { retryDelayMs, resolveRetryPolicy, DEFAULT_RETRY_POLICY } from "./retry";
export { createPrng, uuidFromPrng } from "./deterministic";
export type { Prng } from "./deterministic";
export { jsonRoundTrip } from "./json";
