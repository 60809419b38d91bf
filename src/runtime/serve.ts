/**
 * Serve a fetch-style app through `node:http` on Deno and Bun alike. `Deno.serve`/`Bun.serve`
 * hand a GET's body to the app as empty, and ClearML clients send JSON bodies on GET; `node:http`
 * delivers them. So: read the body (up to a limit), re-make the request as POST carrying it, keep
 * the original method and the peer address in headers (see `src/server/bridge.ts`), and bound
 * every request by a timeout. `close()` stops accepting, lets in-flight requests finish, then
 * closes the idle keep-alive connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { METHOD_HEADER, REMOTE_HEADER } from "../server/bridge.ts";

export interface ServeOptions {
  fetch: (req: Request) => Response | Promise<Response>;
  host: string;
  port: number;
  maxBodyBytes: number;
  timeoutMs: number;
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

async function send(res: ServerResponse, r: Response, closing: boolean): Promise<void> {
  const body = r.body ? Buffer.from(await r.text()) : undefined;
  const headers: Record<string, string | string[]> = {};
  r.headers.forEach((v, k) => {
    if (k === "set-cookie") return;
    headers[k] = v;
  });
  const cookies = r.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  headers["content-length"] = String(body?.byteLength ?? 0);
  if (closing) headers["connection"] = "close";
  res.writeHead(r.status, headers);
  res.end(body);
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
  }, Math.max(10, Math.min(1000, opts.timeoutMs / 4)));

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inflight++;
    const path = (req.url ?? "/").split("?")[0]!;
    let size = 0;
    let over = false;
    const chunks: Buffer[] = [];
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > opts.maxBodyBytes) over = true;
    const finish = () => void (inflight--);
    res.on("close", finish);
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.byteLength;
      if (size > opts.maxBodyBytes) {
        over = true;
        chunks.length = 0;
      } else chunks.push(c);
    });
    req.on("error", () => res.destroy());
    req.on("end", async () => {
      try {
        if (over) {
          res.shouldKeepAlive = false;
          await send(res, opts.tooLarge?.(path) ?? plain(413, "request body too large"), true);
          return;
        }
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
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        const response = await new Promise<Response>((resolve, reject) => {
          const entry: Deadline = { at: Date.now() + opts.timeoutMs, path, resolve };
          deadlines.add(entry);
          Promise.resolve(opts.fetch(request)).then(resolve, reject).finally(() =>
            deadlines.delete(entry)
          );
        });
        await send(res, response, closing);
      } catch (e) {
        log(`request ${path} failed: ${e instanceof Error ? e.message : String(e)}`);
        if (!res.headersSent) await send(res, plain(500, "internal server error"), closing);
        else res.destroy();
      }
    });
  };

  const server = createServer(onRequest);
  server.keepAliveTimeout = 65_000;
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
