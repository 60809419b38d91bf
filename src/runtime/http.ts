/**
 * The program's one HTTP/1.1 client, over `node:net` and `node:tls`: doctor's server probe and the
 * ClearML API client (`src/api/`) both talk through it. Written by hand because a ClearML client
 * must control what goes on the wire: a GET with a body (which fetch refuses and some servers
 * drop), a CONNECT tunnel through the proxy the client would use, TLS verification that is either
 * reported (doctor) or enforced (`verify`), custom CA lists on both runtimes (toolchain §5.3: Deno's
 * fetch cannot skip verification per request, node:tls can), and a hard stop on an AbortSignal
 * when a peer never answers. Works the same on Bun and Deno (both implement these node: modules).
 */
import type * as net from "node:net";
import type * as tls from "node:tls";
import { socksConnect, type SocksKind } from "./socks.ts";

// Loaded on first use: a static import of node:net/node:tls costs every clearml command
// milliseconds at startup in the compiled binary, doctor or not.
const loadNet = () => import("node:net");
const loadTls = () => import("node:tls");

/** The reason an aborted signal carries, as an Error. */
function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error("the request was aborted");
}

export interface Endpoint {
  /** Host name or IP literal (no brackets). */
  host: string;
  port: number;
  tls: boolean;
}

export interface ProxyEndpoint {
  host: string;
  port: number;
  /** How to talk to it: HTTP (default), HTTP over TLS, or SOCKS (`runtime/socks.ts`). */
  kind?: "http" | "https" | SocksKind;
  /** `Basic …` value for Proxy-Authorization, when an HTTP(S) proxy URL carries credentials. */
  authorization?: string;
  /** SOCKS credentials from the proxy URL. */
  username?: string;
  password?: string;
}

export interface ConnectOptions {
  target: Endpoint;
  proxy?: ProxyEndpoint;
  /** Trusted CA certificates (PEM); undefined = the runtime's default store. */
  ca?: string[];
  /**
   * Refuse a certificate that does not verify or does not name the host (TlsRefused). Off by
   * default: doctor reports the facts instead.
   */
  verify?: boolean;
}

export class TlsRefused extends Error {
  override name = "TlsRefused";
  constructor(readonly code: string, detail: string) {
    super(`the server's TLS certificate was refused: ${detail} (${code})`);
  }
}

export class ProxyRefused extends Error {
  override name = "ProxyRefused";
  constructor(readonly status: number, readonly statusText: string) {
    super(`the proxy answered ${status} ${statusText} to CONNECT`.trim());
  }
}

export interface Channel {
  socket: net.Socket;
  /** Plain HTTP through a proxy: the request line carries the absolute URL. */
  absoluteForm: boolean;
  /** The TLS socket, when the target is https. */
  tlsSocket?: tls.TLSSocket;
  /** Address the TCP connection reached (the proxy's when proxied). */
  remoteAddress?: string;
}

/** Reject when the signal aborts; `cleanup` runs then. */
function abortable<T>(
  signal: AbortSignal,
  cleanup: () => void,
  run: (resolve: (v: T) => void, reject: (e: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      cleanup();
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      cleanup();
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    run(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        cleanup();
        reject(e);
      },
    );
  });
}

/** A TCP connection to host:port. */
export async function tcpConnect(
  host: string,
  port: number,
  signal: AbortSignal,
): Promise<net.Socket> {
  const { Socket } = await loadNet();
  const socket = new Socket();
  // Errors after a stage has finished must not crash the process; each stage listens for its own.
  socket.on("error", () => {});
  return abortable(signal, () => socket.destroy(), (resolve, reject) => {
    socket.once("error", reject);
    socket.connect({ host, port }, () => {
      socket.removeListener("error", reject);
      resolve(socket);
    });
  });
}

/** Read from the socket until the end of the response head; returns head and what followed. */
function readHead(socket: net.Socket, signal: AbortSignal): Promise<[string, Buffer]> {
  return abortable(signal, () => socket.destroy(), (resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end >= 0) {
        done();
        resolve([buf.subarray(0, end).toString("latin1"), buf.subarray(end + 4)]);
      } else if (buf.length > 65536) {
        done();
        reject(new Error("the response head is larger than 64 KiB"));
      }
    };
    const onEnd = () => {
      done();
      reject(new Error("the connection closed before a response"));
    };
    const done = () => {
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      socket.removeListener("error", reject);
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("error", reject);
  });
}

