import { z } from "zod";
import { AppError, invalidInput, issuesFromZod, notFound } from "../errors/app-error";
import type { BudgetConfig, Json, WorkflowDefinition } from "../engine/types";
import { actorRef, assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import { canonicalJson } from "../data/canonical-json";
import { payloadDigest } from "../security/secret-box";
import type { RunView } from "../data/views";
import { appendAudit, createRun, createRunId, getRunView } from "./data-port";
import type { Actor, StartRunRequest } from "./types";

const DEFAULT_RUN_TIMEOUT_MS = 7 * 24 * 3600_000;

const budgetSchema = z
  .object({
    maxCostUsd: z.number().positive().optional(),
    maxTokens: z.number().int().positive().optional(),
    onExceed: z.enum(["pause", "fail"]).optional(),
  })
  .strict();

/** Finds the definition a start request names, with errors that list what does exist. */
export function resolveDefinition(deps: ControlDeps, workflow: string, version?: number): WorkflowDefinition {
  const latest = deps.registry.latest(workflow);
  if (!latest) {
    const known = deps.registry.names().join(", ") || "none";
    throw new AppError("not_found", 404, `Workflow "${workflow}" is not registered. Registered workflows: ${known}.`);
  }
  if (version === undefined) return latest;
  const definition = deps.registry.get(workflow, version);
  if (!definition) {
    const versions = deps.registry
      .list()
      .filter((d) => d.name === workflow)
      .map((d) => d.version)
      .join(", ");
    throw new AppError("not_found", 404, `Workflow "${workflow}" has no version ${version}. Registered versions: ${versions}.`);
  }
  return definition;
}

/** Validates a run's input against its version's schema; 400 names every bad field. */
export function parseRunInput(definition: WorkflowDefinition, input: unknown): Json {
  const parsed = definition.input.safeParse(input);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error.issues, "input");
    throw invalidInput(
      `Input for ${definition.name}@${definition.version} is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return JSON.parse(JSON.stringify(parsed.data ?? null)) as Json;
}

export async function startRun(deps: ControlDeps, request: StartRunRequest, actor: Actor) {
  assertRole(actor, "operator", "starting a run");
  const definition = resolveDefinition(deps, request.workflow, request.version);
  const input = parseRunInput(definition, request.input);
  let budget: BudgetConfig | undefined;
  if (request.budget !== undefined) {
    const parsed = budgetSchema.safeParse(request.budget);
    if (!parsed.success) throw invalidInput("Invalid budget.", issuesFromZod(parsed.error.issues, "budget"));
    budget = parsed.data;
  }

  const { runId, created } = await createRun(deps.db, {
    id: createRunId(),
    workflowName: definition.name,
    workflowVersion: definition.version,
    input,
    idempotencyKey: request.idempotencyKey,
    requestedBy: actorRef(actor),
    budget: budget as Json | undefined,
    deadlineAt: new Date(Date.now() + (definition.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS)),
  });

  if (created) {
    await appendAudit(deps.db, {
      actor: actorRef(actor),
      action: "run.start",
      target: runId,
      data: {
        workflow: definition.name,
        version: definition.version,
        actorLabel: actor.label,
        payloadHash: auditPayloadHash({ workflow: definition.name, version: definition.version, input }),
      },
    });
    await wakeRun(deps, runId, "start");
  }
  const run = await getRunView(deps.db, runId);
  if (!run) throw notFound("Run", runId);
  if (!created) assertSameStart(run, { ...request, workflow: definition.name, input });
  return { run, created };
}

/**
 * A keyed digest of a request's canonical JSON: audit rows record what was asked without storing it
 * twice, and without letting a reader of the (append-only, plaintext) log confirm guessed inputs.
 */
export function auditPayloadHash(value: unknown): string {
  return payloadDigest(canonicalJson(value));
}

/**
 * A repeated Idempotency-Key must come with the same request (workflow, version when given, and
 * input): a retry gets its run back, a different request under a used key gets 409
 * `idempotency_key_reused` instead of someone else's run. (Budgets are not compared: an approver
 * may have raised the stored one since.)
 */
function assertSameStart(run: RunView, request: { workflow: string; version?: number; input: Json; idempotencyKey?: string }) {
  const differs: string[] = [];
  if (run.forkedFromRunId !== null) differs.push("it was used for a replay");
  if (run.workflow !== request.workflow) differs.push(`it started workflow "${run.workflow}"`);
  if (request.version !== undefined && run.version !== request.version) differs.push(`it started version ${run.version}`);
  if (canonicalJson(run.input) !== canonicalJson(request.input)) differs.push("with another input");
  if (differs.length === 0) return;
  throw new AppError(
    "idempotency_key_reused",
    409,
    `The Idempotency-Key "${request.idempotencyKey}" was already used for another request (${differs.join(", ")}; run ${run.id}). ` +
      "Send the same request to get that run back, or a new key for a new run.",
    { runId: run.id },
  );
}

/**
 * Enqueues a tick. The run is already safe in Postgres, so a Redis failure here is logged, not
 * thrown: the reconciler re-enqueues queued runs that saw no progress.
 */
export async function wakeRun(
  deps: ControlDeps,
  runId: string,
  reason: "start" | "approval" | "cancel" | "replay" | "reconcile",
  at?: Date | null,
) {
  try {
    await deps.producer.enqueueTick(runId, { reason, at });
  } catch (error) {
    deps.log.warn("Could not enqueue a tick; the reconciler will pick the run up", { runId, error: String(error) });
  }
}
