"use server";
/**
 * Budget admin actions: save (create or change) and delete a budget, set the alert webhook. Each
 * parses the form with the API's own zod schemas (field errors by name), then calls lib/control,
 * which checks the admin role and audits the change.
 */
import { revalidatePath } from "next/cache";
import { requireActor } from "../../../../lib/auth/current-actor";
import { getControl } from "../../../../lib/control";
import {
  alertEndpointBody,
  budgetPolicyCreateBody,
  budgetPolicyIdParam,
} from "../../../../lib/control/budget-policies-schemas";
import { budgetPolicyId } from "../../../../lib/data/budget-policy-store";
import { notFound } from "../../../../lib/errors/app-error";
import { parseWith } from "../../../../lib/http/params";
import { toActionResult, type ActionResult } from "../../_lib/action-result";

const PATH = "/admin/budgets";

/** "" → null (no limit); anything else a number (zod names what is wrong with it). */
const limitField = (value: FormDataEntryValue | null) => (typeof value !== "string" || value.trim() === "" ? null : Number(value));

/** "80, 95" (percent) → [0.8, 0.95]; "" → []. */
const thresholdsField = (value: FormDataEntryValue | null) =>
  typeof value !== "string" || value.trim() === ""
    ? []
    : value.split(",").map((part) => Number(part.trim().replace(/%$/, "")) / 100);

const settingsFrom = (form: FormData) => ({
  limitUsd: limitField(form.get("limitUsd")),
  limitTokens: limitField(form.get("limitTokens")),
  onExceed: form.get("onExceed"),
  alertThresholds: thresholdsField(form.get("alertThresholds")),
});

export async function saveBudgetAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const control = await getControl();
    const scope = form.get("scope");
    const workflow = scope === "global-day" ? undefined : form.get("workflow") || undefined;
    const input = parseWith(budgetPolicyCreateBody, { scope, workflow, ...settingsFrom(form) }, "budget");
    const id = budgetPolicyId(input.scope, input.workflow ?? null);
    const existing = (await control.listBudgetPolicies(actor)).some((policy) => policy.id === id);
    if (existing) {
      const { limitUsd, limitTokens, onExceed, alertThresholds } = input;
      await control.updateBudgetPolicy(id, { limitUsd: limitUsd ?? null, limitTokens: limitTokens ?? null, onExceed, alertThresholds }, actor);
    } else {
      await control.createBudgetPolicy(input, actor);
    }
    revalidatePath(PATH);
    return { ok: true, message: `${existing ? "Changed" : "Created"} budget ${id}; it applies from the next LLM call.` };
  });
}

export async function deleteBudgetAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const id = form.get("id");
    if (!budgetPolicyIdParam.safeParse(id).success) throw notFound("Budget policy", String(id).slice(0, 80));
    await (await getControl()).deleteBudgetPolicy(id as string, actor);
    revalidatePath(PATH);
    return { ok: true, message: `Deleted budget ${id}.` };
  });
}

export interface AlertEndpointResult extends ActionResult {
  /** The new signing secret: returned once */
  secret?: string;
}

export async function saveAlertEndpointAction(_previous: AlertEndpointResult | null, form: FormData): Promise<AlertEndpointResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const url = form.get("url");
    const input = parseWith(
      alertEndpointBody,
      {
        ...(typeof url === "string" && url.trim() !== "" ? { url: url.trim() } : {}),
        enabled: form.get("enabled") === "on",
        ...(form.get("intent") === "rotate" ? { rotateSecret: true } : {}),
      },
      "alert endpoint",
    );
    const { secret } = await (await getControl()).saveAlertEndpoint(input, actor);
    revalidatePath(PATH);
    return {
      ok: true,
      ...(secret ? { secret } : {}),
      message: secret ? "Saved the alert webhook with a new signing secret." : "Saved the alert webhook; its signing secret is unchanged.",
    } satisfies AlertEndpointResult;
  });
}
