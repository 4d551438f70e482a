/**
 * The signed-in console user for Server Components and server actions. Every page and action
 * checks it itself; proxy.ts only saves a round trip for visitors without a cookie.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getConfig } from "../config/env";
import { getDb } from "../control";
import type { Actor, Role } from "../control/types";
import { forbidden } from "../errors/app-error";
import { assertSameOrigin } from "../http/request-meta";
import { SESSION_COOKIE, safeNextPath } from "./cookie";
import { hasRole } from "./roles";
import { getSessionActor, sessionOptionsFromConfig } from "./sessions";

export { hasRole } from "./roles";

/** Request header proxy.ts sets to the page's path + query, so a redirect to login can come back. */
export const PATH_HEADER = "x-waymark-path";

/** The signed-in user, or null. Cached per request (one session lookup per render). */
export const getCurrentActor = cache(async (): Promise<Actor | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return getSessionActor(await getDb(), token, sessionOptionsFromConfig(getConfig()));
});

/**
 * The signed-in user with at least `minRole`. Signed out → redirects to `/login?next=<this page>`
 * (`next` defaults to the path proxy.ts recorded); role too low → throws AppError 403 `forbidden`.
 * In a server action, a missing, `null` or foreign Origin → AppError 403 `forbidden`.
 */
export async function requireActor(minRole: Role, options: { next?: string } = {}): Promise<Actor> {
  const requestHeaders = await headers();
  // A server action (POST with Next-Action): Next checks a foreign Origin itself but lets a
  // missing one through, and `Origin: null` was once a bypass (GHSA-mq59-m269-xvcx), so every
  // action that calls this — all of them — also gets our stricter check (403 before any change).
  if (requestHeaders.has("next-action")) {
    assertSameOrigin({ headers: requestHeaders } as Request, getConfig().WAYMARK_PUBLIC_URL);
  }
  const actor = await getCurrentActor();
  if (!actor) {
    const next = safeNextPath(options.next ?? requestHeaders.get(PATH_HEADER));
    redirect(next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`);
  }
  if (!hasRole(actor, minRole)) {
    throw forbidden(`This needs the "${minRole}" role; your account ${actor.label} has "${actor.role}". Ask an admin to change it.`);
  }
  return actor;
}
