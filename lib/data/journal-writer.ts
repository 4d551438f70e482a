/**
 * The journal port (lib/engine/types.ts JournalWriter) over Postgres. Every write is ONE statement
 * whose first CTE is the fence: it extends the lease only if the run still carries this tick's
 * epoch, and the journal write reads from it, so a stale worker's write touches zero rows.
 */
import type { PoolClient } from "pg";
import type { Db } from "./db";
import { withConnectionRetry, withTransaction } from "./db";
import type {
  ApprovalDecision,
  FailedAttempt,
  Json,
  JournalEntry,
  JournalWriter,
  LlmCallFacts,
  SerializedError,
  StepKind,
  StepStatus,
  WaitRecord,
} from "../engine/types";
import { approvalPayloadHash } from "./canonical-json";
import { openJson, sealedJsonParam, sealedText } from "./sealed";
import { createId } from "./ids";
import { staleEpochError } from "./stale-epoch";

/** $1 run id, $2 epoch, $3 lease ms. */
const FENCE = `fence AS (
  UPDATE runs SET lease_expires_at = now() + $3::int * interval '1 millisecond', updated_at = now()
  WHERE id = $1 AND epoch = $2 AND lease_owner IS NOT NULL
  RETURNING id
)`;

const MARK_RUNNING = `WITH ${FENCE},
  entry AS (
    INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, attempts, input, side_effect, started_at)
    SELECT fence.id || '#' || $4::int, fence.id, $4, $5, $6, 'running', $7, $8::jsonb, $9, $10 FROM fence
    ON CONFLICT (run_id, seq) DO UPDATE SET
      status = 'running', attempts = EXCLUDED.attempts, input = coalesce(EXCLUDED.input, journal_entries.input),
      side_effect = EXCLUDED.side_effect, started_at = EXCLUDED.started_at, wake_at = NULL
    -- a late "running" must never reopen a step that already ended
    WHERE journal_entries.status NOT IN ('succeeded', 'failed')
  )
  SELECT EXISTS (SELECT 1 FROM fence) AS fenced`;

/**
 * What an LLM call attempt was charged, with its price snapshot (lib/data/price-store.ts), written
 * in the same fenced statement as the journal row. Parameters from $c: charge id (NULL: no charge),
 * attempt, status, model, price id, input and output price, price effective date, input and output
 * tokens, cost, charged at; `seq` and `stepId` are the statement's own parameters.
 */
function chargeCte(c: number, seq: string, stepId: string): string {
  const p = (offset: number) => `$${c + offset}`;
  return `charge AS (
    INSERT INTO llm_charges (id, run_id, seq, step_id, attempt, status, model, price_id, input_per_mtok, output_per_mtok,
                             price_effective_from, input_tokens, output_tokens, cost_usd, charged_at, cached_input_tokens, cached_input_per_mtok)
    SELECT ${p(0)}::text, fence.id, ${seq}, ${stepId}, ${p(1)}::int, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(5)}::numeric,
           ${p(6)}::numeric, ${p(7)}::timestamptz, ${p(8)}::int, ${p(9)}::int, ${p(10)}::numeric, ${p(11)}::timestamptz, ${p(12)}::int, ${p(13)}::numeric
    FROM fence WHERE ${p(0)}::text IS NOT NULL
    ON CONFLICT (run_id, seq, attempt) DO UPDATE SET status = EXCLUDED.status, model = EXCLUDED.model,
      price_id = EXCLUDED.price_id, input_per_mtok = EXCLUDED.input_per_mtok, output_per_mtok = EXCLUDED.output_per_mtok,
      price_effective_from = EXCLUDED.price_effective_from, input_tokens = EXCLUDED.input_tokens,
      output_tokens = EXCLUDED.output_tokens, cost_usd = EXCLUDED.cost_usd, charged_at = EXCLUDED.charged_at,
      cached_input_tokens = EXCLUDED.cached_input_tokens, cached_input_per_mtok = EXCLUDED.cached_input_per_mtok
  )`;
}

