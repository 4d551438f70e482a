// POST /api/auth/login — {email, password} → session cookie; 401 on bad credentials, 429 when locked.
import { NextResponse } from "next/server";
import { SESSION_COOKIE, isSecureContext, sessionCookieOptions } from "../../../../lib/auth/cookie";
import { sessionOptionsFromConfig } from "../../../../lib/auth/sessions";
import { signIn } from "../../../../lib/auth/sign-in";
import { getConfig } from "../../../../lib/config/env";
import { getDb } from "../../../../lib/control";
import { apiHandler } from "../../../../lib/http";
import { loginBody } from "../../../../lib/http/api-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = apiHandler({ auth: "session-write", body: loginBody, maxBodyBytes: 8 * 1024 }, async ({ request, body, clientIp }) => {
  const config = getConfig();
  const signedIn = await signIn(await getDb(), { ...body, ip: clientIp }, { session: sessionOptionsFromConfig(config) });
  const response = NextResponse.json({ user: { email: signedIn.user.email, role: signedIn.user.role } });
  response.cookies.set(
    SESSION_COOKIE,
    signedIn.token,
    sessionCookieOptions(isSecureContext(request, config.WAYMARK_PUBLIC_URL), signedIn.expiresAt),
  );
  return response;
});
