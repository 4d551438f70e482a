/** Zod schemas of the HTTP API v1 request bodies and query strings (see DESIGN.md). */
import { z } from "zod";
import { ROLES, type Role } from "../control/types";
import type { RunStatus } from "../engine/types";
import { commaList, idProblem, invalidId } from "./params";

const RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"] as const satisfies readonly RunStatus[];
const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired"] as const;
const roleSchema = z.enum(ROLES as [Role, ...Role[]]);

export const budgetSchema = z.strictObject({
  maxCostUsd: z.number().finite().nonnegative().optional(),
  maxTokens: z.number().int().nonnegative().optional(),
  onExceed: z.enum(["pause", "fail"]).optional(),
});

export const startRunBody = z.strictObject({
  workflow: z.string().min(1).max(200),
  /** Validated against the workflow's own schema by lib/control (errors name `input.<field>`) */
  input: z.unknown(),
  version: z.number().int().positive().optional(),
  budget: budgetSchema.optional(),
});

const isoInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** Strict: an unknown parameter (a typo, `sort=…`) is a 400 naming it, never silently ignored. */
export const runListQuery = z.strictObject({
  workflow: z.string().min(1).max(200).optional(),
  status: commaList(z.enum(RUN_STATUSES)).optional(),
  version: z.coerce.number().int().positive().optional(),
  search: z.string().max(200).optional(),
  /** Runs created at or after this instant (ISO 8601); the console's time range */
  createdAfter: isoInstant.optional(),
  /** Runs created before this instant (ISO 8601) */
  createdBefore: isoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(500).optional(),
});

export const approvalListQuery = z.strictObject({
  status: z.enum(APPROVAL_STATUSES).optional(),
});

export const decisionBody = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  comment: z.string().max(2000).optional(),
  payloadHash: z.string().min(1).max(200).optional(),
  /** Budget approvals: raise the run's budget by these amounts and continue */
  raiseBudget: z
    .strictObject({ usd: z.number().positive().max(1_000_000).optional(), tokens: z.number().int().positive().max(1e12).optional() })
    .optional(),
});

export const loginBody = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
});

export const createUserBody = z.strictObject({
  email: z.email().max(320),
  password: z.string().min(8).max(1024),
  role: roleSchema,
  name: z.string().trim().max(100).optional(),
});

export const updateUserBody = z
  .strictObject({ role: roleSchema.optional(), disabled: z.boolean().optional(), password: z.string().min(8).max(1024).optional() })
  .refine((change) => change.role !== undefined || change.disabled !== undefined || change.password !== undefined, {
    message: 'Send at least one of "role", "disabled", "password"',
  });

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The optional `Idempotency-Key` header: an id (1–256 characters, not only spaces, no ":") of
 * printable ASCII; anything else is 400 `invalid_id`.
 */
export function idempotencyKeyFrom(headers: Headers): string | undefined {
  const value = headers.get("idempotency-key");
  if (value === null) return undefined;
  const problem = idProblem(value) ?? (PRINTABLE_ASCII.test(value) ? null : "it is not printable ASCII");
  if (problem) throw invalidId("Idempotency-Key", value, `${problem} (a UUID works well)`);
  return value;
}

/** GET /api/v1/audit: `action` (an action name such as `run.cancel`), `limit` 1–200, `cursor` (the previous page's `nextCursor`). */
export const auditListQuery = z.strictObject({
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]{0,99}$/, "must be an action name such as run.cancel or login")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().regex(/^\d{1,18}$/, "must be the nextCursor of the previous page").optional(),
});
