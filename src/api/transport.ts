/**
 * One HTTP exchange with a ClearML server: the base URL's scheme, host and path, the proxy the
 * Python clients would pick (HTTP(S)_PROXY / NO_PROXY), the trusted certificates, and separate
 * connect and read timeouts. Built on the program's one HTTP client (`runtime/http.ts`).
 */
import {
  type ConnectOptions,
  type Endpoint,
  exchange,
  type HttpResponse,
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

export class Transport {
  readonly target: Endpoint;
  readonly basePath: string;
  readonly connect: ConnectOptions;

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
    const c = timed(x.connectMs, "connect", x.signal);
    let channel;
    try {
      channel = await openChannel(this.connect, c.signal);
    } catch (e) {
      throw new TransportFailure("connect", e);
    } finally {
      c.clear();
    }
    const r = timed(x.readMs, "read", x.signal);
    try {
      return await exchange(channel, this.target, {
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
  }
}
