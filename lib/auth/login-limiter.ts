/**
 * Login rate limit and lockout, counted from the audit log's `login_failed` rows.
 *
 * Why the audit log: every failed sign-in is audited anyway, so the count lives in Postgres, is
 * shared by every console instance, survives restarts, and needs no new table or migration. An
 * in-process counter would reset on restart and let N instances allow N times the attempts.
 *
 * Rule: per email, 5 failures within 15 minutes (since the last successful sign-in) lock that
 * email; per client IP, 20 failures within 15 minutes lock that IP (higher, because an office
 * shares one address). A locked attempt is refused before the password is checked, and is not
 * itself counted, so the lock ends 15 minutes after the failures that caused it — a steady
 * attacker gets at most 5 guesses per email per 15 minutes.
 *
 * Known gaps: concurrent attempts that pass the check together can exceed the limit by the
 * number in flight; the IP comes from X-Forwarded-For, which only a reverse proxy that overwrites
 * it makes trustworthy (the per-email limit does not depend on it).
 */
import { AppError } from "../errors/app-error";
import { emailTarget } from "./audit";
import type { AuthDb } from "./db";

export interface LoginLimits {
  /** @defaultValue 5 */
  maxFailuresPerEmail: number;
  /** @defaultValue 20 */
  maxFailuresPerIp: number;
  /** Failures older than this no longer count. @defaultValue 15 minutes */
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
  windowMs: 15 * 60 * 1000,
};

export type LoginGate = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: "email" | "ip" };

/** When the attempt would be allowed again: when the max-th most recent failure leaves the window. */
function retryAfter(failures: { createdAt: Date }[], max: number, windowMs: number, now: Date): number | null {
  if (failures.length < max) return null;
  const unlockAt = failures[max - 1].createdAt.getTime() + windowMs;
  return Math.max(1, Math.ceil((unlockAt - now.getTime()) / 1000));
}

/** Whether a sign-in attempt for this email from this IP may be checked now. */
export async function checkLoginAllowed(
  db: AuthDb,
  attempt: { email: string; ip: string | null },
  options: { limits?: Partial<LoginLimits>; now?: Date } = {},
): Promise<LoginGate> {
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...options.limits };
  const now = options.now ?? new Date();
  const windowStart = new Date(now.getTime() - limits.windowMs);
  const target = emailTarget(attempt.email);

  const lastSuccess = await db.prisma.auditEntry.findFirst({
    where: { action: "login", target, createdAt: { gte: windowStart } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const emailFailures = await db.prisma.auditEntry.findMany({
    where: {
      action: "login_failed",
      target,
      createdAt: { gte: windowStart, ...(lastSuccess ? { gt: lastSuccess.createdAt } : {}) },
    },
    orderBy: { createdAt: "desc" },
    take: limits.maxFailuresPerEmail,
    select: { createdAt: true },
  });
  const emailWait = retryAfter(emailFailures, limits.maxFailuresPerEmail, limits.windowMs, now);
  if (emailWait !== null) return { allowed: false, retryAfterSeconds: emailWait, scope: "email" };

  if (attempt.ip) {
    const ipFailures = await db.prisma.auditEntry.findMany({
      where: { action: "login_failed", createdAt: { gte: windowStart }, data: { path: ["ip"], equals: attempt.ip } },
      orderBy: { createdAt: "desc" },
      take: limits.maxFailuresPerIp,
      select: { createdAt: true },
    });
    const ipWait = retryAfter(ipFailures, limits.maxFailuresPerIp, limits.windowMs, now);
    if (ipWait !== null) return { allowed: false, retryAfterSeconds: ipWait, scope: "ip" };
  }
  return { allowed: true };
}

/** The 429 a refused attempt answers with (the wrapper adds `Retry-After`). */
export function loginRateLimited(retryAfterSeconds: number): AppError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new AppError(
    "rate_limited",
    429,
    `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or ask an admin to check the account.`,
    { retryAfterSeconds },
  );
}
