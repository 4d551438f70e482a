/**
 * The wrapper every route handler under app/api goes through: request id, authentication, role,
 * body/query validation, and error mapping. Authorization lives here and in lib/control, never
 * only in proxy.ts, so a request that skips the proxy (CVE-2025-29927) gains nothing.
 */
import type { NextRequest } from "next/server";
import type { z } from "zod";
import type { Actor, Role } from "../control/types";
import { AppError, forbidden, unauthorized } from "../errors/app-error";
import { SESSION_COOKIE } from "../auth/cookie";
import { hasRole } from "../auth/roles";
import { consoleErrorLogger, errorResponse, type ErrorLogger } from "./error-response";
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from "./json-body";
import { parseWith, searchParamsObject } from "./params";
import { assertSameOrigin, clientIpFor, requestIdFor } from "./request-meta";

/**
 * - `none`: no authentication (health, login).
 * - `read`: a Bearer API key or the console's session cookie.
 * - `write`: a Bearer API key only — a cookie alone could be sent by a cross-site form (CSRF);
 *   the console changes things through server actions instead.
 * - `session-write`: the session cookie is optional, and the Origin must be this site
 *   (sign-in/sign-out from the console's own page).
 */
export type AuthMode = "none" | "read" | "write" | "session-write";

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type ActorFor<A extends AuthMode> = A extends "read" | "write" ? Actor : Actor | null;

export interface ApiHandlerOptions<A extends AuthMode, B extends Schema, Q extends Schema> {
  auth: A;
  /** Lowest role allowed. @defaultValue "viewer" for read/write; none for "none"/"session-write" */
  minRole?: Role;
  /** Zod schema of the JSON body; without it the body is not read */
  body?: B;
  /** Zod schema of the query string (repeated keys arrive as arrays) */
  query?: Q;
  /** Body size limit in bytes. @defaultValue 262144 (256 KB) */
  maxBodyBytes?: number;
}

export interface ApiRequestContext<A extends AuthMode, B extends Schema, Q extends Schema> {
  request: NextRequest;
  requestId: string;
  actor: ActorFor<A>;
  body: Out<B>;
  query: Out<Q>;
  /** Awaited dynamic route params (validate ids with `pathId`) */
  params: Record<string, string | string[] | undefined>;
  /** Client IP (X-Forwarded-For), for rate limits and audit rows */
  clientIp: string | null;
}

/** What Next passes as the second argument of a route handler. */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

export type RouteHandler = (request: NextRequest, context: RouteContext) => Promise<Response>;

export interface ApiHandlerDeps {
  /** The actor for a Bearer API key, or null when unknown/revoked */
  authenticateApiKey(key: string): Promise<Actor | null>;
  /** The actor for a session cookie token, or null when unknown/expired */
  authenticateSession(token: string): Promise<Actor | null>;
  /** WAYMARK_PUBLIC_URL: an extra allowed Origin for `session-write` */
  publicUrl?(): string | undefined;
  /** @defaultValue JSON lines on stderr */
  logger?: ErrorLogger;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

async function authenticate(request: NextRequest, mode: AuthMode, deps: ApiHandlerDeps): Promise<Actor | null> {
  if (mode === "none") return null;
  const authorization = request.headers.get("authorization");
  if (authorization !== null && mode !== "session-write") {
    const match = BEARER.exec(authorization);
    if (!match) throw unauthorized("The Authorization header must be `Bearer <api key>`.");
    const actor = await deps.authenticateApiKey(match[1]);
    if (!actor) throw unauthorized("The API key is not valid or has been revoked; create a new key on the console's admin page.");
    return actor;
  }
  if (mode === "write") {
    throw unauthorized(
      "This endpoint changes data and needs an API key: send `Authorization: Bearer <api key>` (a console session cookie only allows reads here).",
    );
  }
  const token = request.cookies.get(SESSION_COOKIE)?.value;
  const actor = token ? await deps.authenticateSession(token) : null;
  if (!actor && mode === "read") {
    throw unauthorized(
      token
        ? "Your console session has ended; sign in again, or send `Authorization: Bearer <api key>`."
        : "Authentication required: send `Authorization: Bearer <api key>`.",
    );
  }
  return actor;
}

/** A JSON response (the wrapper adds X-Request-Id and Cache-Control). */
export function json(data: unknown, init: number | ResponseInit = 200): Response {
  return Response.json(data, typeof init === "number" ? { status: init } : init);
}

/** Builds `apiHandler` with its authentication dependencies (tests pass their own). */
export function createApiHandler(deps: ApiHandlerDeps) {
  const logger = deps.logger ?? consoleErrorLogger;
  return function apiHandler<A extends AuthMode, B extends Schema = undefined, Q extends Schema = undefined>(
    options: ApiHandlerOptions<A, B, Q>,
    handler: (context: ApiRequestContext<A, B, Q>) => Promise<Response>,
  ): RouteHandler {
    return async (request, routeContext) => {
      const requestId = requestIdFor(request.headers);
      const where = { method: request.method, path: request.nextUrl.pathname };
      try {
        if (options.auth === "session-write") assertSameOrigin(request, deps.publicUrl?.());
        const actor = await authenticate(request, options.auth, deps);
        const minRole = options.minRole ?? (options.auth === "read" || options.auth === "write" ? "viewer" : undefined);
        if (minRole) {
          if (!actor) throw unauthorized();
          if (!hasRole(actor, minRole)) {
            const who = actor.kind === "apikey" ? `the API key "${actor.label}"` : `${actor.label}`;
            throw forbidden(`This needs the "${minRole}" role; ${who} has "${actor.role}". Ask an admin for a key or account with that role.`);
          }
        }
        const query = options.query
          ? parseWith(options.query, searchParamsObject(request.nextUrl.searchParams), "query string")
          : undefined;
        const body = options.body
          ? parseWith(options.body, await readJsonBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES), "request body")
          : undefined;
        const params = (await routeContext?.params) ?? {};
        const response = await handler({
          request,
          requestId,
          actor: actor as ActorFor<A>,
          body: body as Out<B>,
          query: query as Out<Q>,
          params,
          clientIp: clientIpFor(request.headers),
        });
        return withStandardHeaders(response, requestId);
      } catch (error) {
        return errorResponse(error, requestId, logger, where);
      }
    };
  };
}

export type ApiHandler = ReturnType<typeof createApiHandler>;

/**
 * A handler for the methods a resource refuses, so they get the API's JSON error (405
 * `method_not_allowed` with `Allow`) rather than Next's empty default: e.g. the audit log is
 * read-only, `export const POST = methodNotAllowed(["GET"])`.
 */
export function methodNotAllowed(allow: readonly string[]): RouteHandler {
  return async (request) => {
    const requestId = requestIdFor(request.headers);
    const error = new AppError(
      "method_not_allowed",
      405,
      `${request.method} is not allowed on ${request.nextUrl.pathname}; it allows ${allow.join(", ")} only.`,
    );
    const response = errorResponse(error, requestId);
    response.headers.set("Allow", allow.join(", "));
    return response;
  };
}

/** Adds X-Request-Id and Cache-Control: no-store, copying responses whose headers are immutable. */
function withStandardHeaders(response: Response, requestId: string): Response {
  let target = response;
  try {
    target.headers.set("X-Request-Id", requestId);
  } catch {
    // Response.redirect() and fetch() responses have immutable headers.
    target = new Response(response.body, response);
    target.headers.set("X-Request-Id", requestId);
  }
  if (!target.headers.has("Cache-Control")) target.headers.set("Cache-Control", "no-store");
  return target;
}
