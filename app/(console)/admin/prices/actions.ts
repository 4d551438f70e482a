"use server";
/**
 * Add a model price from a date on. Parses the form with the API's own zod schema (field errors by
 * name), then calls lib/control, which checks the admin role, refuses a past date and audits.
 */
import { revalidatePath } from "next/cache";
import { requireActor } from "../../../../lib/auth/current-actor";
import { getControl } from "../../../../lib/control";
import { modelPriceBody } from "../../../../lib/control/prices";
import { parseWith } from "../../../../lib/http/params";
import { formatUtc } from "../../../_ui/format";
import { formatPerMTok } from "./_components/format-price";
import { toActionResult, type ActionResult } from "../../_lib/action-result";

/** "" → omitted; anything else a number (zod names what is wrong with it). */
const numberField = (value: FormDataEntryValue | null) => (typeof value !== "string" || value.trim() === "" ? undefined : Number(value));
const textField = (value: FormDataEntryValue | null) => (typeof value !== "string" || value.trim() === "" ? undefined : value.trim());

export async function addPriceAction(_previous: ActionResult | null, form: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const input = parseWith(
      modelPriceBody,
      {
        model: form.get("model") ?? "",
        provider: textField(form.get("provider")),
        inputPerMTok: numberField(form.get("inputPerMTok")),
        outputPerMTok: numberField(form.get("outputPerMTok")),
        cachedInputPerMTok: numberField(form.get("cachedInputPerMTok")),
        effectiveFrom: textField(form.get("effectiveFrom")),
      },
      "price",
    );
    const saved = await (await getControl()).addPrice(input, actor);
    revalidatePath("/admin/prices");
    const scheduled = input.effectiveFrom && Date.parse(input.effectiveFrom) > Date.now() ? input.effectiveFrom : null;
    const price = `${formatPerMTok(input.inputPerMTok)} in / ${formatPerMTok(input.outputPerMTok)} out per 1M tokens`;
    return {
      ok: true,
      message: scheduled
        ? `Scheduled ${saved.model} at ${price} from ${formatUtc(scheduled)}; until then calls are charged ${saved.current ? `${formatPerMTok(saved.current.inputPerMTok)} / ${formatPerMTok(saved.current.outputPerMTok)}` : "nothing (no price yet)"}.`
        : `${saved.model} now costs ${price}. Calls made before keep the price they were charged.`,
    };
  });
}
