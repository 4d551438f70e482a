/**
 * First-start accounts: an admin API key and an admin console user, so a fresh install can be
 * used at once. Idempotent: a second start creates nothing and prints no secret again.
 */
import { createApiKey, findApiKeyByKey } from "./api-keys";
import type { AuthDb } from "./db";
import { generatePassword } from "./passwords";
import { createUser, findUserByEmail, normalizeEmail } from "./users";

export const DEFAULT_ADMIN_EMAIL = "admin@waymark.local";
/** Serialises concurrent bootstraps (two processes starting at once) in Postgres. */
const BOOTSTRAP_LOCK_ID = 0x5741_594d; // "WAYM"

export interface BootstrapOptions {
  /** WAYMARK_ADMIN_API_KEY: stored (hashed) as an admin key if not stored yet */
  adminApiKey?: string;
  /** WAYMARK_ADMIN_EMAIL @defaultValue "admin@waymark.local" when no user exists */
  adminEmail?: string;
  /** WAYMARK_ADMIN_PASSWORD @defaultValue a generated password, returned once */
  adminPassword?: string;
}

export interface BootstrapResult {
  /**
   * A generated admin API key, present only when it was created now: print it once. A key given
   * in WAYMARK_ADMIN_API_KEY is never returned (it is already known and must not reach logs).
   */
  apiKey?: string;
  /** True when WAYMARK_ADMIN_API_KEY was stored now */
  envApiKeyStored: boolean;
  /** True when the env key exists but was revoked by an admin: it does not work, and is not revived */
  envApiKeyRevoked: boolean;
  /** The admin's email (created now or already there) */
  email: string;
  /** A generated password, present only when the user was created now with it: print it once */
  password?: string;
  /** True when the admin user was created now */
  userCreated: boolean;
}

/** Creates the first admin API key and the first admin user when missing; returns what to print. */
export async function ensureBootstrapAdmin(db: AuthDb, options: BootstrapOptions = {}): Promise<BootstrapResult> {
  return db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_ID}::bigint)`;
      const txDb: AuthDb = { prisma: tx as unknown as AuthDb["prisma"] };
      const result: BootstrapResult = { envApiKeyStored: false, envApiKeyRevoked: false, email: "", userCreated: false };

      if (options.adminApiKey) {
        const existing = await findApiKeyByKey(txDb, options.adminApiKey);
        if (!existing) {
          await createApiKey(txDb, { name: "admin (WAYMARK_ADMIN_API_KEY)", role: "admin", createdBy: "system", key: options.adminApiKey });
          result.envApiKeyStored = true;
        } else if (existing.revokedAt) {
          result.envApiKeyRevoked = true;
        }
      } else {
        const activeAdminKeys = await tx.apiKey.count({ where: { role: "admin", revokedAt: null } });
        if (activeAdminKeys === 0) {
          const { key } = await createApiKey(txDb, { name: "admin (generated at first start)", role: "admin", createdBy: "system" });
          result.apiKey = key;
        }
      }

      if (options.adminEmail) {
        const email = normalizeEmail(options.adminEmail);
        result.email = email;
        if (!(await findUserByEmail(txDb, email))) {
          result.password = options.adminPassword ? undefined : generatePassword();
          await createUser(txDb, { email, password: options.adminPassword ?? result.password!, role: "admin", name: "Admin" });
          result.userCreated = true;
        }
      } else if ((await tx.user.count()) === 0) {
        result.email = DEFAULT_ADMIN_EMAIL;
        result.password = options.adminPassword ? undefined : generatePassword();
        await createUser(txDb, { email: DEFAULT_ADMIN_EMAIL, password: options.adminPassword ?? result.password!, role: "admin", name: "Admin" });
        result.userCreated = true;
      } else {
        const admin = await tx.user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" } });
        result.email = admin?.email ?? (await tx.user.findFirst({ orderBy: { createdAt: "asc" } }))!.email;
      }
      return result;
    },
    // scrypt hashing runs inside the transaction; leave it time on a busy machine.
    { timeout: 30_000, maxWait: 30_000 },
  );
}

/** Lines for `npm start` to print (secrets only when they were just generated). */
export function describeBootstrap(result: BootstrapResult): string[] {
  const lines: string[] = [];
  if (result.apiKey) lines.push(`Admin API key (shown once; store it now): ${result.apiKey}`);
  if (result.envApiKeyStored) lines.push("Admin API key from WAYMARK_ADMIN_API_KEY is now active.");
  if (result.envApiKeyRevoked) {
    lines.push("WAYMARK_ADMIN_API_KEY was revoked on the admin page and stays revoked; set a new key or unset the variable.");
  }
  if (result.userCreated) {
    lines.push(
      result.password
        ? `Console admin created: ${result.email} / password ${result.password} (shown once).`
        : `Console admin created: ${result.email} (password from WAYMARK_ADMIN_PASSWORD).`,
    );
  } else {
    lines.push(`Console admin: ${result.email}`);
  }
  return lines;
}
