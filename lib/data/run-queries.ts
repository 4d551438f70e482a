/** Read models of runs for the API and the console (shapes in ./views). */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import type { BudgetConfig, Json, RunStatus, SerializedError, StepKind, StepStatus } from "../engine/types";
import type { Page, RunSummaryView, RunView, StepAttemptView, StepView } from "./views";
import type { RunFilter } from "../control/types";
import { invalidInput } from "../errors/app-error";
import { toApprovalView } from "./approval-store";
import { inputSearchTerms, openJson } from "./sealed";

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const toNumber = (value: { toString(): string } | number | string | null | undefined) =>
  value === null || value === undefined ? 0 : Number(value.toString());

/** The part of a stored error that callers may see (never the stack). */
function publicError(error: unknown): Pick<SerializedError, "name" | "message" | "reason"> | null {
  if (!error || typeof error !== "object") return null;
  const { name, message, reason } = error as Partial<SerializedError>;
  return { name: String(name ?? "Error"), message: String(message ?? ""), ...(reason ? { reason } : {}) };
}

function attemptError(error: unknown): StepAttemptView["error"] {
  const shown = publicError(error);
  return shown && { name: shown.name, message: shown.message };
}

/** Columns of a run as both Prisma and the summary SQL below return them. */
interface RunSource {
  id: string;
  workflowName: string;
  workflowVersion: number;
  status: string;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  stepCount: number;
  totalTokens: number;
  totalCostUsd: { toString(): string } | string | number;
  error: unknown;
  forkedFromRunId: string | null;
  forkedAtStep: string | null;
}

function toRunSummary(run: RunSource): RunSummaryView {
  return {
    id: run.id,
    workflow: run.workflowName,
    version: run.workflowVersion,
    status: run.status as RunStatus,
    requestedBy: run.requestedBy,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    updatedAt: run.updatedAt.toISOString(),
    stepCount: run.stepCount,
    totalTokens: run.totalTokens,
    totalCostUsd: toNumber(run.totalCostUsd),
    error: publicError(openJson(run.error)),
    forkedFromRunId: run.forkedFromRunId,
    forkedAtStep: run.forkedAtStep,
  };
}

/** The run with its steps in call order, each with its attempts, usage and approval. */
export async function getRunView(db: Db, runId: string): Promise<RunView | null> {
  const run = await withConnectionRetry(() =>
    db.prisma.run.findUnique({
      where: { id: runId },
      include: {
        journal: { orderBy: { seq: "asc" } },
        attempts: { orderBy: [{ seq: "asc" }, { attempt: "asc" }] },
        approvals: true,
      },
    }),
  );
  if (!run) return null;

  const steps: StepView[] = run.journal.map((entry) => {
    const failed: StepAttemptView[] = run.attempts
      .filter((a) => a.stepId === entry.stepId)
      .map((a) => ({
        attempt: a.attempt,
        status: a.status === "timed_out" ? "timed_out" : "failed",
        error: attemptError(openJson(a.error)),
        startedAt: a.startedAt.toISOString(),
        finishedAt: a.finishedAt.toISOString(),
      }));
    const finalRecorded = failed.some((a) => a.attempt === entry.attempts);
    const attemptHistory: StepAttemptView[] = finalRecorded
      ? failed
      : [
          ...failed,
          {
            attempt: entry.attempts,
            status: entry.status === "succeeded" ? "succeeded" : entry.status === "failed" ? "failed" : "running",
            error: entry.status === "failed" ? attemptError(openJson(entry.error)) : null,
            startedAt: entry.startedAt.toISOString(),
            finishedAt: iso(entry.finishedAt),
          },
        ];
    const firstStart = [entry.startedAt, ...run.attempts.filter((a) => a.stepId === entry.stepId).map((a) => a.startedAt)]
      .reduce((a, b) => (a < b ? a : b));
    const approval = run.approvals.find((a) => a.stepId === entry.stepId);
    return {
      seq: entry.seq,
      id: entry.stepId,
      kind: entry.kind as StepKind,
      status: entry.status as StepStatus,
      attempts: entry.attempts,
      sideEffect: entry.sideEffect,
      startedAt: firstStart.toISOString(),
      finishedAt: iso(entry.finishedAt),
      wakeAt: iso(entry.wakeAt),
      input: openJson<Json>(entry.input) ?? null,
      output: openJson<Json>(entry.output) ?? null,
      error: publicError(openJson(entry.error)),
      usage:
        entry.kind === "llm"
          ? {
              provider: entry.provider,
              model: entry.model,
              inputTokens: entry.inputTokens ?? 0,
              outputTokens: entry.outputTokens ?? 0,
              costUsd: toNumber(entry.costUsd),
              finishReason: entry.finishReason,
              latencyMs: entry.latencyMs,
            }
          : null,
      attemptHistory,
      approval: approval
        ? toApprovalView({
            id: approval.id,
            run_id: approval.runId,
            step_id: approval.stepId,
            kind: approval.kind,
            status: approval.status,
            summary: approval.summary,
            data: (approval.data as Json) ?? null,
            payload_hash: approval.payloadHash,
            created_at: approval.createdAt,
            expires_at: approval.expiresAt,
            decided_by: approval.decidedBy,
            decided_at: approval.decidedAt,
            comment: approval.comment,
            workflow_name: run.workflowName,
            workflow_version: run.workflowVersion,
          })
        : null,
    };
  });

  return {
    ...toRunSummary(run),
    input: openJson<Json>(run.input),
    output: openJson<Json>(run.output) ?? null,
    budget: (run.budget as BudgetConfig | null) ?? null,
    wakeAt: iso(run.wakeAt),
    deadlineAt: iso(run.deadlineAt),
    idempotencyKey: run.idempotencyKey,
    steps,
  };
}

