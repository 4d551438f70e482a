import type { SpanHandle, Tracer } from "../engine/types";

const noopSpan: SpanHandle = { setAttributes: () => undefined, recordError: () => undefined, end: () => undefined };

/** A tracer that records nothing (telemetry disabled). */
export const noopTracer: Tracer = {
  startSpan: () => noopSpan,
  withSpan: (_span, fn) => fn(),
};
