/**
 * The built-in demo LLM provider: a real HTTP server on loopback that speaks the OpenAI Chat
 * Completions protocol (non-streaming) with deterministic replies and usage, so the demo and the
 * tests run offline through the very client code that talks to real providers.
 *
 * Test hooks, written anywhere in a message:
 * - `[[demo:fail-once:<key>]]` — the first request carrying a key fails with HTTP 500 (retries);
 * - `[[demo:echo]]` — the reply is the last user message verbatim (escaping and redaction tests).
 *
 * A prompt whose leading messages were sent before to the same model reports them as cached
 * input tokens (./prompt-cache.ts), as OpenAI's automatic prompt caching does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { MODEL_PRICES } from "../llm/prices";
import { demoReply, estimateTokens, requestDigest } from "./demo-replies";
import { createPromptCache, promptText } from "./prompt-cache";

export interface DemoProviderOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** @defaultValue "127.0.0.1" */
  host?: string;
  /** Artificial latency per completion, so runs look alive in the console. @defaultValue 0 */
  latencyMs?: number;
}

export interface DemoProvider {
  /** OpenAI-style base URL, e.g. `http://127.0.0.1:41234/v1` */
  baseUrl: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const FAIL_ONCE = /\[\[demo:fail-once:([^\]]+)\]\]/g;

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() })).transform((parts) =>
    parts.map((part) => part.text ?? "").join(""),
  ),
]);

const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.string(), content: contentSchema.nullish().transform((c) => c ?? "") }))
    .min(1),
  stream: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // After a 413 the rest of the body is still on the wire: close rather than read it.
  const connection = status === 413 ? { connection: "close" } : {};
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...connection });
  res.end(text);
}

function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: { message: error.message, type: error.type, param: error.param, code: null } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const tooLarge = () =>
  new HttpError(413, "invalid_request_error", `Request body is larger than ${MAX_BODY_BYTES} bytes; send a shorter prompt.`);

export async function startDemoProvider(options: DemoProviderOptions = {}): Promise<DemoProvider> {
  const host = options.host ?? "127.0.0.1";
  const latencyMs = options.latencyMs ?? 0;
  /** fail-once keys already failed by this server */
  const failedKeys = new Set<string>();
  const promptCache = createPromptCache();

  async function chatCompletion(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, "invalid_request_error", "Request body is not valid JSON.");
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, "invalid_request_error", `Invalid request: ${issue.path.join(".") || "body"}: ${issue.message}`, issue.path.join(".") || null);
    }
    const request = parsed.data;
    if (request.stream) {
      throw new HttpError(400, "invalid_request_error", "The Waymark demo provider does not support streaming; send stream: false.", "stream");
    }
    const messages = request.messages.map((m) => ({ role: m.role, content: m.content }));

    for (const message of messages) {
      for (const [, key] of message.content.matchAll(FAIL_ONCE)) {
        if (failedKeys.has(key)) continue;
        failedKeys.add(key);
        throw new HttpError(500, "server_error", `Injected failure for fail-once key "${key}" (the next request with this key succeeds).`);
      }
    }

    if (latencyMs > 0) await delay(latencyMs, undefined, { signal });

    let text = demoReply(request.model, messages);
    let finishReason = "stop";
    const limit = request.max_completion_tokens ?? request.max_tokens;
    if (limit != null && estimateTokens(text) > limit) {
      text = text.slice(0, limit * 4);
      finishReason = "length";
    }
    const promptTokens = estimateTokens(promptText(messages));
    const cachedTokens = promptCache.read(request.model, messages);
    const completionTokens = estimateTokens(text);
    sendJson(res, 200, {
      id: `chatcmpl-demo-${requestDigest(request.model, messages).slice(0, 24)}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      system_fingerprint: "waymark-demo",
      choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: finishReason }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cachedTokens },
      },
    });
  }

  const server = createServer((req, res) => {
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const path = new URL(req.url ?? "/", "http://demo").pathname.replace(/\/+$/, "");
    const handle = async () => {
      if (path === "/health" && req.method === "GET") return sendJson(res, 200, { status: "ok" });
      if (path === "/v1/models" && req.method === "GET") {
        const data = ["waymark-demo", ...MODEL_PRICES.map((p) => p.model)].map((id) => ({ id, object: "model", created: 0, owned_by: "waymark-demo" }));
        return sendJson(res, 200, { object: "list", data });
      }
      if (path === "/v1/chat/completions") {
        if (req.method !== "POST") throw new HttpError(405, "invalid_request_error", "Use POST for /v1/chat/completions.");
        return chatCompletion(req, res, abort.signal);
      }
      throw new HttpError(404, "invalid_request_error", `Unknown path ${req.method} ${path}; the demo provider serves POST /v1/chat/completions, GET /v1/models and GET /health.`);
    };
    handle().catch((error: unknown) => {
      if (abort.signal.aborted || res.headersSent) return; // the client left; nobody to answer
      sendError(res, error instanceof HttpError ? error : new HttpError(500, "server_error", "The demo provider failed unexpectedly."));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `The demo LLM provider could not listen on ${host}:${options.port ?? 0} (${error.code ?? error.message}); ` +
            "set WAYMARK_DEMO_PROVIDER_PORT to a free port, or to 0 to pick one.",
          { cause: error },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    baseUrl: `http://${urlHost}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // keep-alive sockets from SDK clients would hold close() open
      }),
  };
}
