/**
 * The server probe: for the API, web and files hosts the SDK (and, where it differs, the agent)
 * would use, it gathers URL shape, proxy choice, DNS, TCP, TLS and HTTP facts, and for the API
 * host debug.ping, server.info, a GET with a body and auth.login with exactly the resolved
 * credentials. Every network step has its own timeout and stops when the run's budget is spent.
 * Nothing secret enters the snapshot: keys by their last four characters, tokens never.
 */
import type * as tls from "node:tls";

// Loaded on first use: static imports of node:dns/node:tls would cost every command at startup.
const loadTls = () => import("node:tls");
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, resolve as resolvePath } from "node:path";
import type { DoctorInput, ProbeTools } from "../types.ts";
import { lookup, type Resolution, variableState } from "../../settings/resolve.ts";
import { formatOrigin, type Origin } from "../../settings/tree.ts";
import { lastFour, maskUrlPassword } from "../../settings/mask.ts";
import { deriveFilesHost, deriveWebHost, rstripSlash } from "../../settings/hosts.ts";
import { tryStrtobool } from "../../settings/convert.ts";
import { offlineReason } from "../offline.ts";
import { detectContainer, type WhereFacts } from "../../platform/container.ts";
import { nodeHostFacts } from "../../platform/host_facts.ts";
import { VERSION } from "../../version.ts";
import { deadline, StepTimeout } from "./_deadline.ts";
import { chooseProxy, noProxyWarnings, type ProxyVariable, proxyVariables } from "./_proxy.ts";
import {
  type ConnectOptions,
  type Endpoint,
  httpRequest,
  type HttpResponse,
  openChannel,
  ProxyRefused,
  tcpConnect,
} from "./_raw_http.ts";
import { type Role, type UrlFacts, urlFacts } from "./_url.ts";

export type { Role, UrlFacts };
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

