/**
 * The bookkeeping of one tick: positions handed out in call order, the identity check against the
 * journal, fenced writes, work in flight, and why the tick ends (suspension, failure, shutdown).
 */
import { createPrng, type Prng } from "./deterministic";
import {
  DuplicateStepIdError,
  InvalidStepIdError,
  NonDeterminismError,
  RunFailure,
  isStaleEpochError,
  serializeError,
} from "./errors";
import type { EngineLimits, ExecuteTickArgs } from "./tick-args";
import type { FailureReason, JournalEntry, JournalWriter, SerializedError, StepKind } from "./types";

/**
 * Internal signal: the tick is ending, so this call does not start. Thrown into workflow code that
 * keeps calling after a suspension; the next tick replays to the same point and goes on.
 */
export class TickStop extends Error {
  override name = "TickStop";

  constructor() {
    super("This tick of the run is ending (a wait began, or the run failed or stopped); the call runs in a later tick.");
  }
}

export function isTickStop(error: unknown): error is TickStop {
  return error instanceof TickStop;
}

/** A promise that never settles: the call that suspends the tick leaves the workflow parked here. */
export function parked<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

export interface Suspension {
  stepId: string;
  /** "waiting" for approvals and sleeps, "running" for a retry backoff */
  runStatus: "waiting" | "running";
  wakeAt: Date | null;
}

const MAX_STEP_ID_LENGTH = 200;

export class TickState {
  readonly args: ExecuteTickArgs;
  readonly limits: EngineLimits;
  readonly runId: string;
  readonly prng: Prng;
  readonly suspensions: Suspension[] = [];
  failure?: SerializedError;
  interrupted = false;
  /** A writer error (StaleEpochError, a lost connection): the tick rejects with it */
  infraError?: { error: unknown };
  /** Attempts currently executing user code (the heartbeat runs while there are any) */
  activeAttempts = 0;

  private readonly entries = new Map<number, JournalEntry>();
  private readonly journaledSeqs: number[];
  private readonly usedIds = new Set<string>();
  private position = 0;
  private executedAny = false;
  private readonly finishedAtStart: number;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly attemptControllers = new Set<AbortController>();
  private readonly endOfTick = new AbortController();
  private resolveHalt!: () => void;
  /** Resolves when the tick must end (suspension, failure, interruption, writer error) */
  readonly halted = new Promise<void>((resolve) => (this.resolveHalt = resolve));

  constructor(args: ExecuteTickArgs, limits: EngineLimits) {
    this.args = args;
    this.limits = limits;
    this.runId = args.run.id;
    this.prng = createPrng(`waymark:${args.run.id}`);
    for (const entry of args.journal) this.entries.set(entry.seq, entry);
    this.journaledSeqs = [...this.entries.keys()].sort((a, b) => a - b);
    this.finishedAtStart = [...this.entries.values()].filter((entry) => entry.status !== "running").length;
  }

  /** Aborted when the tick ends: cancels the engine's own timers (timeouts, slow marks, heartbeats). */
  get tickSignal(): AbortSignal {
    return this.endOfTick.signal;
  }

  get shutdownRequested(): boolean {
    return this.args.shutdownSignal?.aborted === true;
  }

  /** True once no new work may start in this tick */
  get stopping(): boolean {
    return this.stopped;
  }

  /**
   * Gives a durable call its position and checks its identity against the journal. Synchronous, so
   * calls started together (Promise.all) get positions in the order they were made.
   */
  claim(stepId: string, kind: StepKind): { seq: number; entry?: JournalEntry } {
    if (this.stopped) throw new TickStop();
    if (typeof stepId !== "string" || stepId.length === 0) throw this.fail(new InvalidStepIdError(stepId, "it is empty"), "workflow_error");
    if (stepId.length > MAX_STEP_ID_LENGTH) throw this.fail(new InvalidStepIdError(stepId, `it is ${stepId.length} characters long`), "workflow_error");
    if (stepId.includes(":")) throw this.fail(new InvalidStepIdError(stepId, 'it contains ":"'), "workflow_error");
    if (this.usedIds.has(stepId)) throw this.fail(new DuplicateStepIdError(stepId, this.runId), "workflow_error");
    this.usedIds.add(stepId);
    const seq = this.position++;
    if (seq >= this.limits.maxStepsPerRun) {
      throw this.fail(
        new RunFailure(
          "StepLimitError",
          `Run ${this.runId} reached the limit of ${this.limits.maxStepsPerRun} durable calls at step "${stepId}". ` +
            "Do more work per step, or split the work across runs.",
          "workflow_error",
        ),
        "workflow_error",
      );
    }
    const entry = this.entries.get(seq);
    if (entry && (entry.stepId !== stepId || entry.kind !== kind)) {
      const elsewhere = [...this.entries.values()].find((other) => other.stepId === stepId && other.seq !== seq);
      const hint = elsewhere
        ? `Step "${stepId}" is journaled at position ${elsewhere.seq}: if these calls run concurrently, start them in a fixed order (e.g. one Promise.all of ctx calls).`
        : undefined;
      throw this.fail(
        new NonDeterminismError({
          runId: this.runId,
          version: this.args.definition.version,
          position: seq,
          expected: { stepId: entry.stepId, kind: entry.kind },
          found: { stepId, kind },
          hint,
        }),
        "non_determinism",
      );
    }
    return { seq, entry };
  }

  /** Checks that new work may begin: the worker is not shutting down and the run's deadline has not passed. */
  assertMayStartWork(): void {
    if (this.stopped) throw new TickStop();
    if (this.shutdownRequested) {
      this.interrupt();
      throw new TickStop();
    }
    const deadline = this.args.run.deadlineAt;
    if (deadline && this.args.clock.now().getTime() >= deadline.getTime()) throw this.fail(runTimeoutError(this.runId, deadline), "run_timeout");
  }

