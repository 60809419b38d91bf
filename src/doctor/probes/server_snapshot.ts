/**
 * What the server probe found, per host and per layer (URL → proxy → DNS → TCP → TLS → HTTP →
 * auth): the data the server checks read. Types only, so that data flows one way: probe →
 * snapshot → check.
 */
import type { Origin } from "../../settings/tree.ts";
import type { ProxyVariable } from "../../api/proxy.ts";
import type { CaFile } from "../../api/trust.ts";
import type { Role, UrlFacts } from "./_url.ts";
import type { WhereFacts } from "../../platform/container.ts";

export type { CaFile, Role, UrlFacts };
export type Consumer = "sdk" | "agent";

/** One network step: what it found, or why it failed, and how long it took. */
export interface StepResult<T> {
  ok: boolean;
  ms: number;
  value?: T;
  error?: string;
  /** errno-style code (ECONNREFUSED, ENOTFOUND, PROXY_REFUSED…). */
  code?: string;
  timedOut?: boolean;
  /** The run's whole budget (--timeout) ran out during this step. */
  budget?: boolean;
}

export interface DnsFacts {
  addresses: Array<{ address: string; family: number }>;
}

export interface TcpFacts {
  /** The address connected to (the proxy's when proxied). */
  address?: string;
  port: number;
  via: "direct" | "proxy";
}

export interface CertFacts {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Whole days until validTo, at probe time (negative: expired). */
  daysLeft: number;
  selfSigned: boolean;
  subjectAltName?: string;
  fingerprint256?: string;
}

export interface TlsFacts {
  protocol?: string;
  /** The chain verifies against the trust the client would use. */
  authorized: boolean;
  /** OpenSSL-style code, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  authorizationError?: string;
  /** The certificate does not name the host (message of checkServerIdentity). */
  hostnameError?: string;
  /** Leaf first. */
  chain: CertFacts[];
  /** When a CA bundle replaced the default store and rejected the chain: does the default store accept it? */
  defaultStore?: { authorized: boolean; error?: string };
}

export interface TrustFacts {
  /** The client verifies certificates. */
  verify: boolean;
  /** The value as configured ("true", "false", a path…) and its origin. */
  verifyText: string;
  verifyOrigin?: Origin;
  /** A CA bundle that replaces the default store (verify path, REQUESTS_CA_BUNDLE, …). */
  bundle?: CaFile;
  /** NODE_EXTRA_CA_CERTS: added to the store. */
  extra?: CaFile;
  /** Files host: api.verify_certificate does not apply to file transfers (sdk-config §2.3 item 5). */
  scopeNote?: string;
}

export type BodyKind = "clearml-api" | "html" | "json" | "text" | "empty";

export interface HttpFacts {
  status: number;
  statusText: string;
  contentType?: string;
  server?: string;
  kind: BodyKind;
  /** The HTML page's <title>. */
  title?: string;
  /** The first characters of a non-API answer, whitespace collapsed. */
  snippet?: string;
  envelope?: {
    resultCode?: number;
    resultSubcode?: number;
    resultMsg?: string;
    endpoint?: string;
    requestedVersion?: string;
    actualVersion?: string;
  };
  /** debug.ping: `data.msg`. */
  msg?: string;
  /** server.info fields. */
  version?: string;
  apiVersion?: string;
  build?: string;
  /** GET/POST with a body: the server echoed the probe's marker, so the body arrived. */
  echoed?: boolean;
}

export interface TokenFacts {
  apiVersion?: string;
  serverVersion?: string;
  user?: string;
  company?: string;
  role?: string;
  expiresInDays?: number;
}

export interface LoginFacts extends HttpFacts {
  token?: TokenFacts;
}

export interface AuthFacts {
  /** keys: access key + secret (Basic); token: CLEARML_AUTH_TOKEN (Bearer). */
  mode: "keys" | "token" | "none" | "key-only" | "secret-only";
  /** The access key by its last four characters. */
  accessKey?: string;
  accessKeyOrigin?: Origin;
  secretOrigin?: Origin;
  tokenOrigin?: Origin;
  /** The user set credentials (env, file, flag), not left at the empty defaults. */
  explicit: boolean;
  login?: StepResult<LoginFacts>;
  /** Why no login was tried. */
  skipped?: string;
}

export interface ApiFacts {
  ping?: StepResult<HttpFacts>;
  info?: StepResult<HttpFacts>;
  getBody?: StepResult<HttpFacts>;
  /** Tried when the GET with a body failed: does POST get through? */
  postBody?: StepResult<HttpFacts>;
  /** Tried when the proxied ping failed: does a direct connection work? */
  direct?: StepResult<HttpFacts>;
  auth: AuthFacts;
  /** Why the HTTP steps stopped early. */
  skipped?: string;
}

export interface ProxyFacts {
  /** The proxy the client would use (password masked). */
  url?: string;
  variable?: string;
  bypassEntry?: string;
  bypassVariable?: string;
  /** The probe went direct because it cannot use this proxy. */
  unsupported?: string;
}

export interface HostProbe {
  role: Role;
  consumers: Consumer[];
  url: UrlFacts;
  origin?: Origin;
  /** The HTTP method the client uses for API calls, and where it came from. */
  method: string;
  methodOrigin?: Origin;
  proxy: ProxyFacts;
  trust?: TrustFacts;
  dns?: StepResult<DnsFacts>;
  tcp?: StepResult<TcpFacts>;
  tls?: StepResult<TlsFacts>;
  /** Web and files hosts: GET of the base URL. */
  http?: StepResult<HttpFacts>;
  /** API host only. */
  api?: ApiFacts;
  /** Why the network steps stopped before the end. */
  skipped?: string;
}

export interface MissingHost {
  role: Role;
  consumer: Consumer;
  message: string;
}

export type { WhereFacts } from "../../platform/container.ts";

export interface ServerSnapshot {
  /** Set when nothing was probed: the reason. */
  offline?: string;
  where: WhereFacts;
  /** Every *_proxy variable (passwords masked). */
  proxyVariables: ProxyVariable[];
  noProxyWarnings: string[];
  stepTimeoutMs: number;
  /** The run's budget ran out while probing. */
  budgetExhausted: boolean;
  targets: HostProbe[];
  /** Hosts a client has none of (derivation failed, agent without a host). */
  missing: MissingHost[];
}