export interface CaFile {
  path: string;
  /** Where the path came from (variable name or formatted origin). */
  source: string;
  certs?: number;
  error?: string;
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

export interface ServerProbeOptions {
  /** Replace the container detection (tests). */
  where?: WhereFacts;
}

// ---------------------------------------------------------------------------------------------
// Settings → targets (pure)

interface HostValue {
  value: string;
  origin: Origin;
}

function hostValue(r: Resolution, key: string): HostValue | undefined {
  const node = lookup(r, key);
  if (node?.type !== "scalar" || typeof node.value !== "string") return undefined;
  const value = rstripSlash(node.value);
  return value.trim() === "" ? undefined : { value, origin: node.origin };
}

interface Credentials {
  mode: AuthFacts["mode"];
  key?: string;
  secret?: string;
  token?: string;
  keyOrigin?: Origin;
  secretOrigin?: Origin;
  tokenOrigin?: Origin;
}

function scalarString(r: Resolution, key: string): { value: string; origin: Origin } | undefined {
  const node = lookup(r, key);
  if (node?.type !== "scalar" || node.value === null || node.value === "") return undefined;
  return { value: String(node.value).trim(), origin: node.origin };
}

export function credentialsOf(r: Resolution): Credentials {
  const token = variableState(r, "CLEARML_AUTH_TOKEN");
  if (token?.status === "set" && typeof token.value === "string" && token.value !== "") {
    return { mode: "token", token: token.value, tokenOrigin: token.origin };
  }
  const key = scalarString(r, "api.credentials.access_key");
  const secret = scalarString(r, "api.credentials.secret_key");
  const mode = key && secret ? "keys" : key ? "key-only" : secret ? "secret-only" : "none";
  return {
    mode,
    key: key?.value,
    secret: secret?.value,
    keyOrigin: key?.origin,
    secretOrigin: secret?.origin,
  };
}

function sameCredentials(a: Credentials, b: Credentials): boolean {
  return a.mode === b.mode && a.key === b.key && a.secret === b.secret && a.token === b.token;
}

function methodOf(r: Resolution): { method: string; origin?: Origin } {
  const node = lookup(r, "api.http.default_method");
  if (node?.type === "scalar" && typeof node.value === "string" && node.value.trim() !== "") {
    const method = node.value.trim().toUpperCase();
    if (["GET", "POST", "PUT"].includes(method)) return { method, origin: node.origin };
  }
  return { method: "GET" };
}

interface VerifySetting {
  verify: boolean;
  text: string;
  path?: string;
  origin?: Origin;
}

/** sdk-config §3 row 23: a bool spelling, else a CA bundle path; null/0 → off. */
function interpretVerify(value: unknown, origin?: Origin): VerifySetting {
  if (typeof value === "boolean") return { verify: value, text: String(value), origin };
  if (value === null || value === undefined) return { verify: false, text: "null", origin };
  if (typeof value === "number") return { verify: value !== 0, text: String(value), origin };
  const text = String(value);
  const b = tryStrtobool(text.trim());
  if (b !== undefined) return { verify: b, text, origin };
  return { verify: true, text, path: text.trim(), origin };
}

function verifySetting(r: Resolution, role: Role): VerifySetting & { scopeNote?: string } {
  const api = lookup(r, "api.verify_certificate");
  const fromApi = api?.type === "scalar"
    ? interpretVerify(api.value, api.origin)
    : { verify: true, text: "true" };
  if (role !== "files" || r.consumer !== "sdk") return fromApi;
  // File transfers read CLEARML_API_HOST_VERIFY_CERT or sdk.api.verify_certificate only.
  const env = variableState(r, "CLEARML_API_HOST_VERIFY_CERT");
  let setting: VerifySetting;
  if (env?.status === "set") setting = interpretVerify(env.value, env.origin);
  else {
    const sdkKey = lookup(r, "sdk.api.verify_certificate");
    setting = sdkKey?.type === "scalar"
      ? interpretVerify(sdkKey.value, sdkKey.origin)
      : { verify: true, text: "true" };
  }
  if (!fromApi.verify && setting.verify) {
    return {
      ...setting,
      scopeNote:
        `api.verify_certificate=${fromApi.text}${
          fromApi.origin ? ` (${formatOrigin(fromApi.origin)})` : ""
        } covers API calls only: uploads to the files server still verify certificates ` +
        "unless CLEARML_API_HOST_VERIFY_CERT is set",
    };
  }
  return setting;
}

interface TargetSpec {
  role: Role;
  url: string;
  origin?: Origin;
  consumers: Consumer[];
  resolution: Resolution;
  credentials?: Credentials;
}

interface Plan {
  targets: TargetSpec[];
  missing: MissingHost[];
}

function missingMessage(r: Resolution, key: string): string {
  const d = r.diagnostics.find((x) => x.subject === key);
  return d?.message ?? `${key} is not set and cannot be derived`;
}

/** The hosts to probe, from the resolved settings of both consumers. Pure. */
export function planTargets(input: DoctorInput): Plan {
  const { sdk, agent } = input;
  const targets: TargetSpec[] = [];
  const missing: MissingHost[] = [];

  const sdkApi = hostValue(sdk, "api.api_server");
  const agentApi = hostValue(agent, "api.api_server");
  const sdkCreds = credentialsOf(sdk);
  const agentCreds = credentialsOf(agent);

  if (!agentApi) {
    missing.push({
      role: "api",
      consumer: "agent",
      message: "the agent has no API host and no built-in default: it stops with " +
        '"Could not find host server definition (missing ~/clearml.conf or Environment ' +
        'CLEARML_API_HOST)"',
    });
  }
  const agentSharesApi = agentApi !== undefined && agentApi.value === sdkApi?.value &&
    sameCredentials(sdkCreds, agentCreds);
  if (sdkApi) {
    targets.push({
      role: "api",
      url: sdkApi.value,
      origin: sdkApi.origin,
      consumers: agentSharesApi ? ["sdk", "agent"] : ["sdk"],
      resolution: sdk,
      credentials: sdkCreds,
    });
  } else {missing.push({
      role: "api",
      consumer: "sdk",
      message: missingMessage(sdk, "api.api_server"),
    });}
  if (agentApi && !agentSharesApi) {
    targets.push({
      role: "api",
      url: agentApi.value,
      origin: agentApi.origin,
      consumers: ["agent"],
      resolution: agent,
      credentials: agentCreds,
    });
  }

  for (const role of ["web", "files"] as const) {
    const key = role === "web" ? "api.web_server" : "api.files_server";
    const sdkHost = hostValue(sdk, key);
    let agentHost: HostValue | undefined = hostValue(agent, key);
    if (!agentHost && agentApi) {
      // The agent derives missing hosts from its API host like the SDK (server-api §1.1).
      const web = () => deriveWebHost(agentApi.value);
      const d = role === "web" ? web() : deriveFilesHost(agentApi.value, web);
      if (d.ok) {
        agentHost = {
          value: d.value,
          origin: { kind: "derived", from: `API host ${agentApi.value} (${d.rule})` },
        };
      }
    }
    const shared = agentHost !== undefined && agentHost.value === sdkHost?.value;
    if (sdkHost) {
      targets.push({
        role,
        url: sdkHost.value,
        origin: sdkHost.origin,
        consumers: shared ? ["sdk", "agent"] : ["sdk"],
        resolution: sdk,
      });
    } else missing.push({ role, consumer: "sdk", message: missingMessage(sdk, key) });
    if (agentHost && !shared) {
      targets.push({
        role,
        url: agentHost.value,
        origin: agentHost.origin,
        consumers: ["agent"],
        resolution: agent,
      });
    }
  }
  return { targets, missing };
}

// ---------------------------------------------------------------------------------------------
// Effects

interface Ctx {
  signal: AbortSignal;
  stepMs: number;
  env: Readonly<Record<string, string>>;
  cwd: string;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOTFOUND: "the name does not resolve",
  EAI_AGAIN: "temporary DNS failure",
  EAI_NONAME: "the name does not resolve",
  ECONNREFUSED: "connection refused: nothing listens on that port",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the peer closed the connection",
  ERR_SSL_WRONG_VERSION_NUMBER: "TLS handshake failed: is this port plain HTTP?",
  EPROTO: "TLS handshake failed",
};

async function step<T>(ctx: Ctx, fn: (signal: AbortSignal) => Promise<T>): Promise<StepResult<T>> {
  const t0 = performance.now();
  const d = deadline(ctx.signal, ctx.stepMs);
  const ms = () => Math.round(performance.now() - t0);
  try {
    const value = await fn(d.signal);
    return { ok: true, ms: ms(), value };
  } catch (e: unknown) {
    if (e instanceof StepTimeout) {
      return { ok: false, ms: ms(), timedOut: true, budget: e.budget, error: e.message };
    }
    if (e instanceof ProxyRefused) {
      return { ok: false, ms: ms(), code: "PROXY_REFUSED", error: e.message };
    }
    const err = e as { code?: unknown; message?: unknown };
    const code = typeof err.code === "string" ? err.code : undefined;
    const message = String(err.message ?? e);
    const human = code && ERRNO_TEXT[code] ? `${ERRNO_TEXT[code]} (${code})` : message;
    return { ok: false, ms: ms(), ...(code ? { code } : {}), error: human };
  } finally {
    d.clear();
  }
}

function lookupAll(hostname: string, signal: AbortSignal): Promise<DnsFacts> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    import("node:dns").then((dns) =>
      dns.lookup(hostname, { all: true }, (err, addresses) => {
        signal.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else {
          resolve({ addresses: addresses.map((a) => ({ address: a.address, family: a.family })) });
        }
      }), reject);
  });
}

