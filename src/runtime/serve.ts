/**
 * Serve a fetch-style app through `node:http` on Deno and Bun alike. `Deno.serve`/`Bun.serve`
 * hand a GET's body to the app as empty, and ClearML clients send JSON bodies on GET; `node:http`
 * delivers them. So, in "call" mode (the API): read the body (up to a limit), re-make the request
 * as POST carrying it, keep the original method and the peer address in headers (see
 * `src/server/bridge.ts`), and bound every request by a timeout. In "http" mode (the web page, the
 * files server) the method is kept and the body and the response stream through, so an upload of
 * any size never sits in memory. In "call" mode an app's `direct` handler answers first, from the
 * request as read, without any `Request`/`Response` (see `src/server/bridge.ts`). Connections are
 * kept alive (HTTP/1.1). `close()` stops accepting, lets in-flight requests finish, then closes
 * the idle keep-alive connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type BridgeReply,
  type BridgeRequest,
  type DirectHandler,
  METHOD_HEADER,
  RAW_PATH_HEADER,
  REMOTE_HEADER,
} from "../server/bridge.ts";

export interface ServeOptions {
  fetch: (req: Request) => Response | Promise<Response>;
  /** "call" mode: answers first; what it leaves (undefined) goes to `fetch`. */
  direct?: DirectHandler;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Per-request time limit; 0: none (uploads of any size, bounded by `idleTimeoutMs`). */
  timeoutMs: number;
  /**
   * "call" (default): ClearML API calls, bodies read whole up to `maxBodyBytes`, every request
   * re-made as POST. "http": plain HTTP, method kept, body and response streamed; the app bounds
   * the body itself (`maxBodyBytes` is not applied).
   */
  mode?: "call" | "http";
  /** Drop a connection that sends nothing for this long (default: node's, none). */
  idleTimeoutMs?: number;
  /**
   * "http" mode: after an answer given before the whole body arrived (413, 401), read and drop
   * at most this much more, so that a client that sends everything before it reads (Python's
   * requests) still gets the answer; past it the connection is closed (like nginx's lingering
   * close). Default 256 MiB.
   */
  drainBytes?: number;
  /** The answer to a body over the limit (default: a plain 413). */
  tooLarge?: (path: string) => Response;
  /** The answer when the app did not answer in time (default: a plain 504). */
  timedOut?: (path: string) => Response;
  log?: (line: string) => void;
}

export interface RunningServer {
  host: string;
  port: number;
  /** Stop accepting, finish in-flight requests (at most `graceMs`), close every connection. */
  close(graceMs?: number): Promise<void>;
}

function headersOf(r: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  r.headers.forEach((v, k) => {
    if (k !== "set-cookie") headers[k] = v;
  });
  const cookies = r.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  return headers;
}

async function send(res: ServerResponse, r: Response, closing: boolean): Promise<void> {
  const body = r.body ? Buffer.from(await r.text()) : undefined;
  const headers = headersOf(r);
  headers["content-length"] = String(body?.byteLength ?? 0);
  if (closing) headers["connection"] = "close";
  res.writeHead(r.status, headers);
  res.end(body);
}

