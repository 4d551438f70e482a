/**
 * Random trace and span ids, except while `withPreset` runs: then the next span gets the given
 * ids. That is how a run's root span, created when the run ends, gets the ids its children were
 * parented to since the first tick (the SDK offers no other way to choose a span's id).
 */
import { RandomIdGenerator, type IdGenerator } from "@opentelemetry/sdk-trace";

export class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private preset: { traceId: string; spanId: string } | null = null;

  /** Runs fn (which must start exactly one span, synchronously) with the preset ids. */
  withPreset<T>(ids: { traceId: string; spanId: string }, fn: () => T): T {
    this.preset = ids;
    try {
      return fn();
    } finally {
      this.preset = null;
    }
  }

  generateTraceId(): string {
    return this.preset?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.preset?.spanId ?? this.random.generateSpanId();
  }
}
