/**
 * One HTTP exchange with a ClearML server: the base URL's scheme, host and path, the proxy the
 * Python clients would pick (HTTP(S)_PROXY / NO_PROXY), the trusted certificates, and separate
 * connect and read timeouts. Built on the program's one HTTP client (`runtime/http.ts`).
 */
import {
  type Channel,
  type ConnectOptions,
  type Endpoint,
  exchange,
  type HttpResponse,
  NoAnswer,
  openChannel,
} from "../runtime/http.ts";
import { chooseProxy } from "./proxy.ts";
import { ConfigError } from "../errors.ts";

export interface TransportOptions {
  /** `api.api_server`, e.g. `http://127.0.0.1:8008` or `https://host/api`. */
  host: string;
  /** The environment the proxy variables come from. */
  env: Readonly<Record<string, string>>;
  verify: boolean;
  /** Trusted CA certificates (PEM); undefined = the runtime's default store. */
  ca?: string[];
}

export interface Exchange {
  method: string;
  /** Appended to the host's path: `/v2.23/tasks.get_all`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  connectMs: number;
  readMs: number;
  signal?: AbortSignal;
}

/** A timeout while connecting (nothing was sent) or while waiting for the answer. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  readonly code = "ETIMEDOUT";
  constructor(readonly phase: "connect" | "read", ms: number) {
    super(`no ${phase === "connect" ? "connection" : "answer"} within ${ms} ms`);
  }
}

/** Where the request failed: before anything was sent (safe to retry any call) or after. */
export class TransportFailure extends Error {
  override name = "TransportFailure";
  constructor(readonly phase: "connect" | "read", override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
  get code(): string | undefined {
    const c = (this.cause as { code?: unknown })?.code;
    return typeof c === "string" ? c : undefined;
  }
}

const MAX_ANSWER = 256 * 1024 * 1024;

/** Idle connections kept per server: the daemon's calls overlap little. */
const MAX_IDLE = 4;
/**
 * An idle connection is not reused after this long: servers close theirs after a while (most
 * say so with a FIN, which drops it here at once), and one that vanished silently would hold the
 * next call until its read timeout.
 */
const MAX_IDLE_MS = 20_000;

interface Idle {
  channel: Channel;
  since: number;
  /** Drops the connection from the pool when the server closes it or it fails. */
  gone: () => void;
}

function timed(ms: number, phase: "connect" | "read", outer?: AbortSignal) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(phase, ms)), ms);
  const onOuter = () => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener("abort", onOuter, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuter);
    },
  };
}

/**
 * Requests to one ClearML server, over kept-alive connections (as the Python clients' sessions
 * do): a connection that served a complete answer waits, unreferenced (it never keeps the process
 * alive), for the next request. A request that finds its reused connection already closed by the
 * server (no byte of an answer) is sent again at once on a new one.
 */
export class Transport {
  readonly target: Endpoint;
  readonly basePath: string;
  readonly connect: ConnectOptions;
  readonly #idle: Idle[] = [];

  constructor(readonly options: TransportOptions) {
    let u: URL;
    try {
      u = new URL(options.host);
    } catch {
      throw new ConfigError(
        `api.api_server ${options.host}: expected a URL such as http://127.0.0.1:8008`,
      );
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new ConfigError(
        `api.api_server ${options.host}: expected an http:// or https:// URL`,
      );
    }
    const tls = u.protocol === "https:";
    const host = u.hostname.replace(/^\[|\]$/g, "");
    this.target = { host, port: u.port ? Number(u.port) : tls ? 443 : 80, tls };
    this.basePath = u.pathname.replace(/\/+$/, "");
    const choice = chooseProxy(
      options.env,
      tls ? "https" : "http",
      host,
      u.port ? Number(u.port) : undefined,
    );
    if (choice.unsupported) {
      throw new ConfigError(
        `${choice.variable}: ${choice.unsupported.replace("are not probed", "are not supported")}`,
      );
    }
    this.connect = {
      target: this.target,
      ...(choice.endpoint ? { proxy: choice.endpoint } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      verify: options.verify,
    };
  }

  /** Send one request and read the whole answer; TransportFailure says where it failed. */
  async send(x: Exchange): Promise<HttpResponse> {
    const reused = this.#takeIdle();
    if (reused) {
      try {
        return await this.#over(reused, x);
      } catch (e) {
        // closed by the server while idle: nothing was answered, so it is sent again
        if (!(e instanceof TransportFailure && e.cause instanceof NoAnswer) || x.signal?.aborted) {
          throw e;
        }
      }
    }
    const c = timed(x.connectMs, "connect", x.signal);
    let channel;
    try {
      channel = await openChannel(this.connect, c.signal);
    } catch (e) {
      throw new TransportFailure("connect", e);
    } finally {
      c.clear();
    }
    return await this.#over(channel, x);
  }

  async #over(channel: Channel, x: Exchange): Promise<HttpResponse> {
    const r = timed(x.readMs, "read", x.signal);
    let answer: HttpResponse;
    try {
      answer = await exchange(channel, this.target, {
        keepAlive: true,
        method: x.method,
        path: `${this.basePath}${x.path}`,
        headers: x.headers,
        ...(x.body !== undefined ? { body: x.body } : {}),
        maxBody: MAX_ANSWER,
      }, r.signal);
    } catch (e) {
      throw new TransportFailure("read", e);
    } finally {
      r.clear();
    }
    if (answer.reusable) this.#putIdle(channel);
    return answer;
  }

  #putIdle(channel: Channel): void {
    const { socket } = channel;
    if (this.#idle.length >= MAX_IDLE || socket.destroyed) {
      socket.destroy();
      return;
    }
    const entry: Idle = {
      channel,
      since: Date.now(),
      gone: () => {
        const i = this.#idle.indexOf(entry);
        if (i >= 0) this.#idle.splice(i, 1);
        unwatch(entry);
        socket.destroy();
      },
    };
    socket.once("end", entry.gone);
    socket.once("close", entry.gone);
    socket.once("error", entry.gone);
    // bytes nobody asked for: the connection is out of step
    socket.once("data", entry.gone);
    socket.unref();
    this.#idle.push(entry);
  }

  #takeIdle(): Channel | undefined {
    const now = Date.now();
    for (;;) {
      const entry = this.#idle.pop();
      if (!entry) return undefined;
      unwatch(entry);
      const { socket } = entry.channel;
      if (socket.destroyed || now - entry.since > MAX_IDLE_MS) {
        socket.destroy();
        continue;
      }
      socket.ref();
      return entry.channel;
    }
  }
}

function unwatch(entry: Idle): void {
  const { socket } = entry.channel;
  socket.removeListener("end", entry.gone);
  socket.removeListener("close", entry.gone);
  socket.removeListener("error", entry.gone);
  socket.removeListener("data", entry.gone);
}
