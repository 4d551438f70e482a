"use server";
/**
 * Start a run from the generated form: zod checks the envelope, the version's schema form turns
 * the strings into the input, lib/control validates it against the real zod schema and starts
 * the run; its field issues come back as per-field messages.
 */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor } from "../../../lib/auth/current-actor";
import { getConfig } from "../../../lib/config/env";
import { getControl, getDb } from "../../../lib/control";
import { consumeRunStartLimit } from "../../../lib/security/rate-limit";
import { toActionResult, type ActionResult } from "../_lib/action-result";
import { coerceFormInput, formFromSchema } from "./_form/schema-form";

const envelope = z.object({
  workflow: z.string().min(1).max(200),
  version: z.coerce.number().int().positive(),
});

export interface StartRunResult extends ActionResult {
  /** What was submitted, so the form keeps the values after an error */
  values?: Record<string, string>;
}

export async function startRunAction(_previous: StartRunResult | null, formData: FormData): Promise<StartRunResult> {
  const values = Object.fromEntries(
    [...formData.entries()].filter(([key, value]) => key.startsWith("input.") && typeof value === "string") as Array<[string, string]>,
  );
  let runId: string | null = null;
  const result = await toActionResult(
    async () => {
      const actor = await requireActor("operator");
      const parsed = envelope.safeParse({ workflow: formData.get("workflow"), version: formData.get("version") });
      if (!parsed.success) {
        return { ok: false, status: 400, message: "The form did not say which workflow and version to start. Reload the page and try again." };
      }
      const { workflow, version } = parsed.data;
      const control = await getControl();
      const definition = (await control.listWorkflows(actor)).find((w) => w.name === workflow)?.versions.find((v) => v.version === version);
      if (!definition) {
        return { ok: false, status: 404, message: `${workflow}@${version} is not registered any more. Reload the page to see the current versions.` };
      }
      const coerced = coerceFormInput(formFromSchema(definition.inputSchema), (name) => {
        const value = formData.get(name);
        return typeof value === "string" ? value : null;
      });
      if (Object.keys(coerced.errors).length > 0) {
        return { ok: false, status: 400, message: "Some fields need attention.", fieldErrors: coerced.errors };
      }
      await consumeRunStartLimit(await getDb(), actor, getConfig().WAYMARK_RATE_LIMIT_RUN_STARTS);
      const { run } = await control.startRun({ workflow, version, input: coerced.input }, actor);
      runId = run.id;
      return { ok: true };
    },
    { issuePrefix: "input" },
  );
  if (runId) {
    revalidatePath("/runs");
    revalidatePath(`/workflows/${encodeURIComponent(formData.get("workflow") as string)}`);
    redirect(`/runs/${encodeURIComponent(runId)}`);
  }
  // Issues about the whole input (path "input") land on ROOT_FIELD, the JSON-only form's one field.
  return { ...result, values };
}
