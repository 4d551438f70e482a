/**
 * One Postgres connection pool per process, shared by Prisma (through @prisma/adapter-pg) and by
 * the hot-path SQL that needs exactly one round trip per call.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import type { Logger } from "../engine/types";

export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Disconnects Prisma and ends the pool. Safe to call twice. */
  close(): Promise<void>;
}

export interface DbOptions {
  /** Most connections the pool opens. @defaultValue 10 */
  max?: number;
  /** Shown in pg_stat_activity, so operators can tell the console from a worker. @defaultValue "waymark" */
  applicationName?: string;
  /** Receives errors of idle connections (server restart, pg_terminate_backend). @defaultValue ignored */
  log?: Pick<Logger, "warn">;
}

export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "waymark",
    // Fail a request instead of hanging forever when the server is unreachable.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle client whose backend died emits "error" on the pool; pg-pool already discards it, and
  // without a listener Node would crash the process on an event nobody can act on.
  pool.on("error", (error) => {
    options.log?.warn("A pooled Postgres connection was closed by the server; it will be replaced.", {
      error: error.message,
    });
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    pool,
    close() {
      closed ??= (async () => {
        await prisma.$disconnect().catch(() => undefined);
        await pool.end();
      })();
      return closed;
    },
  };
}

/** SQLSTATE classes and socket errors that mean "the connection went away", not "the query is wrong". */
const connectionErrorCodes = new Set([
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);
const connectionErrorMessages = [
  "Connection terminated",
  "Client has encountered a connection error",
  "terminating connection due to administrator command",
  "Connection closed",
];

/** Whether an error (or one of its causes) is a lost or refused connection. */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== "object") return false;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && connectionErrorCodes.has(code)) return true;
    if (typeof message === "string" && connectionErrorMessages.some((m) => message.includes(m))) return true;
    current = cause;
  }
  return false;
}

/**
 * Runs `fn` and, when it fails because its connection died, runs it once more on a fresh one.
 * Only for idempotent work: reads, upserts, fenced journal writes.
 */
export async function withConnectionRetry<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    return fn();
  }
}

/** A checked-out client inside a transaction; rolls back on error and never leaks a broken client. */
export async function withTransaction<T>(db: Pick<Db, "pool">, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  // A backend terminated between two statements of the transaction emits "error" on the client;
  // the failing query reports it, this listener only keeps it from crashing the process.
  const ignore = () => undefined;
  client.on("error", ignore);
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.removeListener("error", ignore);
    client.release(broken);
  }
}
