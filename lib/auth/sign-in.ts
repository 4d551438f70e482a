/**
 * Sign-in and sign-out as one audited use case, shared by the `/api/auth/*` routes and any
 * console server action: rate limit → password check → new session → audit row.
 */
import type { Role } from "../control/types";
import { AppError } from "../errors/app-error";
import { emailTarget, writeAudit } from "./audit";
import type { AuthDb } from "./db";
import { checkLoginAllowed, loginRateLimited, type LoginLimits } from "./login-limiter";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import { actorRef } from "./roles";
import { createSession, destroySession, getSessionActor, type SessionOptions } from "./sessions";
import { findUserCredentials, normalizeEmail } from "./users";

export interface SignInAttempt {
  email: string;
  password: string;
  /** Client IP for the per-IP limit and the audit row; null when unknown */
  ip: string | null;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string | null; role: Role };
}

export const WRONG_CREDENTIALS_MESSAGE = "Wrong email or password.";

/**
 * Checks the credentials and starts a new session. Throws AppError 429 `rate_limited` when the
 * email or IP is locked (before the password is looked at), 401 `unauthorized` with the same
 * message for an unknown email, a wrong password or a disabled user (no account enumeration).
 */
export async function signIn(
  db: AuthDb,
  attempt: SignInAttempt,
  options: { session?: SessionOptions; limits?: Partial<LoginLimits> } = {},
): Promise<SignedIn> {
  const email = normalizeEmail(attempt.email);
  const gate = await checkLoginAllowed(db, { email, ip: attempt.ip }, { limits: options.limits });
  if (!gate.allowed) throw loginRateLimited(gate.retryAfterSeconds);

  const user = await findUserCredentials(db, email);
  const passwordOk = user ? await verifyPassword(attempt.password, user.passwordHash) : await verifyAgainstDummy(attempt.password);
  if (!user || !passwordOk || user.disabledAt) {
    const reason = !user ? "unknown_email" : !passwordOk ? "wrong_password" : "user_disabled";
    await writeAudit(db, { actor: "anonymous", action: "login_failed", target: emailTarget(email), data: { ip: attempt.ip, reason } });
    throw new AppError("unauthorized", 401, WRONG_CREDENTIALS_MESSAGE);
  }

  const session = await createSession(db, user.id, options.session);
  await writeAudit(db, {
    actor: actorRef({ kind: "user", id: user.id }),
    action: "login",
    target: emailTarget(email),
    data: { ip: attempt.ip },
  });
  return { ...session, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

/** Ends the session of this token and audits the logout (nothing to audit for an unknown token). */
export async function signOut(db: AuthDb, token: string, options: { ip?: string | null; session?: SessionOptions } = {}): Promise<void> {
  const actor = await getSessionActor(db, token, options.session);
  await destroySession(db, token);
  if (actor) {
    await writeAudit(db, { actor: actorRef(actor), action: "logout", target: emailTarget(actor.label), data: { ip: options.ip ?? null } });
  }
}
