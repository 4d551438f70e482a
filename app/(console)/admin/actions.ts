"use server";
/**
 * Admin actions: users (create, change role, disable/enable) and API keys (create, revoke).
 * Each checks the admin role here; lib/auth's admin functions check it again and write the audit row.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminCreateApiKey, adminCreateUser, adminRevokeApiKey, adminUpdateUser } from "../../../lib/auth/admin";
import { requireActor } from "../../../lib/auth/current-actor";
import { getDb } from "../../../lib/control";
import { ROLES } from "../../../lib/control/types";
import { toActionResult, type ActionResult } from "../_lib/action-result";

const role = z.enum(ROLES as unknown as ["viewer", "operator", "approver", "admin"], { message: "Choose a role." });
const text = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value.trim() : "";
};
function invalid(error: z.ZodError): ActionResult {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { ok: false, status: 400, message: "Some fields need attention.", fieldErrors };
}

const createUserSchema = z.object({
  email: z.email("Enter an email address."),
  name: z.string().max(200).optional(),
  password: z.string().min(8, "At least 8 characters.").max(1024),
  role,
});

export async function createUserAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const parsed = createUserSchema.safeParse({
      email: text(formData, "email"),
      name: text(formData, "name") || undefined,
      password: formData.get("password") ?? "",
      role: formData.get("role"),
    });
    if (!parsed.success) return invalid(parsed.error);
    const user = await adminCreateUser(await getDb(), actor, parsed.data);
    revalidatePath("/admin");
    return { ok: true, message: `Created ${user.email} as ${user.role}. Share the password with them over a private channel.` };
  });
}

const updateUserSchema = z.object({
  userId: z.string().min(1).max(200),
  role: role.optional(),
  disabled: z.enum(["true", "false"]).optional(),
});

export async function updateUserAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const parsed = updateUserSchema.safeParse({
      userId: formData.get("userId"),
      role: formData.get("role") ?? undefined,
      disabled: formData.get("disabled") ?? undefined,
    });
    if (!parsed.success) return invalid(parsed.error);
    const { userId, role: newRole, disabled } = parsed.data;
    const user = await adminUpdateUser(await getDb(), actor, userId, {
      role: newRole,
      disabled: disabled === undefined ? undefined : disabled === "true",
    });
    revalidatePath("/admin");
    return { ok: true, message: `${user.email} is now ${user.disabledAt ? "disabled" : user.role}.` };
  });
}

const createKeySchema = z.object({ name: z.string().min(1, "Give the key a name.").max(100), role });

export interface CreateKeyResult extends ActionResult {
  /** The plaintext key: returned once, never stored */
  key?: string;
  keyName?: string;
}

export async function createApiKeyAction(_previous: CreateKeyResult | null, formData: FormData): Promise<CreateKeyResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const parsed = createKeySchema.safeParse({ name: text(formData, "name"), role: formData.get("role") });
    if (!parsed.success) return invalid(parsed.error);
    const { key, record } = await adminCreateApiKey(await getDb(), actor, parsed.data);
    revalidatePath("/admin");
    return { ok: true, key, keyName: record.name, message: `Created key “${record.name}” (${record.role}).` } satisfies CreateKeyResult;
  });
}

export async function revokeApiKeyAction(_previous: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return toActionResult(async () => {
    const actor = await requireActor("admin");
    const keyId = text(formData, "keyId");
    if (!keyId) return { ok: false, status: 400, message: "No key was chosen. Reload the page and try again." };
    const record = await adminRevokeApiKey(await getDb(), actor, keyId);
    revalidatePath("/admin");
    return { ok: true, message: `Revoked “${record.name}”: requests with it now get 401.` };
  });
}
