/**
 * JSON-lines logger with secret redaction. Hand-written rather than pino: the process needs one
 * line per event on stdout and a redaction pass, nothing else, and it must work unchanged in the
 * worker, the CLI and Next.js route handlers without transports or worker threads.
 */
import type { Logger } from "../engine/types";
import { redactSecrets } from "./redact";

export type LogLevel = "debug" | "info" | "warn" | "error";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  /** Component name printed with every line, e.g. "worker" */
  name: string;
  /** @defaultValue "info" */
  level?: LogLevel;
  /** Where lines go. @defaultValue process.stdout/stderr */
  write?: (line: string, level: LogLevel) => void;
  /** Fields added to every line */
  base?: Record<string, unknown>;
}

const defaultWrite = (line: string, level: LogLevel) =>
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");

export function createLogger(options: LoggerOptions): Logger & { child(fields: Record<string, unknown>): Logger } {
  const min = order[options.level ?? "info"];
  const write = options.write ?? defaultWrite;
  const base = options.base ?? {};
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[level] < min) return;
    const record = { time: new Date().toISOString(), level, name: options.name, msg: message, ...base, ...fields };
    write(redactSecrets(JSON.stringify(record, errorReplacer)), level);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown) {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
