/** Retry arithmetic for steps: exponential backoff with jitter. Pure. */
import type { RetryPolicy } from "./types";

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  maxAttempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  backoffFactor: 2,
  jitter: 0.2,
};

/** Merges policies left to right (later wins) over the defaults, and checks the result. */
export function resolveRetryPolicy(...policies: Array<RetryPolicy | undefined>): Required<RetryPolicy> {
  const merged: Required<RetryPolicy> = { ...DEFAULT_RETRY_POLICY };
  for (const policy of policies) {
    if (!policy) continue;
    for (const [key, value] of Object.entries(policy) as Array<[keyof RetryPolicy, number | undefined]>) {
      if (value !== undefined) merged[key] = value;
    }
  }
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${merged.maxAttempts}`);
  }
  for (const key of ["initialDelayMs", "maxDelayMs", "backoffFactor"] as const) {
    if (!Number.isFinite(merged[key]) || merged[key] < 0) throw new RangeError(`retry.${key} must be a number >= 0, got ${merged[key]}`);
  }
  if (!(merged.jitter >= 0 && merged.jitter <= 1)) throw new RangeError(`retry.jitter must be between 0 and 1, got ${merged.jitter}`);
  return merged;
}

/**
 * Delay before the attempt after `attempt` (1-based): `initialDelayMs * backoffFactor^(attempt-1)`,
 * capped at `maxDelayMs`, of which the `jitter` fraction is randomised downwards so retries of many
 * runs spread out instead of arriving together.
 *
 * @param random a number in [0, 1); pass a seeded source for reproducible delays
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: number): number {
  const { initialDelayMs, maxDelayMs, backoffFactor, jitter } = resolveRetryPolicy(policy);
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(maxDelayMs, initialDelayMs * Math.pow(backoffFactor, exponent));
  const clampedRandom = Math.min(Math.max(random, 0), 1);
  return Math.round(base * (1 - jitter * clampedRandom));
}