/** Open a tunnel through an HTTP proxy with CONNECT. */
async function connectTunnel(
  socket: net.Socket,
  target: Endpoint,
  proxy: ProxyEndpoint,
  signal: AbortSignal,
): Promise<void> {
  const authority = `${
    target.host.includes(":") ? `[${target.host}]` : target.host
  }:${target.port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
  socket.write(lines.join("\r\n") + "\r\n\r\n");
  const [head] = await readHead(socket, signal);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(head.split("\r\n")[0] ?? "");
  const status = m ? Number(m[1]) : 0;
  if (status < 200 || status >= 300) {
    socket.destroy();
    throw new ProxyRefused(status, m?.[2] ?? head.slice(0, 60));
  }
}

/** TLS over an open socket. Verification is reported (`authorized`), not enforced. */
export async function startTls(
  socket: net.Socket,
  host: string,
  ca: string[] | undefined,
  signal: AbortSignal,
): Promise<tls.TLSSocket> {
  const [net, tls] = await Promise.all([loadNet(), loadTls()]);
  const options: tls.ConnectionOptions = { socket, rejectUnauthorized: false };
  // SNI takes names only; an IP literal there is a protocol error.
  if (net.isIP(host) === 0) options.servername = host;
  if (ca) options.ca = ca;
  let secure: tls.TLSSocket | undefined;
  return abortable(signal, () => {
    secure?.destroy();
    socket.destroy();
  }, (resolve, reject) => {
    secure = tls.connect(options, () => {
      secure!.removeListener("error", reject);
      resolve(secure!);
    });
    secure.on("error", () => {});
    secure.once("error", reject);
  });
}

/** Throw TlsRefused unless the chain verified and the leaf names the host. */
async function enforceTrust(s: tls.TLSSocket, host: string): Promise<void> {
  if (!s.authorized) {
    s.destroy();
    const e = s.authorizationError as unknown as { code?: string; message?: string } | string;
    const code = typeof e === "object" && e?.code ? e.code : String(e ?? "UNVERIFIED");
    const detail = typeof e === "object" && e?.message ? e.message : "the chain does not verify";
    throw new TlsRefused(code, detail);
  }
  const { checkServerIdentity } = await loadTls();
  const leaf = s.getPeerCertificate();
  const identity = leaf && leaf.subject ? checkServerIdentity(host, leaf) : undefined;
  if (identity) {
    s.destroy();
    throw new TlsRefused("ERR_TLS_CERT_ALTNAME_INVALID", identity.message);
  }
}

/**
 * A connection ready for an HTTP request to `target`: direct or through the proxy, TLS when https.
 * An HTTP proxy gets plain requests in absolute form, or a CONNECT tunnel for https; an HTTPS
 * proxy the same inside TLS to the proxy (its certificate checked like the server's); a SOCKS
 * proxy opens a connection that is then used as a direct one.
 */
export async function openChannel(opts: ConnectOptions, signal: AbortSignal): Promise<Channel> {
  const { target, proxy } = opts;
  const first = proxy ?? target;
  const kind = proxy?.kind ?? "http";
  const socket = await tcpConnect(first.host, first.port, signal);
  const remoteAddress = socket.remoteAddress;
  let link: net.Socket = socket;
  try {
    if (proxy && kind === "https") {
      const toProxy = await startTls(socket, proxy.host, opts.ca, signal);
      if (opts.verify) await enforceTrust(toProxy, proxy.host);
      link = toProxy;
    }
    const socks = proxy && kind.startsWith("socks");
    if (proxy && socks) {
      await socksConnect(link, target.host, target.port, {
        kind: kind as SocksKind,
        ...(proxy.username !== undefined ? { username: proxy.username } : {}),
        ...(proxy.password !== undefined ? { password: proxy.password } : {}),
      }, signal);
    }
    if (target.tls) {
      if (proxy && !socks) await connectTunnel(link, target, proxy, signal);
      const tlsSocket = await startTls(link, target.host, opts.ca, signal);
      if (opts.verify) await enforceTrust(tlsSocket, target.host);
      return { socket: tlsSocket, absoluteForm: false, tlsSocket, remoteAddress };
    }
    return { socket: link, absoluteForm: proxy !== undefined && !socks, remoteAddress };
  } catch (e) {
    link.destroy();
    socket.destroy();
    throw e;
  }
}

export interface HttpRequest {
  /**
   * Ask to keep the connection open (HTTP/1.1 keep-alive): when the answer allows it, the socket
   * is left open and idle for the next request (`HttpResponse.reusable`); otherwise closed.
   */
  keepAlive?: boolean;
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Read at most this many body bytes (the rest is dropped and `truncated` set); 256 KiB. */
  maxBody?: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
  /** The body was longer than the probe reads. */
  truncated: boolean;
  /** A keep-alive request's connection was left open, clean, for another request. */
  reusable?: boolean;
}

/** A keep-alive request got no byte of an answer: the connection ended or failed first. */
export class NoAnswer extends Error {
  override name = "NoAnswer";
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
  get code(): string | undefined {
    const c = (this.cause as { code?: unknown })?.code;
    return typeof c === "string" ? c : undefined;
  }
}

/** Whether the connection may carry another request after this complete answer. */
function keepsAlive(r: HttpResponse, head: string, read: number, framed: number): boolean {
  if (r.truncated || read !== framed) return false;
  const connection = (r.headers["connection"] ?? "").toLowerCase();
  if (/\bclose\b/.test(connection)) return false;
  // HTTP/1.0 closes unless it says otherwise
  return head.startsWith("HTTP/1.1") || /\bkeep-alive\b/.test(connection);
}

const MAX_BODY = 256 * 1024;

function authorityOf(target: Endpoint): string {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const defaultPort = target.tls ? 443 : 80;
  return target.port === defaultPort ? host : `${host}:${target.port}`;
}

/**
 * Send one request over the channel and read the whole response. The channel is closed after,
 * unless the request asked for keep-alive and the answer allows it (`reusable`): then the socket
 * is left open with no listener of this exchange on it.
 */
export function exchange(
  channel: Channel,
  target: Endpoint,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const { socket } = channel;
  const keep = request.keepAlive === true;
  const authority = authorityOf(target);
  const requestTarget = channel.absoluteForm ? `http://${authority}${request.path}` : request.path;
  const lines = [`${request.method} ${requestTarget} HTTP/1.1`, `Host: ${authority}`];
  const headers: Record<string, string> = {
    Connection: keep ? "keep-alive" : "close",
    ...request.headers,
  };
  if (request.body !== undefined) {
    headers["Content-Length"] = String(Buffer.byteLength(request.body));
  }
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  const head = Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
  const wire = request.body === undefined ? head : Buffer.concat([
    head,
    typeof request.body === "string" ? Buffer.from(request.body) : request.body,
  ]);
  const maxBody = request.maxBody ?? MAX_BODY;

  return abortable(signal, () => socket.destroy(), (resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // Bytes a Content-Length answer needs in all: no re-parse (and re-concat) before they arrive.
    let needed = 0;
    /** Failures before any byte of an answer are told apart for keep-alive requests. */
    const fail = (e: unknown) => reject(keep && size === 0 ? new NoAnswer(e) : e);
    const detach = () => {
      socket.removeListener("data", onData);
      socket.removeListener("end", onEnd);
      socket.removeListener("close", onEnd);
      socket.removeListener("error", onError);
    };
    const finish = (ended: boolean) => {
      if (settled || (!ended && size < needed && size < maxBody)) return;
      const all = Buffer.concat(chunks);
      let parsed: ReturnType<typeof parseAnswer>;
      try {
        parsed = parseAnswer(all, ended || size >= maxBody, maxBody);
      } catch (e) {
        // not HTTP, bad chunking, a body that does not decompress: this request's failure
        settled = true;
        detach();
        socket.destroy();
        reject(e);
        return;
      }
      if (parsed === "incomplete") {
        if (!ended) needed = expectedSize(all);
        if (ended) {
          settled = true;
          detach();
          socket.destroy();
          fail(
            new Error(
              all.length === 0
                ? "the server closed the connection without answering"
                : "the server closed the connection in the middle of its answer",
            ),
          );
        }
        return;
      }
      settled = true;
      detach();
      const { response, framed } = parsed;
      if (
        keep && !ended && keepsAlive(response, all.toString("latin1", 0, 9), all.length, framed)
      ) {
        response.reusable = true;
      } else socket.destroy();
      resolve(response);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (e: Error) => {
      if (settled) return;
      // A reset after a complete answer still counts as the answer.
      if (chunks.length > 0) {
        const parsed = parseResponse(Buffer.concat(chunks), true, maxBody);
        if (parsed !== "incomplete") {
          settled = true;
          detach();
          socket.destroy();
          resolve(parsed);
          return;
        }
      }
      settled = true;
      detach();
      fail(e);
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
    socket.write(wire);
  });
}

/** Head plus Content-Length body bytes, once the head is in; 0 when unknown. */
function expectedSize(buf: Buffer): number {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return 0;
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString("latin1"));
  return m ? end + 4 + Number(m[1]) : 0;
}

/** Parse a response once it is complete; "incomplete" while more bytes are expected. */
export function parseResponse(
  buf: Buffer,
  ended: boolean,
  maxBody = MAX_BODY,
): HttpResponse | "incomplete" {
  const answer = parseAnswer(buf, ended, maxBody);
  return answer === "incomplete" ? answer : answer.response;
}

/**
 * A complete response, and the bytes it is made of by its own framing (Content-Length, chunks
 * without trailers, or no body); -1 when none frames it (read until the connection ended).
 */
function parseAnswer(
  buf: Buffer,
  ended: boolean,
  maxBody: number,
): { response: HttpResponse; framed: number } | "incomplete" {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return "incomplete";
  const headLines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(headLines[0] ?? "");
  if (!m) {
    if (!ended) return "incomplete";
    throw new Error(`not an HTTP answer: ${JSON.stringify((headLines[0] ?? "").slice(0, 60))}`);
  }
  const headers: Record<string, string> = {};
  for (const line of headLines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const status = Number(m[1]);
  let raw = buf.subarray(end + 4);
  let truncated = false;
  let framed = -1;
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  if (noBody) {
    raw = Buffer.alloc(0);
    framed = end + 4;
  } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const decoded = dechunk(raw);
    if (decoded === "incomplete") {
      if (!ended) return "incomplete";
      truncated = true;
      raw = Buffer.alloc(0);
    } else {
      raw = decoded.body;
      framed = decoded.used < 0 ? -1 : end + 4 + decoded.used;
    }
  } else if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (raw.length < length && !ended) return "incomplete";
    truncated = raw.length < length;
    raw = raw.subarray(0, length);
    framed = end + 4 + length;
  } else if (!ended) return "incomplete";
  if (raw.length > maxBody) {
    raw = raw.subarray(0, maxBody);
    truncated = true;
  }
  // a client that sent Accept-Encoding gets gzip/deflate bodies (a truncated one stays as read)
  const encoding = (headers["content-encoding"] ?? "").trim().toLowerCase();
  if (!truncated && raw.length && (encoding === "gzip" || encoding === "deflate")) {
    const zlib = process.getBuiltinModule("node:zlib");
    raw = encoding === "gzip" ? zlib.gunzipSync(raw) : zlib.inflateSync(raw);
  }
  return {
    response: { status, statusText: m[2] ?? "", headers, body: raw.toString("utf8"), truncated },
    framed,
  };
}

/** The body of chunks, and the bytes they took (-1 when trailers follow the last chunk). */
function dechunk(buf: Buffer): { body: Buffer; used: number } | "incomplete" {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", pos);
    if (lineEnd < 0) return "incomplete";
    const size = parseInt(buf.subarray(pos, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (Number.isNaN(size)) throw new Error("malformed chunked encoding");
    if (size === 0) {
      const used = buf.toString("latin1", lineEnd + 2, lineEnd + 4) === "\r\n" ? lineEnd + 4 : -1;
      return { body: Buffer.concat(parts), used };
    }
    const start = lineEnd + 2;
    if (buf.length < start + size + 2) return "incomplete";
    parts.push(buf.subarray(start, start + size));
    pos = start + size + 2;
  }
}

/** Connect, send one request, read the answer, close. */
export async function httpRequest(
  opts: ConnectOptions,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const channel = await openChannel(opts, signal);
  return await exchange(channel, opts.target, request, signal);
}
