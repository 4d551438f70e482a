/**
 * A loopback OTLP/HTTP trace receiver for tests: records every request (headers, the body as
 * sent and decompressed) and decodes it with the official proto definitions. It can be told to
 * answer 503 or to hang, to play a backend that is down or slow.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeOtlpTraces, decompressOtlpBody, encodeTraceResponse } from "../otlp-decode";
import type { SpanRecord } from "../span-record";

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage["headers"];
  /** The body as it arrived on the wire */
  raw: Buffer;
  /** The body after Content-Encoding was undone: the exported bytes */
  body: Buffer;
  spans: SpanRecord[];
}

export interface OtlpReceiver {
  /** Base URL, e.g. `http://127.0.0.1:43111` (set it as OTEL_EXPORTER_OTLP_ENDPOINT) */
  url: string;
  requests: ReceivedRequest[];
  /** Every span received, in arrival order */
  spans(): SpanRecord[];
  /** "ok" answers 200; "unavailable" answers 503; "hang" never answers */
  behave(mode: "ok" | "unavailable" | "hang"): void;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  let mode: "ok" | "unavailable" | "hang" = "ok";
  const hanging = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    if (mode === "hang") {
      hanging.add(res);
      return;
    }
    if (mode === "unavailable") {
      res.writeHead(503, { "content-type": "text/plain" }).end("receiver told to be unavailable");
      return;
    }
    try {
      const contentType = req.headers["content-type"] ?? null;
      const contentEncoding = (req.headers["content-encoding"] as string | undefined) ?? null;
      const body = Buffer.from(decompressOtlpBody(raw, contentEncoding, 64 * 1024 * 1024));
      const decoded = decodeOtlpTraces(raw, { contentType, contentEncoding });
      requests.push({ path: req.url ?? "", headers: req.headers, raw, body, spans: decoded.spans });
      const response = encodeTraceResponse(decoded.encoding, decoded);
      res.writeHead(200, { "content-type": response.contentType }).end(response.body);
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap((r) => r.spans),
    behave(next) {
      mode = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