  /**
   * Refuses to run a step the worker already died in too often (a poison step). Only the first step
   * this tick executes can be the one: the deaths happened with the journal exactly as it is now.
   */
  assertNotPoisoned(seq: number, stepId: string): void {
    if (this.executedAny) return;
    this.executedAny = true;
    const recovery = this.args.recovery;
    if (!recovery || recovery.crashes < this.limits.maxCrashesPerStep) return;
    // The data layer counts finished entries; with parallel steps that differs from the first open seq.
    if (recovery.position !== seq && recovery.position !== this.finishedAtStart) return;
    throw this.fail(
      new RunFailure(
        "DeadLetterError",
        `Dead-lettered: the worker died ${recovery.crashes} times while running step "${stepId}" (position ${seq}). ` +
          "Fix the step and replay the run from it.",
        "dead_letter",
      ),
      "dead_letter",
    );
  }

  /** Ends the tick with a run failure of the engine's own; returns the error to throw into the workflow. */
  fail(error: Error, reason: FailureReason): Error {
    if (!this.failure) this.failure = serializeError(error, reason);
    this.stop();
    return error;
  }

  /** Worker shutdown: abort running attempts (they are not recorded) and end the tick. */
  interrupt(): void {
    this.interrupted = true;
    this.stop();
    this.abortAttempts(this.args.shutdownSignal?.reason ?? new Error("The worker is shutting down"));
  }

  /**
   * Marks that this call will suspend the tick. Takes effect after the current synchronous burst of
   * calls, so parallel calls made together (Promise.all) all begin.
   */
  beginSuspension(): void {
    queueMicrotask(() => this.stop());
  }

  suspend(suspension: Suspension): void {
    this.suspensions.push(suspension);
    this.beginSuspension();
    this.resolveHalt();
  }

  /** No new work from here on (the run function settled or the tick is ending). */
  close(): void {
    this.stopped = true;
  }

  /** Keeps track of work the tick must wait for before it returns. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * A fenced journal write. A writer error (StaleEpochError, lost connection) ends the tick and is what
   * executeTick rejects with; later writes are not attempted. Rejects with TickStop in that case.
   */
  async write<T>(operation: (writer: JournalWriter) => Promise<T>): Promise<T> {
    if (this.infraError) throw new TickStop();
    try {
      return await this.track(Promise.resolve().then(() => operation(this.args.writer)));
    } catch (error) {
      this.recordInfraError(error);
      throw new TickStop();
    }
  }

  /** The writer failed: stop all work; executeTick rejects with this error. */
  private recordInfraError(error: unknown): void {
    if (this.infraError) return;
    this.infraError = { error };
    this.stop();
    this.abortAttempts(error);
    if (!isStaleEpochError(error)) this.args.log.error("Journal write failed; ending the tick", { runId: this.runId, error: String(error) });
  }

  /** Keeps the tick's view of the journal current, so ctx.now() sees what a replay would see. */
  remember(entry: JournalEntry): void {
    this.entries.set(entry.seq, entry);
  }

  entryAt(seq: number): JournalEntry | undefined {
    return this.entries.get(seq);
  }

  /** The first journaled entry this execution did not reach (steps removed from the code). */
  unreachedEntry(): JournalEntry | undefined {
    const seq = this.journaledSeqs.find((journaled) => journaled >= this.position);
    return seq === undefined ? undefined : this.entries.get(seq);
  }

  get reachedPosition(): number {
    return this.position;
  }

  /** Deterministic now: the latest time journaled before the current position, else the run's start. */
  now(): Date {
    let latest = this.args.run.startedAt.getTime();
    for (const entry of this.entries.values()) {
      if (entry.seq >= this.position) continue;
      const time = (entry.finishedAt ?? entry.startedAt).getTime();
      if (time > latest) latest = time;
    }
    return new Date(latest);
  }

  /** Registers an attempt's controller so shutdown and writer errors abort it. */
  registerAttempt(controller: AbortController): () => void {
    this.attemptControllers.add(controller);
    return () => this.attemptControllers.delete(controller);
  }

  /** Waits until everything started in this tick has settled (and was recorded). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Extends the lease while attempts run; stops when the tick ends. */
  async keepLeaseAlive(): Promise<void> {
    const { clock } = this.args;
    for (;;) {
      try {
        await clock.sleep(this.limits.heartbeatIntervalMs, this.tickSignal);
      } catch {
        return;
      }
      if (this.tickSignal.aborted || this.infraError) return;
      if (this.activeAttempts === 0) continue;
      try {
        await this.track(this.args.writer.heartbeat());
      } catch (error) {
        // Only a lost claim ends the tick; a missed heartbeat is retried at the next interval.
        if (isStaleEpochError(error)) return void this.recordInfraError(error);
        this.args.log.warn("Lease heartbeat failed", { runId: this.runId, error: String(error) });
      }
    }
  }

  /** Ends the tick's timers. */
  dispose(): void {
    this.endOfTick.abort(new TickStop());
  }

  private stop(): void {
    this.stopped = true;
    this.resolveHalt();
  }

  private abortAttempts(reason: unknown): void {
    for (const controller of this.attemptControllers) controller.abort(reason);
  }
}

export function runTimeoutError(runId: string, deadline: Date): RunFailure {
  return new RunFailure(
    "RunTimeoutError",
    `Run ${runId} passed its deadline (${deadline.toISOString()}) and was stopped. Raise the workflow's timeoutMs if runs need longer.`,
    "run_timeout",
  );
}