const COMPLETE = `WITH ${FENCE}, ${chargeCte(25, "$4::int", "$5::text")}
  INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, attempts, input, output, error, side_effect,
                               wake_at, started_at, finished_at, provider, request_model, model, input_tokens,
                               output_tokens, cost_usd, finish_reason, latency_ms, response_id, server_address)
  SELECT fence.id || '#' || $4::int, fence.id, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12,
         NULL, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24
  FROM fence
  ON CONFLICT (run_id, seq) DO UPDATE SET
    status = EXCLUDED.status, attempts = EXCLUDED.attempts, input = coalesce(EXCLUDED.input, journal_entries.input),
    output = EXCLUDED.output, error = EXCLUDED.error, side_effect = EXCLUDED.side_effect, wake_at = NULL,
    started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, provider = EXCLUDED.provider,
    request_model = EXCLUDED.request_model, model = EXCLUDED.model, input_tokens = EXCLUDED.input_tokens,
    output_tokens = EXCLUDED.output_tokens, cost_usd = EXCLUDED.cost_usd, finish_reason = EXCLUDED.finish_reason,
    latency_ms = EXCLUDED.latency_ms, response_id = EXCLUDED.response_id, server_address = EXCLUDED.server_address`;

const RECORD_FAILED_ATTEMPT = `WITH ${FENCE}, ${chargeCte(18, "$6::int", "$5::text")},
  attempt AS (
    INSERT INTO step_attempts (id, run_id, step_id, seq, attempt, status, error, started_at, finished_at, model,
                               input_tokens, output_tokens, cost_usd)
    SELECT $4, fence.id, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15 FROM fence
    ON CONFLICT (run_id, step_id, attempt) DO NOTHING
  )
  INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, attempts, error, wake_at, started_at)
  SELECT fence.id || '#' || $6::int, fence.id, $6, $5, $16, 'running', $7, $9::jsonb, $17, $10 FROM fence
  ON CONFLICT (run_id, seq) DO UPDATE SET
    status = 'running', attempts = EXCLUDED.attempts, error = EXCLUDED.error, wake_at = EXCLUDED.wake_at`;

const BEGIN_WAIT = `WITH ${FENCE},
  approval AS (
    INSERT INTO approvals (id, run_id, step_id, kind, status, summary, data, payload_hash, expires_at)
    SELECT $10, fence.id, $5, 'approval', 'pending', $11, $12::jsonb, $13, $8 FROM fence WHERE $10::text IS NOT NULL
    ON CONFLICT (run_id, step_id) DO NOTHING
  )
  INSERT INTO journal_entries (id, run_id, seq, step_id, kind, status, attempts, input, wake_at, started_at)
  SELECT fence.id || '#' || $4::int, fence.id, $4, $5, $6, 'waiting', 1, $7::jsonb, $8, $9 FROM fence
  ON CONFLICT (run_id, seq) DO UPDATE SET status = 'waiting', input = EXCLUDED.input, wake_at = EXCLUDED.wake_at`;

const HEARTBEAT = `UPDATE runs SET lease_expires_at = now() + $3::int * interval '1 millisecond'
  WHERE id = $1 AND epoch = $2 AND lease_owner IS NOT NULL`;

export interface JournalWriterOptions {
  runId: string;
  /** The epoch returned by claimRun */
  epoch: number;
  /** Each write extends the lease to now + leaseMs */
  leaseMs: number;
}

const TIMEOUT_DECISION: ApprovalDecision = { approved: false, reason: "timeout" };

function llmColumns(llm: Partial<LlmCallFacts> | undefined) {
  return [
    llm?.provider ?? null,
    llm?.requestModel ?? null,
    llm?.model ?? null,
    llm?.inputTokens ?? null,
    llm?.outputTokens ?? null,
    llm?.costUsd ?? null,
    llm?.finishReason ?? null,
    llm?.latencyMs ?? null,
    llm?.responseId ?? null,
    llm?.serverAddress ?? null,
  ];
}

interface Charge {
  attempt: number;
  status: string;
  llm: Partial<LlmCallFacts>;
  at: Date;
}

/**
 * The charge columns of an LLM attempt ({@link chargeCte}): its cost as the client reported it,
 * with the price snapshot it was computed with; all NULL for other kinds of step. Failed attempts
 * are charged too (whatever usage they reported, usually none).
 */
function chargeValues(kind: StepKind, charge: Charge): unknown[] {
  if (kind !== "llm") return Array.from({ length: 14 }, () => null);
  const { llm } = charge;
  return [
    createId("chg"),
    charge.attempt,
    charge.status,
    llm.price?.model ?? llm.model ?? llm.requestModel ?? null,
    llm.price?.priceId ?? null,
    llm.price?.inputPerMTok ?? null,
    llm.price?.outputPerMTok ?? null,
    llm.price?.effectiveFrom ?? null,
    llm.inputTokens ?? 0,
    llm.outputTokens ?? 0,
    llm.costUsd ?? 0,
    charge.at,
    llm.cachedInputTokens ?? 0,
    llm.price?.cachedInputPerMTok ?? null,
  ];
}

