/**
 * Applies prisma/migrations/<name>/migration.sql in order and records each in Prisma's
 * `_prisma_migrations` table the way Prisma's schema engine does, because that engine cannot be
 * downloaded where Waymark is built (see shared/ENVIRONMENT.md); `prisma migrate deploy` agrees
 * with the result wherever it can run.
 */
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import pg from "pg";

/** Prisma's schema engine takes this advisory lock too, so our runs and its runs exclude each other. */
const MIGRATION_LOCK_ID = 72707369;

const defaultMigrationsDir = () => fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** Prisma's own DDL for its bookkeeping table (PostgreSQL connector). */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma stores it */
  checksum: string;
}

export interface MigrateOptions {
  /** Receives one line per applied migration. @defaultValue silent */
  log?: (message: string) => void;
  /** Folder holding `<timestamp>_<name>/migration.sql`. @defaultValue the repo's prisma/migrations */
  migrationsDir?: string;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Reads the migration folders, sorted by name (their timestamp prefix). */
export async function readMigrations(migrationsDir = defaultMigrationsDir()): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: sha256(sql) };
    }),
  );
}

/** Prisma accepts a stored checksum computed with either line ending (prisma-engines#2101); so do we. */
function checksumMatches(stored: string, file: MigrationFile): boolean {
  const lf = file.sql.replace(/\r\n/g, "\n");
  return [file.checksum, sha256(lf), sha256(lf.replace(/\n/g, "\r\n"))].includes(stored);
}

/**
 * Applies every migration not yet recorded, each in its own transaction, under an advisory lock so
 * processes starting at once apply each migration exactly once. Idempotent.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "waymark-migrate" });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
    }>(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`);
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));

    for (const migration of migrations) {
      const row = recorded.get(migration.name);
      if (row && !row.finished_at) {
        throw new MigrationError(
          `Migration ${migration.name} was started but never finished on this database (a failed \`prisma migrate deploy\`?). ` +
            `Fix the database by hand, then mark it with \`prisma migrate resolve\` or delete its row from "_prisma_migrations".`,
        );
      }
      if (row) {
        if (!checksumMatches(row.checksum, migration)) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied (checksum ${row.checksum} in the database, ` +
              `${migration.checksum} on disk). Restore the original file and put the change in a new migration.`,
          );
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, {
          cause: error,
        });
      }
      applied.push(migration.name);
      options.log?.(`Applied migration ${migration.name}`);
    }
    return { applied };
  } finally {
    // Ending the session releases the advisory lock even if the unlock is never sent.
    await client.end().catch(() => undefined);
  }
}

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

/** The database name in a postgres URL, validated so it can be quoted into DDL safely. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (!DATABASE_NAME.test(name)) {
    throw new MigrationError(
      `The database name "${name}" in ${maskDatabaseUrl(databaseUrl)} is not supported: use letters, digits, "_" or "-" ` +
        `(at most 63, starting with a letter or "_").`,
    );
  }
  return name;
}

/** The same server, but the `postgres` maintenance database (where CREATE/DROP DATABASE run). */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

/** Creates the URL's database when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const name = databaseNameOf(databaseUrl);
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl), application_name: "waymark-migrate" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return { created: false };
    try {
      await client.query(`CREATE DATABASE "${name}"`);
      return { created: true };
    } catch (error) {
      // Another process created it between our check and our CREATE: 42P04, or 23505 when both
      // CREATEs ran at once and met on pg_database's unique name index.
      const code = (error as { code?: string }).code;
      if (code === "42P04" || code === "23505") return { created: false };
      throw error;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL with its password replaced by "****", for messages and logs. */
export function maskDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "****";
    return url.toString();
  } catch {
    return "(an unparseable database URL)";
  }
}

/** A message that says which server could not be used, why, and what to do about it. */
export function describeConnectionError(databaseUrl: string, error: unknown): string {
  const where = maskDatabaseUrl(databaseUrl);
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  // Connecting to "localhost" fails with an AggregateError whose message is empty: show its code alone.
  const detail = [code, message].filter(Boolean).join(": ") || String(error);
  if (code === "28P01" || code === "28000") {
    return `Postgres at ${where} refused the credentials (${detail}). Check the user and password in DATABASE_URL.`;
  }
  if (code === "3D000") {
    return `The database in ${where} does not exist (${detail}). Run \`npm run migrate\`, which creates it, or create it by hand.`;
  }
  return (
    `Cannot reach Postgres at ${where} (${detail}). Start it with \`docker compose up -d postgres redis\`, ` +
    `or start a local PostgreSQL server, or point DATABASE_URL at one that is running.`
  );
}
