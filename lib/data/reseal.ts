/**
 * Key rotation's second half: re-seals every sealed column with the ring's active key (and seals
 * values stored before encryption), so an old key can then leave WAYMARK_ENCRYPTION_KEYS. Safe
 * while workers run: each value is replaced only if it is still the one that was read, so a
 * concurrent write wins and the run can simply be repeated. Audit entries are append-only (the
 * database refuses updates): a comment sealed there keeps the key it was sealed with. Run events
 * hold no payloads.
 */
import type { Db } from "./db";
import { activeKeyRing, openJson, resealed, sealJson, sealedKeyId } from "../security/secret-box";
import { inputSearchParam } from "./sealed";

type Cast = "jsonb" | "text";

interface ColumnSpec {
  name: string;
  cast: Cast;
  /** The value to store instead of `stored`, or undefined when it is already sealed with the active key */
  next(stored: unknown, row: Record<string, unknown>): unknown;
}

interface TableSpec {
  table: string;
  /** Primary key, and a value below every key for the first page */
  pk: string;
  first: string;
  /** Rows whose columns are sealed (budget approvals, for instance, stay plaintext) */
  where?: string;
  columns: ColumnSpec[];
}

const current = (stored: unknown) => sealedKeyId(stored) === activeKeyRing().activeId;

const json = (name: string): ColumnSpec => ({
  name,
  cast: "jsonb",
  next: (stored) => (stored === null || current(stored) ? undefined : JSON.stringify(sealJson(openJson(stored)))),
});

const text = (name: string): ColumnSpec => ({
  name,
  cast: "text",
  next: (stored) => (stored === null ? undefined : (resealed(stored as string) ?? undefined)),
});

/** The blind index of a run's input under the active key (rebuilt after a rotation). */
const inputSearch: ColumnSpec = {
  name: "input_search",
  cast: "jsonb",
  next(stored, row) {
    const index = inputSearchParam(openJson(row.input));
    return JSON.stringify(stored) === index ? undefined : index;
  },
};

const TABLES: TableSpec[] = [
  { table: "runs", pk: "id", first: "", columns: [json("input"), json("output"), json("error"), inputSearch] },
  { table: "journal_entries", pk: "id", first: "", columns: [json("input"), json("output"), json("error")] },
  { table: "step_attempts", pk: "id", first: "", columns: [json("error")] },
  { table: "approvals", pk: "id", first: "", where: "kind = 'approval'", columns: [text("summary"), json("data"), text("comment")] },
  // Budget approvals keep summary and data plaintext (SQL reads data->>'ledgerId'), but their comment is sealed too.
  { table: "approvals", pk: "id", first: "", where: "kind <> 'approval'", columns: [text("comment")] },
  { table: "webhook_secrets", pk: "workflow_name", first: "", columns: [text("secret"), text("previous_secret")] },
  { table: "alert_endpoints", pk: "id", first: "", columns: [text("secret_sealed")] },
];

export interface ResealReport {
  /** Values rewritten, per `table.column` */
  resealed: Record<string, number>;
  /** Values left alone because they changed while this ran (repeat to reseal them) */
  skipped: number;
}

/** Re-seals every sealed column with the active key, `batchSize` rows per query. */
export async function resealAll(db: Pick<Db, "pool">, options: { batchSize?: number } = {}): Promise<ResealReport> {
  const batchSize = options.batchSize ?? 500;
  const report: ResealReport = { resealed: {}, skipped: 0 };
  for (const spec of TABLES) {
    const names = spec.columns.map((c) => c.name);
    const select = [...new Set([spec.pk, ...names, ...(spec.table === "runs" ? ["input"] : [])])].join(", ");
    let cursor = spec.first;
    for (;;) {
      const { rows } = await db.pool.query<Record<string, unknown>>(
        `SELECT ${spec.pk}::text AS pk, ${select} FROM ${spec.table}
          WHERE ${spec.pk} > $1 ${spec.where ? `AND ${spec.where}` : ""} ORDER BY ${spec.pk} LIMIT $2`,
        [cursor, batchSize],
      );
      for (const row of rows) {
        for (const column of spec.columns) {
          let value: unknown;
          try {
            value = column.next(row[column.name], row);
          } catch (error) {
            throw new Error(`Cannot re-seal ${spec.table}.${column.name} of ${row.pk}: ${(error as Error).message}`, { cause: error });
          }
          if (value === undefined) continue;
          const previous = row[column.name];
          const { rowCount } = await db.pool.query(
            `UPDATE ${spec.table} SET ${column.name} = $1::${column.cast}
              WHERE ${spec.pk} = $2 AND ${column.name} IS NOT DISTINCT FROM $3::${column.cast}`,
            [value, row.pk, column.cast === "jsonb" && previous !== null ? JSON.stringify(previous) : previous],
          );
          const key = `${spec.table}.${column.name}`;
          if (rowCount) report.resealed[key] = (report.resealed[key] ?? 0) + 1;
          else report.skipped++;
        }
      }
      if (rows.length < batchSize) break;
      cursor = rows[rows.length - 1]!.pk as string;
    }
  }
  return report;
}
