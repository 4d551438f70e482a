/**
 * The demo workflows' "outside world": every email sent, report published or ticket routed lands
 * here, keyed by its idempotency key. An effect is APPLIED once per key while every delivery is
 * counted, so a person (in the console or with psql) and a test can see exactly-once effects
 * even when a step was delivered twice after a crash.
 */
import type { Pool } from "pg";

export interface SinkDelivery {
  /** `<runId>:<stepId>` from the step context */
  idempotencyKey: string;
  /** `email`, `publish`, `ticket-route`, `notify`, … */
  channel: string;
  /** JSON-serialisable content of the effect */
  payload: unknown;
}

export interface SinkEffect {
  idempotencyKey: string;
  channel: string;
  payload: unknown;
  /** How many times the effect was delivered; it was applied only the first time */
  deliveries: number;
  firstAt: Date;
  lastAt: Date;
}

export interface SinkFilter {
  channel?: string;
  /** e.g. `"<runId>:"` for one run's effects */
  keyPrefix?: string;
}

export interface Sink {
  /** Applies the effect if its key is new; counts the delivery either way. */
  deliver(delivery: SinkDelivery): Promise<{ applied: boolean; deliveries: number }>;
  /** Number of applied effects (distinct keys) matching the filter. */
  count(filter?: SinkFilter): Promise<number>;
  /** Applied effects, oldest first. */
  list(filter?: SinkFilter): Promise<SinkEffect[]>;
}

interface SinkRow {
  idempotency_key: string;
  channel: string;
  payload: unknown;
  deliveries: number;
  first_at: Date;
  last_at: Date;
}

/** `WHERE` clause and values for a filter, with `$n` placeholders from 1. */
function whereClause(filter: SinkFilter = {}): { sql: string; values: string[] } {
  const conditions: string[] = [];
  const values: string[] = [];
  if (filter.channel !== undefined) {
    values.push(filter.channel);
    conditions.push(`channel = $${values.length}`);
  }
  if (filter.keyPrefix !== undefined) {
    values.push(filter.keyPrefix);
    conditions.push(`starts_with(idempotency_key, $${values.length})`);
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", values };
}

/** The sink in the `sink_effects` table (see prisma/schema.prisma, model SinkEffect). */
export function createSink(db: Pick<Pool, "query">): Sink {
  return {
    async deliver({ idempotencyKey, channel, payload }) {
      // One statement, so two concurrent deliveries of one key cannot both apply it.
      const { rows } = await db.query<{ deliveries: number }>(
        `INSERT INTO sink_effects (idempotency_key, channel, payload)
         VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (idempotency_key)
         DO UPDATE SET deliveries = sink_effects.deliveries + 1, last_at = now()
         RETURNING deliveries`,
        [idempotencyKey, channel, JSON.stringify(payload ?? null)],
      );
      const deliveries = rows[0].deliveries;
      return { applied: deliveries === 1, deliveries };
    },
    async count(filter) {
      const where = whereClause(filter);
      const { rows } = await db.query<{ count: string }>(`SELECT count(*) AS count FROM sink_effects ${where.sql}`, where.values);
      return Number(rows[0].count);
    },
    async list(filter) {
      const where = whereClause(filter);
      const { rows } = await db.query<SinkRow>(
        `SELECT idempotency_key, channel, payload, deliveries, first_at, last_at
         FROM sink_effects ${where.sql} ORDER BY first_at, idempotency_key`,
        where.values,
      );
      return rows.map((row) => ({
        idempotencyKey: row.idempotency_key,
        channel: row.channel,
        payload: row.payload,
        deliveries: row.deliveries,
        firstAt: row.first_at,
        lastAt: row.last_at,
      }));
    },
  };
}

/** The same sink in memory, for pure tests and the in-memory workflow test runner. */
export function createMemorySink(now: () => Date = () => new Date()): Sink {
  const effects = new Map<string, SinkEffect>();
  const matching = (filter: SinkFilter = {}) =>
    [...effects.values()].filter(
      (effect) =>
        (filter.channel === undefined || effect.channel === filter.channel) &&
        (filter.keyPrefix === undefined || effect.idempotencyKey.startsWith(filter.keyPrefix)),
    );
  return {
    async deliver({ idempotencyKey, channel, payload }) {
      const existing = effects.get(idempotencyKey);
      if (existing) {
        existing.deliveries += 1;
        existing.lastAt = now();
        return { applied: false, deliveries: existing.deliveries };
      }
      // Stored as JSON would store it, so the memory sink cannot hide a non-serialisable payload.
      const stored = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
      effects.set(idempotencyKey, { idempotencyKey, channel, payload: stored, deliveries: 1, firstAt: now(), lastAt: now() });
      return { applied: true, deliveries: 1 };
    },
    async count(filter) {
      return matching(filter).length;
    },
    async list(filter) {
      return matching(filter).map((effect) => ({ ...effect }));
    },
  };
}