function completeValues(fence: unknown[], entry: JournalEntry): unknown[] {
  const ended = entry.status === "succeeded" || entry.status === "failed";
  return [
    ...fence,
    entry.seq,
    entry.stepId,
    entry.kind,
    entry.status,
    entry.attempts,
    sealedJsonParam(entry.input),
    sealedJsonParam(entry.output),
    sealedJsonParam(entry.error),
    entry.sideEffect ?? false,
    entry.startedAt,
    entry.finishedAt ?? null,
    ...llmColumns(entry.llm),
    ...chargeValues(ended ? entry.kind : "step", { attempt: entry.attempts, status: entry.status, llm: entry.llm ?? {}, at: entry.startedAt }),
  ];
}

/**
 * Binds the journal port to one claimed tick. Writes are sent in call order (a write the engine
 * did not await still lands before the next one), and each throws StaleEpochError once another
 * claim or a cancel has bumped the run's epoch.
 */
export function createJournalWriter(db: Db, options: JournalWriterOptions): JournalWriter {
  const { runId, epoch } = options;
  const fence = [runId, epoch, Math.round(options.leaseMs)];
  let tail: Promise<unknown> = Promise.resolve();

  /** Queues a write behind the previous one; a failed write does not block the next. */
  function inOrder<T>(write: () => Promise<T>): Promise<T> {
    const next = tail.then(write, write);
    tail = next.catch(() => undefined);
    return next;
  }

  /** Sends one fenced statement; zero rows (or fenced = false) means another epoch owns the run. */
  function fenced(name: string, text: string, values: unknown[]): Promise<void> {
    return inOrder(async () => {
      // Fenced upserts are idempotent, so a write that met a dead connection is safe to resend.
      const result = await withConnectionRetry(() => db.pool.query({ name, text, values }));
      const ok = result.rows[0] && "fenced" in result.rows[0] ? result.rows[0].fenced === true : (result.rowCount ?? 0) > 0;
      if (!ok) throw staleEpochError(runId, epoch);
    });
  }

  return {
    markRunning(entry) {
      return fenced("waymark_journal_mark_running", MARK_RUNNING, [
        ...fence,
        entry.seq,
        entry.stepId,
        entry.kind,
        entry.attempts,
        sealedJsonParam(entry.input),
        entry.sideEffect ?? false,
        entry.startedAt,
      ]);
    },

    complete(entry) {
      return fenced("waymark_journal_complete", COMPLETE, completeValues(fence, entry));
    },

    recordFailedAttempt(attempt: FailedAttempt, retryAt: Date | null) {
      return fenced("waymark_journal_failed_attempt", RECORD_FAILED_ATTEMPT, [
        ...fence,
        createId("att"),
        attempt.stepId,
        attempt.seq,
        attempt.attempt,
        attempt.status,
        sealedJsonParam(attempt.error),
        attempt.startedAt,
        attempt.finishedAt,
        attempt.llm?.model ?? null,
        attempt.llm?.inputTokens ?? null,
        attempt.llm?.outputTokens ?? null,
        attempt.llm?.costUsd ?? null,
        attempt.kind,
        retryAt,
        ...chargeValues(attempt.kind, { attempt: attempt.attempt, status: attempt.status, llm: attempt.llm ?? {}, at: attempt.startedAt }),
      ]);
    },

    beginWait(wait: WaitRecord) {
      const approval = wait.kind === "approval" ? (wait.approval ?? { summary: wait.stepId, data: null }) : undefined;
      return fenced("waymark_journal_begin_wait", BEGIN_WAIT, [
        ...fence,
        wait.seq,
        wait.stepId,
        wait.kind,
        sealedJsonParam(wait.input),
        wait.wakeAt,
        wait.startedAt,
        approval ? createId("apr") : null,
        sealedText(approval?.summary),
        approval ? sealedJsonParam(approval.data ?? null) : null,
        // the hash is of the plaintext the approver is shown, so a decision can be checked against it
        approval ? approvalPayloadHash(approval.summary, approval.data) : null,
      ]);
    },

    expireApproval(seq, stepId, now) {
      return inOrder(() => expireApproval(db, options, { seq, stepId, now }));
    },

    heartbeat() {
      return fenced("waymark_journal_heartbeat", HEARTBEAT, fence);
    },
  };
}

/**
 * Ends an approval wait whose timeout passed, racing a person's decision on the approval row:
 * whichever commits first wins, and the loser sees the winner's outcome. Holding the run row (the
 * fence) first keeps the lock order (runs → approvals → journal) that decideApproval also follows.
 */
