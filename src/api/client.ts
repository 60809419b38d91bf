/**
 * `ApiClient`: calls on a ClearML server, `call(service, action, body)` → `data`.
 *
 * What it does, from server-api §1 and §6.3: log in with the key pair (Basic) or CLEARML_AUTH_TOKEN
 * (Bearer) and renew the token before it expires and once on HTTP 401; take the API level from the
 * token's `api_version` (capped by CLEARML_[AGENT_]FORCE_MAX_API_VERSION); send
 * `{method} {host}/v{ver}/{service}.{action}` with a JSON body — POST unless
 * `api.http.default_method` is set, GET bodies included (`runtime/http.ts` sends them); parse the
 * envelope and raise ApiError with result code, subcode and message; retry as `api.http.retries.*`
 * says (connect, read and status retries with exponential backoff, 503 without limit), with the
 * first login's connect retries set apart (CLEARML_AGENT_INITIAL_CONNECT_RETRY_OVERRIDE).
 */
import { hostname } from "node:os";
import { VERSION } from "../version.ts";
import { type Credentials, type Method, type RetryPolicy } from "./settings.ts";
import { apiVersionOf, compareVersions, type TokenClaims, tokenClaims } from "./jwt.ts";
import { dataOf, type Envelope, parseEnvelope } from "./envelope.ts";
import { ApiConnectionError, ApiError, LoginError } from "./errors.ts";
import { Transport, TransportFailure } from "./transport.ts";
import { TlsRefused } from "../runtime/http.ts";
import { ConfigError } from "../errors.ts";

/** The SDK's newest bundled service level (server-api §1.8): stable field sets. */
export const PREFERRED_API_VERSION = "2.23";

export interface Timeouts {
  connectMs: number;
  readMs: number;
}

/** Agent defaults (server-api §1.10): (3 s, 10 s) for the first request, (10 s, 30 s) after. */
export const FIRST_TIMEOUTS: Timeouts = { connectMs: 3_000, readMs: 10_000 };
export const TIMEOUTS: Timeouts = { connectMs: 10_000, readMs: 30_000 };
/** Bodies above 15000 bytes get (30 s, 30 s). */
export const LARGE_BODY_TIMEOUTS: Timeouts = { connectMs: 30_000, readMs: 30_000 };

export interface RetryNotice {
  endpoint: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface ApiClientOptions {
  /** `api.api_server`. */
  host: string;
  credentials: Credentials;
  /** Explicit `api.http.default_method`; undefined → POST (a body on GET is refused by fetch). */
  method?: Method;
  /** Verify the server's certificate. */
  verify?: boolean;
  /** Trusted CA certificates (PEM); undefined = the runtime's default store. */
  ca?: string[];
  /** For HTTP(S)_PROXY / NO_PROXY. */
  env?: Readonly<Record<string, string>>;
  retries: RetryPolicy;
  /** Connect retries of the first login (defaults to `retries.connect`). */
  initialConnectRetries?: number;
  /** Renew when fewer seconds are left. */
  tokenThresholdSec?: number;
  /** Ask auth.login for tokens of this lifetime (`expiration_sec`). */
  requestTokenExpirationSec?: number;
  maxApiVersion?: string;
  /** The level calls use when the token allows it. */
  preferredVersion?: string;
  /** X-ClearML-Worker: the machine or worker name (host name by default). */
  worker?: string;
  /** X-ClearML-Client. */
  client?: string;
  firstTimeouts?: Timeouts;
  timeouts?: Timeouts;
  /** Injected in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onRetry?: (notice: RetryNotice) => void;
  /** Stops waits and requests (SIGTERM). */
  signal?: AbortSignal;
}

export interface CallOptions {
  /** `"2.14"`, or null for the unversioned path; capped by the token's level. */
  version?: string | null;
  method?: Method;
  /** Ends this call's waits and requests (with the client's own signal): the daemon's polls stop
   * at SIGTERM, its unregister is bounded. */
  signal?: AbortSignal;
}

export interface RawBody {
  contentType: string;
  body: string | Uint8Array;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The client's and the call's signals as one (either may be absent). */
function both(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  return a && b ? AbortSignal.any([a, b]) : a ?? b;
}

/** urllib3's backoff: none before the first retry, then factor·2^(n−1) s, capped. */
export function backoffMs(policy: RetryPolicy, consecutive: number): number {
  if (consecutive <= 1) return 0;
  const s = policy.backoffFactor * 2 ** (consecutive - 1);
  return Math.round(Math.min(policy.backoffMax, s) * 1000);
}

export class ApiClient {
  readonly host: string;
  readonly transport: Transport;
  #token?: string;
  #claims?: TokenClaims;
  #login?: Promise<void>;
  /** The signal the login in flight runs under (its first caller's). */
  #loginSignal?: AbortSignal;
  #firstDone = false;
  readonly #o: ApiClientOptions;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;

