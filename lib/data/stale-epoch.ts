/**
 * The fence error, thrown when a journal write or a tick finish carries an epoch older than the
 * run's: another worker has claimed the run since (or it was cancelled), so this one must stop
 * without writing. The class is the engine's own, so `instanceof` works on both sides.
 */
import { StaleEpochError } from "../engine/errors";

export { StaleEpochError };

export function staleEpochError(runId: string, epoch: number): StaleEpochError {
  return new StaleEpochError(
    `Run ${runId} was claimed by another worker or cancelled since epoch ${epoch}; this worker stops and writes nothing more.`,
    { runId, epoch },
  );
}
