/**
 * The one place that reads process.env. Everything else receives a `Config` (or a slice of it)
 * as an argument, so tests and processes can build their own.
 */
import { z } from "zod";
import { parseKeyRing } from "../security/secret-box-keys";

const booleanish = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/waymark"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Base URL the console is reached at (used in printed links and Origin checks) */
  WAYMARK_PUBLIC_URL: z.string().url().optional(),
  WAYMARK_ADMIN_API_KEY: z.string().min(20).optional(),
  WAYMARK_ADMIN_EMAIL: z.string().email().optional(),
  WAYMARK_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Prefix for BullMQ keys in Redis; tests give each file its own */
  WAYMARK_QUEUE_PREFIX: z.string().min(1).default("waymark"),
  /** Worker concurrency (run ticks processed at once by one worker process) */
  WAYMARK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  /** How long a claimed run stays leased without a heartbeat */
  WAYMARK_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often the reconciler looks for runs whose lease expired or whose wake-up was lost */
  WAYMARK_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** A queued run with no progress for this long is re-enqueued by the reconciler */
  WAYMARK_STALE_QUEUED_MS: z.coerce.number().int().min(100).default(15_000),
  /** Workers that may die in the same step before the run is dead-lettered */
  WAYMARK_MAX_CRASHES_PER_STEP: z.coerce.number().int().min(1).default(3),
  /** Grace period for in-flight ticks on SIGTERM */
  WAYMARK_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Retry backoffs up to this long wait in-process; longer ones end the tick and use a delayed job */
  WAYMARK_INLINE_RETRY_MAX_MS: z.coerce.number().int().min(0).default(2_000),
  /** Demo LLM provider: fixed port (0 = pick a free one) */
  WAYMARK_DEMO_PROVIDER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Demo LLM provider: artificial latency per completion */
  WAYMARK_DEMO_LLM_LATENCY_MS: z.coerce.number().int().min(0).default(150),
  /** Demo tools: artificial latency per tool call */
  WAYMARK_DEMO_TOOL_LATENCY_MS: z.coerce.number().int().min(0).default(200),
  /** Capture prompt and completion content on spans (off by default, per the GenAI conventions) */
  WAYMARK_CAPTURE_CONTENT: booleanish.default(false),
  WAYMARK_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  OTEL_SEMCONV_STABILITY_OPT_IN: z.string().optional(),
  /** Console session lifetime from sign-in (absolute expiry) */
  WAYMARK_SESSION_TTL_MS: z.coerce.number().int().min(60_000).default(43_200_000),
  /** A console session unused for this long ends (idle expiry); the console's polling counts as use */
  WAYMARK_SESSION_IDLE_MS: z.coerce.number().int().min(60_000).default(7_200_000),
  /** Telemetry: the worker stores its spans in the console's database (the trace view reads them there) */
  WAYMARK_TRACE_STORE: booleanish.default(true),
  /**
   * Telemetry: extra secret patterns redacted from captured content, as a JSON array of regular
   * expressions (e.g. `["ACME-[0-9]{6}"]`) or one bare expression. API keys and bearer tokens are always redacted.
   */
  WAYMARK_REDACT_PATTERNS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return [] as RegExp[];
      let sources: unknown = [value];
      if (value.trim().startsWith("[")) {
        try {
          sources = JSON.parse(value);
        } catch {
          ctx.addIssue({ code: "custom", message: 'must be a JSON array of regular expressions, e.g. ["ACME-[0-9]{6}"]' });
          return z.NEVER;
        }
      }
      if (!Array.isArray(sources) || !sources.every((s) => typeof s === "string" && s !== "")) {
        ctx.addIssue({ code: "custom", message: "must list non-empty regular expressions" });
        return z.NEVER;
      }
      const patterns: RegExp[] = [];
      for (const source of sources as string[]) {
        try {
          patterns.push(new RegExp(source, "g"));
        } catch (error) {
          ctx.addIssue({ code: "custom", message: `"${source}" is not a valid regular expression (${(error as Error).message})` });
          return z.NEVER;
        }
      }
      return patterns;
    }),
  /** The content switch used by OpenTelemetry's GenAI instrumentations; same effect as WAYMARK_CAPTURE_CONTENT */
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: booleanish.optional(),
  /** Extra trace export protocol (standard variables; the exporter reads the rest of OTEL_EXPORTER_OTLP_* itself) */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json", "grpc"]).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(["http/protobuf", "http/json", "grpc"]).optional(),
  /** `none` turns the extra OTLP export off even when an endpoint is set */
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_SDK_DISABLED: booleanish.optional(),
  /** Batch span processor (standard variables): delay between exports, queue bound, batch size, export timeout */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(0).default(1_000),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).default(2_048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).default(512),
  OTEL_BSP_EXPORT_TIMEOUT: z.coerce.number().int().min(1).default(10_000),
  /** Run starts allowed per API key or console user per minute (API and console); over it → 429 */
  WAYMARK_RATE_LIMIT_RUN_STARTS: z.coerce.number().int().min(1).default(600),
  /** Verified webhook deliveries allowed per workflow per minute; over it → 429 */
  WAYMARK_RATE_LIMIT_WEBHOOKS: z.coerce.number().int().min(1).default(600),
  /** Replays (POST /api/v1/runs/{id}/replay) allowed per API key or console user per minute; over it → 429 */
  WAYMARK_RATE_LIMIT_REPLAYS: z.coerce.number().int().min(1).default(120),
  /** Bulk replays (POST /api/v1/replays/bulk) allowed per API key or console user per minute; over it → 429 */
  WAYMARK_RATE_LIMIT_BULK_REPLAYS: z.coerce.number().int().min(1).default(10),
  /** Exact internal addresses budget alerts may be sent to despite the SSRF guard (comma-separated, e.g. "10.0.0.5") */
  WAYMARK_ALERT_ALLOW_ADDRESSES: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((part) => part.trim()).filter(Boolean)),
  /** How often a worker looks for budget alerts to deliver */
  WAYMARK_ALERT_POLL_MS: z.coerce.number().int().min(50).default(1_000),
  /**
   * Keys that encrypt step I/O, approval payloads and secrets at rest: `id:base64key[,id:base64key…]`,
   * 32 random bytes each; the first seals new values, all of them open old ones (rotation).
   * Unset: the key file below (which `npm start` creates on first run).
   */
  WAYMARK_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parseKeyRing(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /** Where the key ring is read from when WAYMARK_ENCRYPTION_KEYS is unset (relative to the working directory) */
  WAYMARK_ENCRYPTION_KEY_FILE: z.string().min(1).default(".waymark/encryption.key"),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses an environment (process.env by default). Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide configuration, parsed once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

/** The raw process environment, for spawning child processes with an extended environment. */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
