// POST /api/auth/logout — ends the session server-side and clears the cookie.
import { NextResponse } from "next/server";
import { SESSION_COOKIE, isSecureContext, sessionCookieOptions } from "../../../../lib/auth/cookie";
import { sessionOptionsFromConfig } from "../../../../lib/auth/sessions";
import { signOut } from "../../../../lib/auth/sign-in";
import { getConfig } from "../../../../lib/config/env";
import { getDb } from "../../../../lib/control";
import { apiHandler } from "../../../../lib/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "session-write" }, async ({ request, clientIp }) => {
  const config = getConfig();
  const token = request.cookies.get(SESSION_COOKIE)?.value;
  if (token) await signOut(await getDb(), token, { ip: clientIp, session: sessionOptionsFromConfig(config) });
  const response = NextResponse.json({ signedOut: true });
  response.cookies.set(SESSION_COOKIE, "", sessionCookieOptions(isSecureContext(request, config.WAYMARK_PUBLIC_URL), new Date(0)));
  return response;
});