async function readPems(path: string, cwd: string): Promise<{ pems: string[]; error?: string }> {
  const full = isAbsolute(path) ? path : resolvePath(cwd, path);
  const hint = path.startsWith("~") ? " (~ is not expanded here)" : "";
  try {
    const info = await stat(full);
    const files = info.isDirectory()
      ? (await readdir(full)).filter((f) => /\.(pem|crt|cer)$|^[0-9a-f]{8}\.\d+$/i.test(f))
        .map((f) => join(full, f))
      : [full];
    const pems: string[] = [];
    for (const f of files) {
      const text = await readFile(f, "utf8");
      for (
        const m of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)
      ) {
        pems.push(m[0]);
      }
    }
    return pems.length ? { pems } : { pems, error: "holds no PEM certificate" };
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    return {
      pems: [],
      error: code === "ENOENT" ? `does not exist${hint}` : `cannot be read (${code ?? String(e)})`,
    };
  }
}

interface Trust {
  facts: TrustFacts;
  /** The CA list for verification (undefined: the runtime's default store). */
  ca?: string[];
  /** A bundle replaced the default store. */
  replacesDefault: boolean;
}

async function buildTrust(target: TargetSpec, ctx: Ctx): Promise<Trust> {
  const v = verifySetting(target.resolution, target.role);
  const facts: TrustFacts = {
    verify: v.verify,
    verifyText: v.text,
    ...(v.origin ? { verifyOrigin: v.origin } : {}),
    ...(v.scopeNote ? { scopeNote: v.scopeNote } : {}),
  };
  let bundle: CaFile | undefined;
  if (v.path !== undefined) {
    bundle = { path: v.path, source: v.origin ? formatOrigin(v.origin) : "api.verify_certificate" };
  } else {
    for (const name of ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"]) {
      const value = ctx.env[name]?.trim();
      if (value) {
        bundle = { path: value, source: `env ${name}` };
        break;
      }
    }
  }
  let ca: string[] | undefined;
  if (bundle) {
    const r = await readPems(bundle.path, ctx.cwd);
    bundle.certs = r.pems.length;
    if (r.error) bundle.error = r.error;
    ca = r.pems;
    facts.bundle = bundle;
  }
  const extraPath = ctx.env["NODE_EXTRA_CA_CERTS"]?.trim();
  if (extraPath) {
    const extra: CaFile = { path: extraPath, source: "env NODE_EXTRA_CA_CERTS" };
    const r = await readPems(extraPath, ctx.cwd);
    extra.certs = r.pems.length;
    if (r.error) extra.error = r.error;
    facts.extra = extra;
    if (r.pems.length) ca = [...(ca ?? (await loadTls()).rootCertificates), ...r.pems];
  }
  return { facts, ca, replacesDefault: bundle !== undefined };
}