function sendReply(res: ServerResponse, r: BridgeReply, closing: boolean): void {
  const headers = r.headers;
  headers["content-length"] = String(Buffer.byteLength(r.body));
  if (closing) headers["connection"] = "close";
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/** Stream a response out, waiting for the socket to drain; a gone client cancels the body. */
async function sendStreamed(
  res: ServerResponse,
  r: Response,
  closing: boolean,
  head: boolean,
): Promise<void> {
  const headers = headersOf(r);
  if (closing) headers["connection"] = "close";
  if (!r.body || head) {
    if (!r.body && !head) headers["content-length"] = "0";
    res.writeHead(r.status, headers);
    res.end();
    await r.body?.cancel().catch(() => {});
    return;
  }
  res.writeHead(r.status, headers);
  const reader = r.body.getReader();
  const gone = () => void reader.cancel().catch(() => {});
  res.once("close", gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) {
        await new Promise<void>((ok) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            ok();
          };
          res.on("drain", go);
          res.on("close", go);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off("close", gone);
  }
}

const DEFAULT_DRAIN_BYTES = 256 * 1024 * 1024;

/**
 * A request body as a web stream that reads from the socket only as fast as the app consumes.
 * Once the stream has ended, failed or been cancelled (an app that answered early), the rest of
 * the body is read and dropped, up to `drainBytes`, then the connection is closed: nothing
 * reaches the finished stream (Deno throws on that, and the throw would end the process), and
 * an endless body cannot keep the server reading (on Deno that memory is slow to come back).
 */
function bodyStream(
  req: IncomingMessage,
  drainBytes: number,
): { stream: ReadableStream<Uint8Array>; drain(): void } {
  let open = true;
  let onData = (_: Buffer) => {};
  const finish = () => {
    if (!open) return;
    open = false;
    req.off("data", onData);
    let dropped = 0;
    req.on("data", (c: Buffer) => {
      dropped += c.byteLength;
      if (dropped > drainBytes) req.socket.destroy();
    });
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(ctl) {
      onData = (c: Buffer) => {
        if (!open) return;
        ctl.enqueue(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
        if ((ctl.desiredSize ?? 1) <= 0) req.pause();
      };
      req.on("data", onData);
      req.on("end", () => {
        if (open) ctl.close();
        open = false;
      });
      req.on("error", (e) => {
        if (open) ctl.error(e);
        open = false;
      });
      req.on("close", () => {
        if (open && !req.complete) {
          ctl.error(new Error("the client closed the connection mid-request"));
        }
        open = false;
      });
      req.pause();
    },
    pull() {
      if (open) req.resume();
    },
    cancel() {
      finish();
    },
  }, { highWaterMark: 8 });
  return { stream, drain: finish };
}

/** The path of a request, without its query (for logs and time limits). */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

function plain(status: number, text: string): Response {
  return new Response(JSON.stringify({ error: text }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

interface Deadline {
  at: number;
  path: string;
  resolve: (r: Response) => void;
}

export function serve(opts: ServeOptions): Promise<RunningServer> {
  let inflight = 0;
  let closing = false;
  const log = opts.log ?? (() => {});
  // one sweep for every request's time limit, instead of a timer per request
  const deadlines = new Set<Deadline>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const d of deadlines) {
      if (d.at > now) continue;
      deadlines.delete(d);
      d.resolve(opts.timedOut?.(d.path) ?? plain(504, "request timed out"));
    }
  }, Math.max(10, Math.min(1000, (opts.timeoutMs || 4000) / 4)));

  /** The app's answer, or the time-out answer once `timeoutMs` has passed (0: no limit). */
  const answer = (request: Request, path: string): Promise<Response> => {
    if (opts.timeoutMs <= 0) return Promise.resolve(opts.fetch(request));
    return new Promise<Response>((resolve, reject) => {
      const entry: Deadline = { at: Date.now() + opts.timeoutMs, path, resolve };
      deadlines.add(entry);
      Promise.resolve(opts.fetch(request)).then(resolve, reject).finally(() =>
        deadlines.delete(entry)
      );
    });
  };

  const onHttpRequest = async (req: IncomingMessage, res: ServerResponse) => {
    inflight++;
    res.on("close", () => void (inflight--));
    const path = (req.url ?? "/").split("?")[0]!;
    const method = req.method ?? "GET";
    const head = method === "HEAD";
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined && k !== "host") headers[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      headers[REMOTE_HEADER] = req.socket.remoteAddress ?? "";
      headers[RAW_PATH_HEADER] = path;
      const body = method !== "GET" && !head
        ? bodyStream(req, opts.drainBytes ?? DEFAULT_DRAIN_BYTES)
        : undefined;
      if (!body) req.resume();
      const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
        method,
        headers,
        body: body?.stream,
        duplex: "half",
      } as RequestInit);
      const response = await answer(request, path);
      // an answer before the whole body arrived (413, 400, 401): the rest is read and dropped on
      // the open connection, so that a client still sending (as requests does) gets the answer
      if (!req.complete) body?.drain();
      await sendStreamed(res, response, closing, head);
    } catch (e) {
      log(`request ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) {
        await sendStreamed(res, plain(500, "internal server error"), true, head);
      } else res.destroy();
    }
  };

  const view = (req: IncomingMessage, body: Uint8Array | undefined): BridgeRequest => ({
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: req.headers,
    body,
    remote: req.socket.remoteAddress ?? "",
  });

  const failed = (path: string, e: unknown): BridgeReply => {
    log(`request ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
    return {
      status: 500,
      headers: { "content-type": "application/json" },
      body: '{"error":"internal server error"}',
    };
  };

  /** A direct answer that waits: in flight until sent, within the time limit. */
  const later = async (res: ServerResponse, pending: Promise<BridgeReply>, path: string) => {
    inflight++;
    let entry: Deadline | undefined;
    try {
      const limit = opts.timeoutMs > 0
        ? new Promise<Response>((resolve) => {
          entry = { at: Date.now() + opts.timeoutMs, path, resolve };
          deadlines.add(entry);
        })
        : undefined;
      const r = await (limit ? Promise.race([pending, limit]) : pending).catch((e) =>
        failed(path, e)
      );
      if (r instanceof Response) await send(res, r, closing);
      else sendReply(res, r, closing);
    } catch (e) {
      log(`request ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
      res.destroy();
    } finally {
      if (entry) deadlines.delete(entry);
      inflight--;
    }
  };

  /** The direct handler's answer, sent (or on its way); false when it left it to `fetch`. */
  const directly = (
    req: IncomingMessage,
    res: ServerResponse,
    body?: Uint8Array,
  ): boolean => {
    if (!opts.direct) return false;
    let quick: BridgeReply | Promise<BridgeReply> | undefined;
    try {
      quick = opts.direct(view(req, body));
    } catch (e) {
      quick = failed(pathOf(req), e);
    }
    if (!quick) return false;
    if (quick instanceof Promise) void later(res, quick, pathOf(req));
    else sendReply(res, quick, closing);
    return true;
  };

  /** The app's `fetch` answers, within the time limit (counted in flight until sent). */
  const viaFetch = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer<ArrayBuffer> | undefined,
  ) => {
    const path = pathOf(req);
    inflight++;
    try {
      // node:http has lower-cased and joined the headers already (set-cookie aside, which
      // a request does not carry); ours replace any a client sent under the same names
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined && k !== "host" && k !== "content-length") {
          headers[k] = Array.isArray(v) ? v.join(", ") : v;
        }
      }
      headers[METHOD_HEADER] = req.method ?? "GET";
      headers[REMOTE_HEADER] = req.socket.remoteAddress ?? "";
      const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
        method: "POST",
        headers,
        body,
      });
      const response = await answer(request, path);
      await send(res, response, closing);
    } catch (e) {
      log(`request ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) await send(res, plain(500, "internal server error"), closing);
      else res.destroy();
    } finally {
      inflight--;
    }
  };

  const tooLarge = async (res: ServerResponse, path: string) => {
    inflight++;
    try {
      res.shouldKeepAlive = false;
      await send(res, opts.tooLarge?.(path) ?? plain(413, "request body too large"), true);
    } catch (e) {
      log(`request ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
      res.destroy();
    } finally {
      inflight--;
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const h = req.headers;
    // Without a body there is nothing to wait for: answered in this tick when the direct
    // handler takes it.
    if (
      h["transfer-encoding"] === undefined &&
      (h["content-length"] === undefined || h["content-length"] === "0")
    ) {
      if (!directly(req, res)) void viaFetch(req, res, undefined);
      return;
    }
    // reading the body counts as in flight too: close() does not cut an upload
    inflight++;
    let reading = true;
    const read = () => {
      if (reading) inflight--;
      reading = false;
    };
    let size = 0;
    let over = Number(h["content-length"] ?? "0") > opts.maxBodyBytes;
    const chunks: Buffer<ArrayBuffer>[] = [];
    req.on("data", (c: Buffer<ArrayBuffer>) => {
      if (over) return;
      size += c.byteLength;
      if (size > opts.maxBodyBytes) {
        over = true;
        chunks.length = 0;
      } else chunks.push(c);
    });
    req.on("error", () => {
      read();
      res.destroy();
    });
    req.on("end", () => {
      read();
      if (over) return void tooLarge(res, pathOf(req));
      const body = chunks.length === 0
        ? undefined
        : chunks.length === 1
        ? chunks[0]
        : Buffer.concat(chunks);
      if (!directly(req, res, body)) void viaFetch(req, res, body);
    });
  };

  const server = createServer(opts.mode === "http" ? onHttpRequest : onRequest);
  server.keepAliveTimeout = 65_000;
  if (opts.idleTimeoutMs) server.setTimeout(opts.idleTimeoutMs, (socket) => socket.destroy());
  // node's own 5-minute cap on receiving a request would cut long uploads; idleness bounds them
  if (opts.mode === "http" && opts.timeoutMs <= 0) server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once("error", (e) => {
      clearInterval(sweep);
      reject(e);
    });
    server.listen(opts.port, opts.host, () => {
      server.removeAllListeners("error");
      const addr = server.address() as AddressInfo;
      resolve({
        host: opts.host,
        port: addr.port,
        close: async (graceMs = 10_000) => {
          closing = true;
          const closed = new Promise<void>((r) => server.close(() => r()));
          const deadline = Date.now() + graceMs;
          while (inflight > 0 && Date.now() < deadline) {
            server.closeIdleConnections?.();
            await new Promise((r) => setTimeout(r, 10));
          }
          server.closeAllConnections?.();
          clearInterval(sweep);
          await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
        },
      });
    });
  });
}
