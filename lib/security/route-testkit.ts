/**
 * Security tests through the real route handlers under app/api: their modules are imported as
 * Next loads them, and the process-wide Control they reach (`getControl`/`getDb`) is an
 * in-process one over the test's own database and queue prefix. Each API key role gets a key;
 * `counts()` snapshots the tables an attack could change, to assert that nothing was.
 */
import { NextRequest } from "next/server";
import { createApiKey } from "../auth/api-keys";
import type { Role } from "../control/types";
import { createInProcess, type InProcess } from "../testing/in-process";

/** What Next passes to a route handler; the second argument carries the dynamic params. */
export type RouteFn = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  method?: string;
  /** Path and query string; only the handler matters, so any path that names the route will do */
  path?: string;
  /** Bearer API key */
  key?: string;
  /** Session cookie token */
  cookie?: string;
  /** JSON body (objects are stringified; strings are sent as they are) */
  body?: unknown;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or null when the body is not JSON */
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Tables a refused request must leave alone (row counts). */
export const WATCHED_TABLES = [
  "runs",
  "journal_entries",
  "approvals",
  "audit_entries",
  "users",
  "sessions",
  "api_keys",
  "run_events",
] as const;

export interface RouteTest {
  t: InProcess;
  keys: Record<Role, string>;
  origin: string;
  call(handler: RouteFn, options?: CallOptions): Promise<CallResult>;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const controlKey = Symbol.for("waymark.control");
const ROLES: Role[] = ["viewer", "operator", "approver", "admin"];

export async function createRouteTest(label: string): Promise<RouteTest> {
  const t = await createInProcess(label);
  // lib/control's process-wide holder: route handlers now reach this test's database and queue.
  (globalThis as Record<symbol, unknown>)[controlKey] = { deps: t.deps, control: t.control };
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = (await createApiKey(t.database.db, { name: `${label} ${role}`, role })).key;
  const origin = "http://localhost:3000";

  return {
    t,
    keys,
    origin,
    async call(handler, options = {}) {
      const headers: Record<string, string> = { host: "localhost:3000", ...options.headers };
      if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
      if (options.cookie !== undefined) headers.cookie = `waymark_session=${options.cookie}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const request = new NextRequest(new URL(options.path ?? "/api/test", origin), {
        method: options.method ?? (body === undefined ? "GET" : "POST"),
        headers,
        body,
      });
      const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
      const text = await response.text();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = null;
      }
      return { status: response.status, headers: response.headers, text, body: parsed ?? {} };
    },
    async counts() {
      const entries = await Promise.all(
        WATCHED_TABLES.map(async (table) => {
          const [row] = await t.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
          return [table, row.n] as const;
        }),
      );
      const [decided] = await t.query<{ n: number }>("SELECT count(*)::int AS n FROM approvals WHERE status <> 'pending'");
      return { ...Object.fromEntries(entries), decided_approvals: decided.n };
    },
    async close() {
      delete (globalThis as Record<symbol, unknown>)[controlKey];
      await t.close();
    },
  };
}
