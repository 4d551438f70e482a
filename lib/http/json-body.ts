/**
 * Reading a JSON request body with limits: the size is enforced while streaming (a missing or
 * lying Content-Length cannot make us buffer more), and nesting depth is checked before
 * JSON.parse builds anything.
 */
import { AppError } from "../errors/app-error";

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 64;

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`;
}

function tooLarge(maxBytes: number, hint = "send a smaller body (store large inputs elsewhere and pass a reference)"): AppError {
  return new AppError(
    "payload_too_large",
    413,
    `The request body is larger than the limit of ${formatBytes(maxBytes)}; ${hint}.`,
    { limitBytes: maxBytes },
  );
}

/** The deepest nesting of arrays/objects in a JSON text, scanning once (strings skipped). */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const mediaType = value.split(";")[0].trim().toLowerCase();
  return mediaType === "application/json" || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
}

/**
 * Reads the raw body, refusing more than `maxBytes` (413) before or while reading. `hint` ends the
 * 413 message with what the caller should do instead.
 */
export async function readBodyBytes(request: Request, maxBytes: number, hint?: string): Promise<Uint8Array> {
  const refuse = () => tooLarge(maxBytes, hint);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw refuse();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw refuse();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Reads the raw body as text, refusing more than `maxBytes` (413) before or while reading. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder("utf-8", { fatal: false }).decode(await readBodyBytes(request, maxBytes));
}

/**
 * JSON.parse's message without the copy of the input V8 puts in it (`Unexpected token 's',
 * "sk-…" is not valid JSON`): error responses must not echo what might be a secret.
 */
export function jsonErrorWithoutInput(error: unknown): string {
  // V8 quotes the input whole (`, "sk-…" is not valid JSON`) or, for longer bodies, an excerpt
  // around the error (`, ...": sk-CANARY-"... is not valid JSON`): drop both forms.
  return String((error as Error)?.message ?? error).replace(/, (?:\.\.\.)?".*$/s, " (the body is not valid JSON)");
}

/**
 * Parses a JSON body: 415 `unsupported_media_type` unless Content-Type is JSON, 413 over
 * `maxBytes`, 400 `invalid_json` when empty, unparsable or nested deeper than 64 levels.
 */
export async function readJsonBody(request: Request, maxBytes: number = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    throw new AppError(
      "unsupported_media_type",
      415,
      `This endpoint takes JSON; send the header "Content-Type: application/json" (got "${(request.headers.get("content-type") ?? "none").slice(0, 100)}").`,
    );
  }
  const text = await readBodyText(request, maxBytes);
  if (text.trim() === "") throw new AppError("invalid_json", 400, "The request body is empty; send a JSON object.");
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new AppError("invalid_json", 400, `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels; flatten it.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", 400, `The request body is not valid JSON: ${jsonErrorWithoutInput(error)}`);
  }
}