  constructor(options: ApiClientOptions) {
    this.#o = options;
    this.host = options.host.replace(/\/+$/, "");
    this.transport = new Transport({
      host: this.host,
      env: options.env ?? {},
      verify: options.verify ?? true,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? Date.now;
  }

  /** The current token (for CLEARML_AUTH_TOKEN of child processes); undefined before login. */
  get token(): string | undefined {
    return this.#token;
  }

  get claims(): TokenClaims | undefined {
    return this.#claims;
  }

  /** The API level of the token (server-api §1.8), after login. */
  get apiVersion(): string {
    return apiVersionOf(this.#claims);
  }

  /** The version calls go to: preferred ≤ token level ≤ forced maximum. */
  versionFor(requested?: string): string {
    let v = requested ?? this.#o.preferredVersion ?? PREFERRED_API_VERSION;
    const cap = this.#claims ? this.apiVersion : undefined;
    if (cap && compareVersions(v, cap) > 0) v = cap;
    const max = this.#o.maxApiVersion;
    if (max && compareVersions(v, max) > 0) v = max;
    return v;
  }

  /** `{service}.{action}` with a JSON body; returns `data`. */
  async call(
    service: string,
    action: string,
    body: Record<string, unknown> = {},
    opts: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const env = await this.send(service, action, {
      contentType: "application/json",
      body: JSON.stringify(body),
    }, opts);
    return dataOf(`${service}.${action}`, env);
  }

  /** Any body (json-lines for events.add_batch); returns the envelope of a successful call. */
  async send(
    service: string,
    action: string,
    raw: RawBody,
    opts: CallOptions = {},
  ): Promise<Envelope> {
    const signal = both(this.#o.signal, opts.signal);
    await this.ensureToken(opts.signal);
    const endpoint = `${service}.${action}`;
    const prefix = opts.version === null ? "" : `/v${this.versionFor(opts.version)}`;
    let renewed = false;
    for (;;) {
      const env = await this.#exchange(endpoint, {
        method: opts.method ?? this.#o.method ?? "POST",
        path: `${prefix}/${endpoint}`,
        headers: {
          ...this.#headers(),
          Authorization: `Bearer ${this.#token}`,
          "Content-Type": raw.contentType,
        },
        body: raw.body,
      }, { signal });
      if (env.meta.result_code === 401 && !renewed) {
        // The token expired or was revoked: log in again once and repeat (server-api §1.5).
        renewed = true;
        await this.login(opts.signal);
        continue;
      }
      if (env.meta.result_code !== 200) dataOf(endpoint, env);
      return env;
    }
  }

  /**
   * Log in now (also done on the first call). Callers share the login in flight; one whose own
   * signal did not end it starts another when the first caller's signal ends it.
   */
  async login(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (!this.#login) {
        const s = both(this.#o.signal, signal);
        this.#loginSignal = s;
        this.#login = this.#doLogin(s).finally(() => {
          this.#login = undefined;
          this.#loginSignal = undefined;
        });
      }
      const ran = this.#loginSignal;
      try {
        return await this.#login;
      } catch (e) {
        const mine = this.#o.signal?.aborted || signal?.aborted;
        if (!mine && ran?.aborted) continue;
        throw e;
      }
    }
  }