async function expireApproval(
  db: Db,
  { runId, epoch, leaseMs }: JournalWriterOptions,
  { seq, stepId, now }: { seq: number; stepId: string; now: Date },
): Promise<ApprovalDecision> {
  return withTransaction(db, async (client) => {
    const fence = await client.query(
      `UPDATE runs SET lease_expires_at = now() + $3::int * interval '1 millisecond', updated_at = now()
       WHERE id = $1 AND epoch = $2 AND lease_owner IS NOT NULL`,
      [runId, epoch, Math.round(leaseMs)],
    );
    if (!fence.rowCount) throw staleEpochError(runId, epoch);
    const expired = await client.query(
      `UPDATE approvals SET status = 'expired', decided_at = $3 WHERE run_id = $1 AND step_id = $2 AND status = 'pending'`,
      [runId, stepId, now],
    );
    if (!expired.rowCount) {
      const recorded = await recordedDecision(client, runId, seq);
      if (recorded) return recorded;
    }
    await client.query(
      `UPDATE journal_entries SET status = 'succeeded', output = $3::jsonb, wake_at = NULL, finished_at = $4
       WHERE run_id = $1 AND seq = $2`,
      [runId, seq, sealedJsonParam(TIMEOUT_DECISION), now],
    );
    return TIMEOUT_DECISION;
  });
}

async function recordedDecision(client: PoolClient, runId: string, seq: number): Promise<ApprovalDecision | null> {
  const { rows } = await client.query<{ output: Json }>(
    "SELECT output FROM journal_entries WHERE run_id = $1 AND seq = $2",
    [runId, seq],
  );
  const output = openJson<Partial<ApprovalDecision> | null | undefined>(rows[0]?.output);
  return output && typeof output.approved === "boolean" ? (output as ApprovalDecision) : null;
}

interface JournalRow {
  seq: number;
  step_id: string;
  kind: StepKind;
  status: StepStatus;
  attempts: number;
  input: Json;
  input_absent: boolean;
  output: Json;
  output_absent: boolean;
  error: SerializedError | null;
  side_effect: boolean;
  wake_at: Date | null;
  started_at: Date;
  finished_at: Date | null;
  provider: string | null;
  request_model: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: string | null;
  finish_reason: string | null;
  latency_ms: number | null;
  response_id: string | null;
  server_address: string | null;
}

function toLlmFacts(row: JournalRow): LlmCallFacts | undefined {
  if (row.provider === null && row.model === null) return undefined;
  return {
    provider: row.provider ?? "",
    requestModel: row.request_model ?? row.model ?? "",
    model: row.model ?? "",
    inputTokens: row.input_tokens ?? 0,
    outputTokens: row.output_tokens ?? 0,
    costUsd: row.cost_usd === null ? 0 : Number(row.cost_usd),
    finishReason: row.finish_reason ?? "",
    latencyMs: row.latency_ms ?? 0,
    ...(row.response_id !== null ? { responseId: row.response_id } : {}),
    ...(row.server_address !== null ? { serverAddress: row.server_address } : {}),
  };
}

/**
 * The run's journal in call order, as the engine replays it. A step that returned `null` gives
 * back `null` and one that returned nothing gives back `undefined`, exactly as first run.
 */
export async function loadJournal(db: Db, runId: string): Promise<JournalEntry[]> {
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<JournalRow>({
      name: "waymark_load_journal",
      text: `SELECT seq, step_id, kind, status, attempts, input, input IS NULL AS input_absent, output,
                    output IS NULL AS output_absent, error, side_effect, wake_at, started_at, finished_at, provider,
                    request_model, model, input_tokens, output_tokens, cost_usd, finish_reason, latency_ms,
                    response_id, server_address
             FROM journal_entries WHERE run_id = $1 ORDER BY seq`,
      values: [runId],
    }),
  );
  return rows.map((row) => {
    const entry: JournalEntry = {
      seq: row.seq,
      stepId: row.step_id,
      kind: row.kind,
      status: row.status,
      attempts: row.attempts,
      startedAt: row.started_at,
    };
    if (!row.input_absent) entry.input = openJson(row.input);
    if (!row.output_absent) entry.output = openJson(row.output);
    if (row.error !== null) entry.error = openJson(row.error);
    if (row.side_effect) entry.sideEffect = true;
    if (row.wake_at !== null) entry.wakeAt = row.wake_at;
    if (row.finished_at !== null) entry.finishedAt = row.finished_at;
    const llm = toLlmFacts(row);
    if (llm) entry.llm = llm;
    return entry;
  });
}
