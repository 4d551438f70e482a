/**
 * The hand-written SQL migrations and prisma/schema.prisma describe the same database: after
 * `migrate`, every model, column, type, nullability, default, index and foreign key Prisma
 * expects is there, and nothing else is. Also: the generated client is in step with the schema,
 * and migrate is idempotent and records itself the way Prisma does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { loadPrismaDmmf, type DmmfDatamodel, type DmmfField, type DmmfModel } from "../testing/prisma-dmmf";
import { migrate, readMigrations } from "./migrate";

let t: TestDatabase;
let dmmf: DmmfDatamodel;

beforeAll(async () => {
  [t, dmmf] = await Promise.all([createTestDatabase("schema_sync"), loadPrismaDmmf()]);
});
afterAll(async () => {
  await t?.drop();
});

interface ColumnInfo {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: "YES" | "NO";
  column_default: string | null;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
}

const columnName = (field: DmmfField) => field.dbName ?? field.name;
const tableName = (model: DmmfModel) => model.dbName ?? model.name;
const scalarFields = (model: DmmfModel) => model.fields.filter((f) => f.kind === "scalar");

/** What Prisma's PostgreSQL connector creates for a scalar field. */
function expectedType(field: DmmfField): string {
  const [native, args = []] = field.nativeType ?? [];
  switch (field.type) {
    case "String":
      return native === "VarChar" ? `character varying(${args[0]})` : "text";
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Boolean":
      return "boolean";
    case "Json":
      return native === "Json" ? "json" : "jsonb";
    case "DateTime":
      return native === "Timestamptz"
        ? `timestamp with time zone(${args[0] ?? 6})`
        : `timestamp without time zone(${args[0] ?? 3})`;
    case "Decimal":
      return `numeric(${args[0] ?? 65},${args[1] ?? 30})`;
    default:
      return `unsupported ${field.type}`;
  }
}

function actualType(column: ColumnInfo): string {
  if (column.data_type.startsWith("timestamp")) return `${column.data_type}(${column.datetime_precision})`;
  if (column.data_type === "numeric") return `numeric(${column.numeric_precision},${column.numeric_scale})`;
  return column.data_type;
}

async function columns(): Promise<ColumnInfo[]> {
  const { rows } = await t.db.pool.query<ColumnInfo>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default, numeric_precision, numeric_scale,
            datetime_precision
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  return rows;
}

/** Every index as "table(col, col) unique|normal|primary". */
async function indexes(): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ description: string }>(
    `SELECT c.relname || '(' || string_agg(a.attname, ', ' ORDER BY k.ord) || ') ' ||
            CASE WHEN i.indisprimary THEN 'primary' WHEN i.indisunique THEN 'unique' ELSE 'normal' END AS description
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE c.relname <> '_prisma_migrations'
     GROUP BY c.relname, i.indexrelid, i.indisprimary, i.indisunique`,
  );
  return rows.map((r) => r.description).sort();
}

async function foreignKeys(): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ description: string }>(
    `SELECT src.relname || '(' || string_agg(sa.attname, ', ' ORDER BY k.ord) || ') -> ' || dst.relname || '(' ||
            string_agg(da.attname, ', ' ORDER BY k.ord) || ') on delete ' ||
            CASE con.confdeltype WHEN 'c' THEN 'Cascade' WHEN 'r' THEN 'Restrict' WHEN 'n' THEN 'SetNull'
                                 WHEN 'd' THEN 'SetDefault' ELSE 'NoAction' END || ' on update ' ||
            CASE con.confupdtype WHEN 'c' THEN 'Cascade' WHEN 'r' THEN 'Restrict' WHEN 'n' THEN 'SetNull'
                                 WHEN 'd' THEN 'SetDefault' ELSE 'NoAction' END AS description
     FROM pg_constraint con
     JOIN pg_class src ON src.oid = con.conrelid
     JOIN pg_class dst ON dst.oid = con.confrelid
     CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(src_att, dst_att, ord)
     JOIN pg_attribute sa ON sa.attrelid = src.oid AND sa.attnum = k.src_att
     JOIN pg_attribute da ON da.attrelid = dst.oid AND da.attnum = k.dst_att
     WHERE con.contype = 'f'
     GROUP BY con.oid, src.relname, dst.relname, con.confdeltype, con.confupdtype`,
  );
  return rows.map((r) => r.description).sort();
}

