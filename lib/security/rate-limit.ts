/**
 * Fixed-window rate limits counted in Postgres (one upsert per request), so every web process
 * shares the count and the database clock decides the window. Over the limit → 429 with
 * Retry-After (the seconds until the window ends). A fixed window can let up to 2× the limit
 * through around a window edge; that is acceptable for abuse protection. Rows of a key are
 * replaced as its windows pass; keys are actors and workflows, so the table stays small.
 */
import type { Pool } from "pg";
import { AppError } from "../errors/app-error";

export interface RateLimit {
  /** What is limited, for the message ("run starts") */
  what: string;
  /** Requests allowed per window */
  limit: number;
  /** @defaultValue 60 */
  windowSeconds?: number;
}

/**
 * Counts one request for `key` and throws 429 `rate_limited` when it exceeds the limit. Refused
 * requests still count, so hammering does not shorten the wait.
 */
export async function consumeRateLimit(db: { pool: Pick<Pool, "query"> }, key: string, rule: RateLimit): Promise<void> {
  const windowSeconds = rule.windowSeconds ?? 60;
  const { rows } = await db.pool.query<{ count: number; retry_after: string; window_start: Date }>(
    `INSERT INTO rate_limit_windows (key, window_start, count)
     VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
     RETURNING count, window_start, ceil(extract(epoch FROM (window_start + make_interval(secs => $2)) - now())) AS retry_after`,
    [key, windowSeconds],
  );
  const { count, retry_after, window_start } = rows[0];
  if (count === 1) {
    // A new window opened for this key: its earlier windows are over (once per key per window).
    await db.pool
      .query("DELETE FROM rate_limit_windows WHERE key = $1 AND window_start < $2", [key, window_start])
      .catch(() => undefined);
  }
  if (count > rule.limit) {
    const retryAfterSeconds = Math.max(1, Number(retry_after));
    throw new AppError(
      "rate_limited",
      429,
      `Too many ${rule.what}: the limit is ${rule.limit} per ${windowSeconds} seconds. Try again in ${retryAfterSeconds} seconds.`,
      { retryAfterSeconds },
    );
  }
}

type LimitDb = { pool: Pick<Pool, "query"> };
type LimitActor = { kind: string; id: string };

/** A per-actor limit: each API key or console user has its own allowance per minute. */
function perActorLimit(name: string, what: string) {
  return (db: LimitDb, actor: LimitActor, limitPerMinute: number) =>
    consumeRateLimit(db, `${name}:${actor.kind}:${actor.id}`, { what, limit: limitPerMinute });
}

/** The run-start limit of one API key or console user (shared by the API and the console). */
export const consumeRunStartLimit = perActorLimit("run-start", "run starts");
/** The replay-from-step limit of one API key or console user (WAYMARK_RATE_LIMIT_REPLAYS). */
export const consumeReplayLimit = perActorLimit("replay", "replays");
/** The bulk-replay limit of one API key or console user (WAYMARK_RATE_LIMIT_BULK_REPLAYS). */
export const consumeBulkReplayLimit = perActorLimit("replay-bulk", "bulk replays");