function formatName(name: unknown): string {
  if (!name || typeof name !== "object") return "";
  return Object.entries(name as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : String(v)}`)
    .join(", ");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** OpenSSL's `Nov 24 13:24:05 2026 GMT`. */
export function parseCertDate(text: string): number {
  const m = /^(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  if (m) {
    const month = MONTHS.indexOf(m[1]!);
    if (month >= 0) {
      return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    }
  }
  return Date.parse(text);
}

function certFacts(cert: tls.PeerCertificate, now: number): CertFacts {
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  const to = parseCertDate(cert.valid_to);
  return {
    subject,
    issuer,
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    daysLeft: Number.isNaN(to) ? 0 : Math.floor((to - now) / 86_400_000),
    selfSigned: subject === issuer,
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
    ...(cert.fingerprint256 ? { fingerprint256: cert.fingerprint256 } : {}),
  };
}

async function handshake(
  opts: ConnectOptions,
  hostname: string,
  signal: AbortSignal,
): Promise<TlsFacts> {
  const channel = await openChannel(opts, signal);
  const s = channel.tlsSocket!;
  try {
    const now = Date.now();
    const tls = await loadTls();
    const leaf = s.getPeerCertificate(true) as tls.DetailedPeerCertificate;
    const chain: CertFacts[] = [];
    const seen = new Set<string>();
    let cert: tls.DetailedPeerCertificate | undefined = leaf && leaf.subject ? leaf : undefined;
    while (cert && chain.length < 10) {
      const id = cert.fingerprint256 ?? `${formatName(cert.subject)}|${cert.serialNumber}`;
      if (seen.has(id)) break;
      seen.add(id);
      chain.push(certFacts(cert, now));
      const next: tls.DetailedPeerCertificate | undefined = cert.issuerCertificate;
      cert = next && next.subject ? next : undefined;
    }
    const identity = leaf && leaf.subject ? tls.checkServerIdentity(hostname, leaf) : undefined;
    const error = s.authorizationError;
    return {
      protocol: s.getProtocol() ?? undefined,
      authorized: s.authorized,
      ...(error ? { authorizationError: String((error as { code?: string }).code ?? error) } : {}),
      ...(identity ? { hostnameError: identity.message } : {}),
      chain,
    };
  } finally {
    s.destroy();
  }
}

/** What an answer is: the ClearML API envelope, a web page, other JSON, text. */
export function describeResponse(r: HttpResponse): HttpFacts {
  const facts: HttpFacts = {
    status: r.status,
    statusText: r.statusText,
    kind: "empty",
    ...(r.headers["content-type"] ? { contentType: r.headers["content-type"] } : {}),
    ...(r.headers["server"] ? { server: r.headers["server"] } : {}),
  };
  const body = r.body.trim();
  if (body === "") return facts;
  const type = (r.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("json") || body.startsWith("{") || body.startsWith("[")) {
    try {
      const json: unknown = JSON.parse(body);
      facts.kind = "json";
      if (json && typeof json === "object" && !Array.isArray(json)) {
        const meta = (json as { meta?: unknown }).meta;
        if (meta && typeof meta === "object" && "result_code" in meta) {
          facts.kind = "clearml-api";
          const m = meta as Record<string, unknown>;
          const endpoint = (m.endpoint ?? {}) as Record<string, unknown>;
          const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
          facts.envelope = {
            ...(typeof m.result_code === "number" ? { resultCode: m.result_code } : {}),
            ...(typeof m.result_subcode === "number" ? { resultSubcode: m.result_subcode } : {}),
            ...(typeof m.result_msg === "string" ? { resultMsg: m.result_msg } : {}),
            ...(str(endpoint.name) !== undefined ? { endpoint: str(endpoint.name) } : {}),
            ...(str(endpoint.requested_version) !== undefined
              ? { requestedVersion: str(endpoint.requested_version) }
              : {}),
            ...(str(endpoint.actual_version) !== undefined
              ? { actualVersion: str(endpoint.actual_version) }
              : {}),
          };
          const data = (json as { data?: unknown }).data;
          if (data && typeof data === "object") {
            const d = data as Record<string, unknown>;
            if (typeof d.msg === "string") facts.msg = d.msg;
            if (typeof d.version === "string") facts.version = d.version;
            if (typeof d.api_version === "string") facts.apiVersion = d.api_version;
            if (typeof d.build === "string") facts.build = d.build;
          }
        }
      }
      return facts;
    } catch {
      // not JSON after all: fall through
    }
  }
  if (type.includes("html") || /^<(!doctype|html)/i.test(body)) {
    facts.kind = "html";
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body)?.[1]?.trim();
    if (title) facts.title = title.replace(/\s+/g, " ").slice(0, 80);
  } else facts.kind = "text";
  facts.snippet = maskUrlPassword(body.replace(/\s+/g, " ").slice(0, 120));
  return facts;
}

function decodeClaims(token: string): TokenFacts | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    const identity = (json.identity ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    const out: TokenFacts = {};
    const set = (k: keyof TokenFacts, v: string | number | undefined) => {
      if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    };
    set("apiVersion", str(json.api_version));
    set("serverVersion", str(json.server_version));
    set("user", str(identity.user_name));
    set("company", str(identity.company_name));
    set("role", str(identity.role));
    if (typeof json.exp === "number") {
      set("expiresInDays", Math.floor((json.exp * 1000 - Date.now()) / 86_400_000));
    }
    return out;
  } catch {
    return undefined;
  }
}

const MARKER_KEY = "clearml_doctor";

function endpointOf(facts: UrlFacts): Endpoint {
  return { host: facts.hostname!, port: facts.port!, tls: facts.scheme === "https" };
}

/** What the client would log in with, secrets reduced to facts. */
function authFacts(creds: Credentials): AuthFacts {
  return {
    mode: creds.mode,
    explicit: [creds.keyOrigin, creds.secretOrigin, creds.tokenOrigin].some((o) =>
      o !== undefined && o.kind !== "default"
    ),
    ...(creds.key ? { accessKey: lastFour(creds.key) } : {}),
    ...(creds.keyOrigin ? { accessKeyOrigin: creds.keyOrigin } : {}),
    ...(creds.secretOrigin ? { secretOrigin: creds.secretOrigin } : {}),
    ...(creds.tokenOrigin ? { tokenOrigin: creds.tokenOrigin } : {}),
  };
}

/** debug.ping, then server.info, a GET with a body and auth.login; fills `api`. */
async function probeApi(
  creds: Credentials,
  api: ApiFacts,
  host: HostProbe,
  opts: ConnectOptions,
  ctx: Ctx,
): Promise<void> {
  const auth = api.auth;
  const base = host.url.path;
  const headers = {
    Accept: "application/json",
    "User-Agent": `clearml-doctor/${VERSION}`,
    "X-ClearML-Client": `clearml-doctor-${VERSION}`,
  };
  const call = (
    method: string,
    endpoint: string,
    extra: { headers?: Record<string, string>; body?: string } = {},
    via: ConnectOptions = opts,
  ) =>
    step(ctx, async (signal) => {
      const r = await httpRequest(via, {
        method,
        path: `${base}/${endpoint}`,
        headers: { ...headers, ...extra.headers },
        ...(extra.body !== undefined ? { body: extra.body } : {}),
      }, signal);
      return { response: r, facts: describeResponse(r) };
    });
  const factsOnly = <T extends { facts: HttpFacts }>(s: StepResult<T>): StepResult<HttpFacts> => {
    const { value, ...rest } = s;
    return value ? { ...rest, value: value.facts } : rest;
  };

  const ping = await call("GET", "debug.ping");
  api.ping = factsOnly(ping);
  const isApi = ping.value?.facts.kind === "clearml-api";
  if (!isApi && opts.proxy) {
    api.direct = factsOnly(await call("GET", "debug.ping", {}, { ...opts, proxy: undefined }));
  }
  if (!isApi) {
    // Never send the keys to something that is not the API.
    api.skipped = ping.ok ? "debug.ping was not answered by the ClearML API" : "debug.ping failed";
    auth.skipped = ping.ok ? "the host is not the ClearML API" : "the API host did not answer";
    return;
  }

  const nonce = Math.random().toString(36).slice(2, 10);
  const body = JSON.stringify({ [MARKER_KEY]: nonce });
  const withBody = (method: string) =>
    call(method, "debug.ping", { headers: { "Content-Type": "application/json" }, body }).then(
      (s) => {
        const out = factsOnly(s);
        if (s.value && out.value) {
          let echoed = false;
          try {
            const json = JSON.parse(s.value.response.body) as { data?: Record<string, unknown> };
            echoed = json.data?.[MARKER_KEY] === nonce;
          } catch {
            echoed = false;
          }
          out.value = { ...out.value, echoed };
        }
        return out;
      },
    );

  const login = async (): Promise<StepResult<LoginFacts> | undefined> => {
    let authorization: string;
    if (creds.mode === "token") authorization = `Bearer ${creds.token}`;
    else if (creds.mode === "keys") {
      authorization = `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString("base64")}`;
    } else {
      auth.skipped = creds.mode === "none"
        ? "no credentials are set"
        : creds.mode === "key-only"
        ? "an access key without a secret key"
        : "a secret key without an access key";
      return undefined;
    }
    const s = await call(host.method, "auth.login", { headers: { Authorization: authorization } });
    const out = factsOnly(s) as StepResult<LoginFacts>;
    if (s.value && out.value) {
      try {
        const json = JSON.parse(s.value.response.body) as { data?: { token?: unknown } };
        const token = json.data?.token;
        if (typeof token === "string") {
          const claims = decodeClaims(token);
          if (claims) out.value = { ...out.value, token: claims };
        }
      } catch {
        // not JSON: the facts say what it was
      }
    }
    return out;
  };

  const [info, getBody, loginResult] = await Promise.all([
    call("GET", "server.info").then(factsOnly),
    withBody("GET"),
    login(),
  ]);
  api.info = info;
  api.getBody = getBody;
  if (loginResult) auth.login = loginResult;
  if (!(getBody.ok && getBody.value?.status === 200 && getBody.value.echoed)) {
    api.postBody = await withBody("POST");
  }
}

async function probeTarget(target: TargetSpec, ctx: Ctx): Promise<HostProbe> {
  const url = urlFacts(target.url, target.role);
  const m = methodOf(target.resolution);
  const host: HostProbe = {
    role: target.role,
    consumers: target.consumers,
    url,
    ...(target.origin ? { origin: target.origin } : {}),
    method: m.method,
    ...(m.origin ? { methodOrigin: m.origin } : {}),
    proxy: {},
  };
  if (target.role === "api") {
    // Local facts: known even when the network steps stop early.
    host.api = { auth: authFacts(target.credentials ?? { mode: "none" }) };
  }
  if (!url.ok) {
    host.skipped = "the URL is not usable";
    return host;
  }
  const choice = chooseProxy(
    ctx.env,
    url.scheme!,
    url.hostname!,
    url.explicitPort ? url.port : undefined,
  );
  host.proxy = {
    ...(choice.url ? { url: maskUrlPassword(choice.url) } : {}),
    ...(choice.variable ? { variable: choice.variable } : {}),
    ...(choice.bypassEntry !== undefined ? { bypassEntry: choice.bypassEntry } : {}),
    ...(choice.bypassVariable ? { bypassVariable: choice.bypassVariable } : {}),
    ...(choice.unsupported ? { unsupported: choice.unsupported } : {}),
  };
  const proxy = choice.endpoint;
  const endpoint = endpointOf(url);
  const trust = endpoint.tls ? await buildTrust(target, ctx) : undefined;
  if (trust) host.trust = trust.facts;

  host.dns = await step(ctx, (signal) => lookupAll(url.hostname!, signal));
  if (!host.dns.ok && !proxy) {
    host.skipped = "the host name did not resolve";
    return host;
  }
  host.tcp = await step(ctx, async (signal) => {
    const socket = await tcpConnect(
      proxy?.host ?? endpoint.host,
      proxy?.port ?? endpoint.port,
      signal,
    );
    const facts: TcpFacts = {
      ...(socket.remoteAddress ? { address: socket.remoteAddress } : {}),
      port: proxy?.port ?? endpoint.port,
      via: proxy ? "proxy" : "direct",
    };
    socket.destroy();
    return facts;
  });
  if (!host.tcp.ok) {
    host.skipped = proxy
      ? "the proxy did not accept a connection"
      : "the port did not accept a connection";
    return host;
  }
  const opts: ConnectOptions = { target: endpoint, ...(proxy ? { proxy } : {}) };
  if (trust) {
    const tls = await loadTls();
    host.tls = await step(ctx, async (signal) => {
      // Always an explicit CA list: on the runtime's shared default context, Deno resumes an
      // earlier session and then reports it as verified.
      const facts = await handshake(
        { ...opts, ca: trust.ca ?? [...tls.rootCertificates] },
        url.hostname!,
        signal,
      );
      if (!facts.authorized && trust.replacesDefault) {
        const other = await handshake(
          { ...opts, ca: [...tls.rootCertificates] },
          url.hostname!,
          signal,
        );
        facts.defaultStore = {
          authorized: other.authorized,
          ...(other.authorizationError ? { error: other.authorizationError } : {}),
        };
      }
      return facts;
    });
    if (!host.tls.ok) {
      host.skipped = "the TLS handshake did not complete";
      return host;
    }
  }
  if (target.role === "api") {
    await probeApi(target.credentials ?? { mode: "none" }, host.api!, host, opts, ctx);
  } else {
    host.http = await step(ctx, async (signal) =>
      describeResponse(
        await httpRequest(opts, {
          method: "GET",
          path: `${url.path}/`,
          headers: { Accept: "*/*", "User-Agent": `clearml-doctor/${VERSION}` },
        }, signal),
      ));
  }
  return host;
}

export async function probeServer(
  input: DoctorInput,
  tools: ProbeTools,
  options: ServerProbeOptions = {},
): Promise<ServerSnapshot> {
  const where = options.where ??
    await detectContainer(input.env, nodeHostFacts(tools.stepTimeoutMs));
  const vars = proxyVariables(input.env).map((v) => ({
    name: v.name,
    value: maskUrlPassword(v.value),
  }));
  const snapshot: ServerSnapshot = {
    where,
    proxyVariables: vars,
    noProxyWarnings: noProxyWarnings(input.env["no_proxy"] || input.env["NO_PROXY"]),
    stepTimeoutMs: tools.stepTimeoutMs,
    budgetExhausted: false,
    targets: [],
    missing: [],
  };
  const offline = offlineReason(input);
  if (offline) return { ...snapshot, offline };
  const plan = planTargets(input);
  snapshot.missing = plan.missing;
  const ctx: Ctx = {
    signal: tools.signal,
    stepMs: tools.stepTimeoutMs,
    env: input.env,
    cwd: input.cwd,
  };
  snapshot.targets = await Promise.all(
    plan.targets.map((t) =>
      probeTarget(t, ctx).catch((e: unknown): HostProbe => ({
        // A bug in one host's probe must not hide the others.
        role: t.role,
        consumers: t.consumers,
        url: urlFacts(t.url, t.role),
        ...(t.origin ? { origin: t.origin } : {}),
        method: methodOf(t.resolution).method,
        proxy: {},
        skipped: `the probe failed: ${e instanceof Error ? e.message : String(e)}`,
      }))
    ),
  );
  snapshot.budgetExhausted = tools.signal.aborted;
  return snapshot;
}