  async ensureToken(signal?: AbortSignal): Promise<void> {
    if (this.#login || !this.#token) return await this.login(signal);
    const exp = this.#claims?.exp;
    const threshold = this.#o.tokenThresholdSec ?? 360;
    if (exp !== undefined && exp - this.#now() / 1000 - threshold <= 0) await this.login(signal);
  }

  #headers(): Record<string, string> {
    return {
      Accept: "application/json",
      // as Python requests does: a real server gzips answers of 500 bytes and more
      "Accept-Encoding": "gzip, deflate",
      "X-ClearML-Worker": this.#o.worker ?? hostname(),
      "X-ClearML-Client": this.#o.client ?? `clearml-ts-${VERSION}`,
    };
  }

  async #doLogin(signal: AbortSignal | undefined): Promise<void> {
    const c = this.#o.credentials;
    let authorization: string;
    if (c.mode === "token" && c.token) authorization = `Bearer ${this.#token ?? c.token}`;
    else if (c.mode === "keys" && c.key && c.secret) {
      authorization = `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString("base64")}`;
    } else {
      throw new ConfigError(
        c.mode === "key-only"
          ? "api.credentials.secret_key (CLEARML_API_SECRET_KEY) is not set: expected a key pair"
          : c.mode === "secret-only"
          ? "api.credentials.access_key (CLEARML_API_ACCESS_KEY) is not set: expected a key pair"
          : "no credentials: set CLEARML_API_ACCESS_KEY and CLEARML_API_SECRET_KEY " +
            "(or api.credentials in clearml.conf), or CLEARML_AUTH_TOKEN",
      );
    }
    const query = this.#o.requestTokenExpirationSec
      ? `?expiration_sec=${this.#o.requestTokenExpirationSec}`
      : "";
    const env = await this.#exchange("auth.login", {
      method: this.#o.method ?? "POST",
      path: `/auth.login${query}`,
      headers: { ...this.#headers(), Authorization: authorization },
    }, { first: !this.#firstDone, signal });
    if (env.meta.result_code !== 200) {
      throw new LoginError(
        this.host,
        env.meta.result_code,
        env.meta.result_subcode,
        env.meta.result_msg,
      );
    }
    const token = env.data.token;
    if (typeof token !== "string" || token === "") {
      throw new LoginError(this.host, 200, 0, "auth.login returned no token");
    }
    this.#token = token;
    this.#claims = tokenClaims(token);
    this.#firstDone = true;
  }

  /** One request with the retry policy; returns the parsed envelope whatever its result code. */
  async #exchange(
    endpoint: string,
    req: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: string | Uint8Array;
    },
    mode: { first?: boolean; signal?: AbortSignal | undefined },
  ): Promise<Envelope> {
    const signal = mode.signal;
    const policy = this.#o.retries;
    const connectLimit = mode.first
      ? this.#o.initialConnectRetries ?? policy.connect
      : policy.connect;
    const size = req.body === undefined
      ? 0
      : typeof req.body === "string"
      ? Buffer.byteLength(req.body)
      : req.body.byteLength;
    const t = mode.first
      ? this.#o.firstTimeouts ?? FIRST_TIMEOUTS
      : size > 15_000
      ? LARGE_BODY_TIMEOUTS
      : this.#o.timeouts ?? TIMEOUTS;
    let connect = 0, read = 0, status = 0, total = 0, consecutive = 0;
    for (;;) {
      let reason: string;
      try {
        const r = await this.transport.send({
          ...req,
          connectMs: t.connectMs,
          readMs: t.readMs,
          ...(signal ? { signal } : {}),
        });
        const maintenance = r.status === 503 && policy.waitOnMaintenanceForever;
        if (policy.statusCodes.includes(r.status) && (maintenance || status < policy.status)) {
          if (!maintenance) status++;
          reason = `HTTP ${r.status}`;
        } else {
          return parseEnvelope(endpoint, r.status, r.body);
        }
      } catch (e) {
        if (signal?.aborted) throw e;
        if (!(e instanceof TransportFailure)) throw e;
        if (e.cause instanceof TlsRefused) {
          throw new ApiConnectionError(endpoint, this.host, e.cause);
        }
        if (e.phase === "connect") {
          if (++connect > connectLimit) throw new ApiConnectionError(endpoint, this.host, e.cause);
        } else if (++read > policy.read) {
          throw new ApiConnectionError(endpoint, this.host, e.cause);
        }
        reason = e.message;
      }
      if (++total > policy.total && !reason.startsWith("HTTP 503")) {
        throw new ApiConnectionError(endpoint, this.host, new Error(reason));
      }
      consecutive++;
      const delayMs = backoffMs(policy, consecutive);
      this.#o.onRetry?.({ endpoint, attempt: consecutive, delayMs, reason });
      await this.#sleep(delayMs, signal);
    }
  }
}

export { ApiError };
