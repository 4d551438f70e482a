/**
 * Input of the budget admin use cases, shared by the API routes (400 with field paths) and the
 * console's server actions (safeParse).
 */
import { z } from "zod";
import { BUDGET_POLICY_SCOPES } from "../data/budget-policy-store";

const WORKFLOW_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const limitUsd = z.number().finite().min(0).max(100_000_000).nullable();
const limitTokens = z.number().int().min(0).max(2_000_000_000).nullable();
const onExceed = z.enum(["pause", "fail"]);
/** Fractions of a limit (0–1], at most 5, kept sorted and unique */
const alertThresholds = z
  .array(z.number().gt(0).max(1))
  .max(5)
  .transform((values) => [...new Set(values)].sort((a, b) => a - b));

const needsALimit = (value: { limitUsd?: number | null; limitTokens?: number | null }) =>
  (value.limitUsd ?? null) !== null || (value.limitTokens ?? null) !== null;

export const budgetPolicyCreateBody = z
  .strictObject({
    scope: z.enum(BUDGET_POLICY_SCOPES),
    /** Required for workflow-day and workflow-month; not allowed for global-day */
    workflow: z.string().regex(WORKFLOW_NAME, "must be a workflow name (lowercase letters, digits and dashes)").optional(),
    limitUsd: limitUsd.optional(),
    limitTokens: limitTokens.optional(),
    onExceed: onExceed.default("pause"),
    alertThresholds: alertThresholds.default([0.8]),
  })
  .superRefine((value, ctx) => {
    if (value.scope === "global-day" && value.workflow !== undefined) {
      ctx.addIssue({ code: "custom", path: ["workflow"], message: "the global-day budget applies to every workflow; leave workflow out" });
    }
    if (value.scope !== "global-day" && value.workflow === undefined) {
      ctx.addIssue({ code: "custom", path: ["workflow"], message: `a ${value.scope} budget needs the workflow it applies to` });
    }
    if (!needsALimit(value)) ctx.addIssue({ code: "custom", path: ["limitUsd"], message: "set limitUsd, limitTokens or both" });
  });
export type BudgetPolicyCreateInput = z.output<typeof budgetPolicyCreateBody>;

export const budgetPolicyUpdateBody = z
  .strictObject({
    limitUsd: limitUsd.optional(),
    limitTokens: limitTokens.optional(),
    onExceed: onExceed.optional(),
    alertThresholds: alertThresholds.optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: "send at least one of limitUsd, limitTokens, onExceed, alertThresholds" });
export type BudgetPolicyUpdateInput = z.output<typeof budgetPolicyUpdateBody>;

/** A policy id in a path: `global-day`, `workflow-day:<workflow>` or `workflow-month:<workflow>`. */
export const budgetPolicyIdParam = z.string().regex(/^(global-day|workflow-(day|month):[a-z0-9][a-z0-9-]{0,62})$/);

export const alertEndpointBody = z
  .strictObject({
    url: z
      .string()
      .max(2_000)
      .url()
      .refine((value) => /^https?:\/\//i.test(value), "must be an http or https URL")
      .refine((value) => !/^https?:\/\/[^/]*@/i.test(value), "must not contain credentials")
      .optional(),
    enabled: z.boolean().optional(),
    /** Issue a new signing secret (shown once); the old one stops working at once */
    rotateSecret: z.boolean().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: "send url, enabled or rotateSecret" });
export type AlertEndpointInput = z.output<typeof alertEndpointBody>;
