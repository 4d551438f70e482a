/**
 * The engine's Tracer port on an OpenTelemetry SDK tracer. The parent of each new span comes
 * from this adapter's own AsyncLocalStorage (not the global context manager), so several
 * tracers can live in one process (tests) and nothing depends on global registration.
 *
 * Every attribute passes one choke point: names follow the semconv mode, undefined values are
 * dropped, content attributes are exported only when capture is on, and every string is
 * redacted of secrets — error messages included.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type AttributeValue,
  type Attributes,
  type Context,
  type Span,
  type Tracer as OtelTracer,
} from "@opentelemetry/api";
import type { SpanAttributes, SpanHandle, Tracer } from "../engine/types";
import { isContentAttribute, type ContentPolicy } from "./content-policy";
import type { PresetIdGenerator } from "./preset-id-generator";
import type { RunTraceContext } from "./run-trace-context";
import { ATTR, INVOCATION_IS_NESTED, attributeName, attributeValue, type SemconvMode } from "./semconv";

export interface RunSpan {
  workflowName: string;
  workflowVersion: number;
  runId: string;
  startTime: Date;
  endTime: Date;
  status: "succeeded" | "failed";
  error?: { type: string; message: string };
}

export interface TelemetryTracer extends Tracer {
  /** The span the caller runs under (inside `withSpan`), e.g. the `chat {model}` span around a provider call. */
  activeSpan(): SpanHandle | undefined;
  /** Runs fn with the run's root span as the parent of every span started inside it. */
  withinRun<T>(run: RunTraceContext, fn: () => Promise<T>): Promise<T>;
  /** Exports the run's root `invoke_workflow {name}` span, with the ids stored on the run. */
  recordRunSpan(run: RunTraceContext, span: RunSpan): void;
}

export interface OtelTracerOptions {
  tracer: OtelTracer;
  /** Lets the root span be created with the ids stored on the run */
  ids: PresetIdGenerator;
  content: ContentPolicy;
  mode: SemconvMode;
}

class OtelSpanHandle implements SpanHandle {
  constructor(
    readonly span: Span,
    private readonly shape: (attributes: SpanAttributes) => Attributes,
    private readonly redact: (text: string) => string,
  ) {}

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(this.shape(attributes));
  }

  recordError(error: unknown, errorType?: string): void {
    const type = errorType ?? (error instanceof Error ? error.name : "Error");
    const message = this.redact(error instanceof Error ? error.message : String(error));
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.span.setAttribute(ATTR.errorType, type);
    this.span.addEvent("exception", { "exception.type": type, "exception.message": message });
  }

  end(): void {
    this.span.end();
  }
}

export function createOtelTracer(options: OtelTracerOptions): TelemetryTracer {
  const { tracer, content, mode } = options;
  const store = new AsyncLocalStorage<{ context: Context; handle?: SpanHandle }>();
  const current = () => store.getStore()?.context ?? ROOT_CONTEXT;

  function shape(attributes: SpanAttributes): Attributes {
    const out: Attributes = {};
    for (const [name, raw] of Object.entries(attributes)) {
      if (raw === undefined) continue;
      let value: AttributeValue | undefined;
      if (isContentAttribute(name)) value = content.contentValue(raw);
      else if (typeof raw === "string") value = content.redact(raw);
      else if (Array.isArray(raw)) value = raw.map((item) => content.redact(item));
      else value = raw;
      if (value === undefined) continue;
      out[attributeName(name, mode)] = attributeValue(name, value, mode);
    }
    return out;
  }

  const handleFor = (span: Span) => new OtelSpanHandle(span, shape, content.redact);

  return {
    startSpan(name, spanOptions) {
      const span = tracer.startSpan(
        name,
        {
          kind: spanOptions.kind === "client" ? SpanKind.CLIENT : SpanKind.INTERNAL,
          attributes: shape(spanOptions.attributes),
          startTime: spanOptions.startTime,
        },
        current(),
      );
      return handleFor(span);
    },

    withSpan(handle, fn) {
      if (!(handle instanceof OtelSpanHandle)) return fn();
      return store.run({ context: trace.setSpan(current(), handle.span), handle }, fn);
    },

    activeSpan() {
      return store.getStore()?.handle;
    },

    withinRun(run, fn) {
      const parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: run.traceId,
        spanId: run.rootSpanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
      return store.run({ context: parent }, fn);
    },

    recordRunSpan(run, root) {
      const attributes: SpanAttributes = {
        [ATTR.operationName]: "invoke_workflow",
        [ATTR.workflowName]: root.workflowName,
        [ATTR.runId]: root.runId,
        [ATTR.workflowVersion]: root.workflowVersion,
        "waymark.run.status": root.status,
        ...(mode === "latest_experimental" ? { [INVOCATION_IS_NESTED]: false } : {}),
      };
      const span = options.ids.withPreset({ traceId: run.traceId, spanId: run.rootSpanId }, () =>
        tracer.startSpan(
          `invoke_workflow ${root.workflowName}`,
          { kind: SpanKind.INTERNAL, attributes: shape(attributes), startTime: root.startTime, root: true },
          ROOT_CONTEXT,
        ),
      );
      const handle = handleFor(span);
      if (root.error) {
        handle.recordError(Object.assign(new Error(root.error.message), { name: root.error.type }), root.error.type);
      }
      span.end(root.endTime);
    },
  };
}