/** Page cursor: the (created_at, id) of the last run shown, base64url-encoded JSON. */
function encodeCursor(run: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([run.createdAt.toISOString(), run.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string") {
      const createdAt = new Date(value[0]);
      if (!Number.isNaN(createdAt.getTime())) return { createdAt, id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidInput(`The cursor "${cursor}" is not valid: pass the nextCursor of a previous page, or omit it for the first page.`, [
    { path: "cursor", message: "not a cursor this API returned" },
  ]);
}

/** `\`, `%` and `_` are LIKE wildcards; searching for them should match them literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Default page size of the runs list */
export const DEFAULT_RUN_PAGE_SIZE = 50;
/** Largest page size of the runs list */
export const MAX_RUN_PAGE_SIZE = 200;

/** Runs newest first, filtered, in keyset pages (stable while new runs arrive). */
export async function listRunSummaries(db: Db, filter: RunFilter = {}): Promise<Page<RunSummaryView>> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_RUN_PAGE_SIZE), 1), MAX_RUN_PAGE_SIZE);
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.workflow) where.push(`workflow_name = ${param(filter.workflow)}`);
  if (filter.version !== undefined) where.push(`workflow_version = ${param(filter.version)}`);
  if (filter.status?.length) where.push(`status = ANY(${param(filter.status)}::text[])`);
  if (filter.createdAfter) where.push(`created_at >= ${param(filter.createdAfter)}`);
  if (filter.createdBefore) where.push(`created_at < ${param(filter.createdBefore)}`);
  if (filter.search?.trim()) {
    const term = escapeLike(filter.search.trim());
    // Inputs are sealed at rest: their words are found through the blind index (whole words, every
    // word of the term), and their ciphertext must never match by chance. Inputs stored before
    // encryption are still searched as text.
    const words = inputSearchTerms(filter.search).map((hashes) => `input_search @> ${param(hashes)}::jsonb`);
    where.push(
      `(id LIKE ${param(`${term}%`)} OR (input::text NOT LIKE '"wmenc1.%' AND input::text ILIKE ${param(`%${term}%`)})${words.map((w) => ` OR ${w}`).join("")})`,
    );
  }
  if (filter.cursor) {
    const after = decodeCursor(filter.cursor);
    where.push(`(created_at, id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::text)`);
  }
  const sql = `SELECT id, workflow_name AS "workflowName", workflow_version AS "workflowVersion", status,
                      requested_by AS "requestedBy", created_at AS "createdAt", started_at AS "startedAt",
                      finished_at AS "finishedAt", updated_at AS "updatedAt", step_count AS "stepCount",
                      total_tokens AS "totalTokens", total_cost_usd AS "totalCostUsd", error,
                      forked_from_run_id AS "forkedFromRunId", forked_at_step AS "forkedAtStep"
               FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
               ORDER BY created_at DESC, id DESC
               LIMIT ${param(limit + 1)}`;
  const { rows } = await withConnectionRetry(() => db.pool.query<RunSource>(sql, values));
  const page = rows.slice(0, limit);
  return {
    items: page.map(toRunSummary),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
  };
}