describe("schema.prisma and the SQL migrations", () => {
  it("create exactly the tables of the models (plus Prisma's _prisma_migrations)", async () => {
    const { rows } = await t.db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual([...dmmf.models.map(tableName), "_prisma_migrations"].sort());
  });

  it("give every field a column of the right type, nullability and default, and no extra columns", async () => {
    const all = await columns();
    for (const model of dmmf.models) {
      const table = tableName(model);
      const actual = all
        .filter((c) => c.table_name === table)
        .map((c) => ({
          column: c.column_name,
          type: actualType(c),
          nullable: c.is_nullable === "YES",
          hasDefault: c.column_default !== null,
        }))
        .sort((a, b) => a.column.localeCompare(b.column));
      const expected = scalarFields(model)
        .map((f) => ({
          column: columnName(f),
          type: expectedType(f),
          nullable: !f.isRequired,
          hasDefault: f.hasDefaultValue,
        }))
        .sort((a, b) => a.column.localeCompare(b.column));
      expect({ table, columns: actual }).toEqual({ table, columns: expected });
    }
  });

  it("create the primary keys, unique and plain indexes of the schema, and no others", async () => {
    const byName = new Map(dmmf.models.map((m) => [m.name, m]));
    const expected = dmmf.indexes
      .filter((index) => index.type !== "fulltext")
      .map((index) => {
        const model = byName.get(index.model)!;
        const cols = index.fields.map((f) => columnName(model.fields.find((mf) => mf.name === f.name)!));
        const kind = index.type === "id" ? "primary" : index.type;
        return `${tableName(model)}(${cols.join(", ")}) ${kind}`;
      })
      .sort();
    expect(await indexes()).toEqual(expected);
  });

  it("create the foreign keys of the relations with their referential actions", async () => {
    const byName = new Map(dmmf.models.map((m) => [m.name, m]));
    const expected = dmmf.models
      .flatMap((model) =>
        model.fields
          .filter((f) => f.kind === "object" && f.relationFromFields?.length)
          .map((f) => {
            const target = byName.get(f.type)!;
            const col = (m: DmmfModel, name: string) => columnName(m.fields.find((x) => x.name === name)!);
            const from = f.relationFromFields!.map((n) => col(model, n));
            const to = f.relationToFields!.map((n) => col(target, n));
            const onDelete = f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull");
            const onUpdate = f.relationOnUpdate ?? "Cascade";
            return `${tableName(model)}(${from.join(", ")}) -> ${tableName(target)}(${to.join(", ")}) on delete ${onDelete} on update ${onUpdate}`;
          }),
      )
      .sort();
    expect(await foreignKeys()).toEqual(expected);
  });

  it("match the generated client's runtime data model (the client was generated from this schema)", () => {
    // Prisma 7's generated client keeps a pruned data model on the instance; it is what queries use.
    const runtime = (t.db.prisma as unknown as {
      _runtimeDataModel: { models: Record<string, { dbName: string | null; fields: { name: string; kind: string; type: string; dbName?: string | null }[] }> };
    })._runtimeDataModel;
    const fromClient = Object.entries(runtime.models)
      .map(([name, m]) => ({
        name,
        dbName: m.dbName,
        fields: m.fields.map((f) => `${f.name}:${f.kind}:${f.type}:${f.dbName ?? f.name}`).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const fromSchema = dmmf.models
      .map((m) => ({
        name: m.name,
        dbName: m.dbName,
        fields: m.fields.map((f) => `${f.name}:${f.kind}:${f.type}:${f.dbName ?? f.name}`).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(fromClient).toEqual(fromSchema);
  });
});

describe("migrate", () => {
  it("records each migration once with Prisma's checksum, and a second run applies nothing", async () => {
    const files = await readMigrations();
    expect(await migrate(t.url)).toEqual({ applied: [] });
    const { rows } = await t.db.pool.query<{ migration_name: string; checksum: string; finished: boolean; steps: number }>(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count AS steps
       FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(files.map((f) => ({ migration_name: f.name, checksum: f.checksum, finished: true, steps: 1 })));
    expect(files.every((f) => /^[0-9a-f]{64}$/.test(f.checksum))).toBe(true);
  });

  it("applies each migration exactly once when several processes start at once", async () => {
    const fresh = await createTestDatabase("schema_sync_race");
    try {
      await fresh.db.pool.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
      const results = await Promise.all([migrate(fresh.url), migrate(fresh.url), migrate(fresh.url)]);
      const files = await readMigrations();
      expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name).sort());
      const { rows } = await fresh.db.pool.query(`SELECT migration_name FROM "_prisma_migrations"`);
      expect(rows).toHaveLength(files.length);
    } finally {
      await fresh.drop();
    }
  });

  it("refuses to run when an applied migration was changed, naming it", async () => {
    const [first] = await readMigrations();
    await t.db.pool.query(`UPDATE "_prisma_migrations" SET checksum = $2 WHERE migration_name = $1`, [first.name, "0".repeat(64)]);
    try {
      await expect(migrate(t.url)).rejects.toThrow(new RegExp(`Migration ${first.name} was changed after it was applied`));
    } finally {
      await t.db.pool.query(`UPDATE "_prisma_migrations" SET checksum = $2 WHERE migration_name = $1`, [first.name, first.checksum]);
    }
  });
});
