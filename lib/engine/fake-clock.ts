/** A Clock whose time moves only when a test says so. */
import type { Clock } from "./types";

interface Timer {
  dueAt: number;
  order: number;
  resolve(): void;
}

export interface FakeClock extends Clock {
  /**
   * Moves time forward, firing due sleeps in order. Their continuations run after this returns and
   * see the new time; use advanceToNextTimer to step through sleeps one at a time.
   */
  advance(ms: number): void;
  /** Moves time to `at` (never backwards), firing due sleeps in order. */
  advanceTo(at: Date): void;
  /** Moves time to the earliest pending sleep and fires it; false when none is pending. */
  advanceToNextTimer(): boolean;
  /** Sleeps not yet due */
  pendingTimers(): number;
}

/** @param start the initial time @defaultValue 2026-01-01T00:00:00.000Z */
export function fakeClock(start: Date = new Date("2026-01-01T00:00:00.000Z")): FakeClock {
  let now = start.getTime();
  let counter = 0;
  const timers: Timer[] = [];

  const fireUntil = (target: number) => {
    for (;;) {
      timers.sort((a, b) => a.dueAt - b.dueAt || a.order - b.order);
      const next = timers[0];
      if (!next || next.dueAt > target) break;
      timers.shift();
      now = Math.max(now, next.dueAt);
      next.resolve();
    }
    now = Math.max(now, target);
  };

  return {
    now: () => new Date(now),
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (ms <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          reject(signal!.reason);
        };
        const timer: Timer = {
          dueAt: now + ms,
          order: counter++,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        timers.push(timer);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    advance: (ms) => fireUntil(now + ms),
    advanceTo: (at) => fireUntil(at.getTime()),
    advanceToNextTimer() {
      if (timers.length === 0) return false;
      fireUntil(Math.min(...timers.map((timer) => timer.dueAt)));
      return true;
    },
    pendingTimers: () => timers.length,
  };
}

/** One macrotask turn: lets pending I/O callbacks and promise chains run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Awaits `work` while simulating passing time: whenever nothing happened for `idleTurns` event-loop
 * turns, the clock jumps to its next pending sleep (a retry backoff, a timeout, a slow-step mark).
 * So a step that hangs times out at once in virtual time, and in-process backoffs take no real time.
 *
 * @param idleTurns turns without progress before time jumps @defaultValue 20
 */
export async function runWithVirtualTime<T>(clock: FakeClock, work: Promise<T>, idleTurns = 20): Promise<T> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  let idle = 0;
  while (!settled) {
    await nextTurn();
    if (settled) break;
    if (++idle >= idleTurns) {
      idle = 0;
      clock.advanceToNextTimer();
    }
  }
  return work;
}
