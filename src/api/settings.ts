/**
 * How a ClearML client talks to its server, read from one consumer's resolved settings: host,
 * credentials, request method, certificate verification, retries, token renewal, version cap.
 * Pure: the API client and doctor's server probe both read the settings through here.
 */
import { lookup, type Resolution, variableState } from "../settings/resolve.ts";
import { formatOrigin, type Origin } from "../settings/tree.ts";
import { rstripSlash } from "../settings/hosts.ts";
import { tryStrtobool } from "../settings/convert.ts";

export interface Credentials {
  /** keys: access key + secret (Basic); token: CLEARML_AUTH_TOKEN (Bearer). */
  mode: "keys" | "token" | "none" | "key-only" | "secret-only";
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

/** CLEARML_AUTH_TOKEN wins over the key pair (server-api §1.5; agent-exec §5.1 step 4). */
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

export type Method = "GET" | "POST" | "PUT";

/**
 * `api.http.default_method` (CLEARML_API_DEFAULT_REQ_METHOD). `explicit` is false when the user
 * left it alone: the Python clients then send GET, which is why doctor probes with GET.
 */
export function methodOf(r: Resolution): { method: Method; origin?: Origin; explicit: boolean } {
  const node = lookup(r, "api.http.default_method");
  if (node?.type === "scalar" && typeof node.value === "string" && node.value.trim() !== "") {
    const method = node.value.trim().toUpperCase();
    if (method === "GET" || method === "POST" || method === "PUT") {
      return { method, origin: node.origin, explicit: node.origin.kind !== "default" };
    }
  }
  return { method: "GET", explicit: false };
}

export interface VerifySetting {
  verify: boolean;
  /** The value as configured ("true", "false", a path…). */
  text: string;
  /** A CA bundle path that replaces the default store. */
  path?: string;
  origin?: Origin;
}

/** sdk-config §3 row 23: a bool spelling, else a CA bundle path; null/0 → off. */
export function interpretVerify(value: unknown, origin?: Origin): VerifySetting {
  if (typeof value === "boolean") return { verify: value, text: String(value), origin };
  if (value === null || value === undefined) return { verify: false, text: "null", origin };
  if (typeof value === "number") return { verify: value !== 0, text: String(value), origin };
  const text = String(value);
  const b = tryStrtobool(text.trim());
  if (b !== undefined) return { verify: b, text, origin };
  return { verify: true, text, path: text.trim(), origin };
}

export type Role = "api" | "web" | "files";

/**
 * The verification that applies to one host: `api.verify_certificate` (CLEARML_API_HOST_VERIFY_CERT
 * lands there), except the SDK's file transfers, which read only the variable or
 * `sdk.api.verify_certificate` (sdk-config §2.3 item 5).
 */
export function verifySetting(r: Resolution, role: Role): VerifySetting & { scopeNote?: string } {
  const api = lookup(r, "api.verify_certificate");
  const fromApi = api?.type === "scalar"
    ? interpretVerify(api.value, api.origin)
    : { verify: true, text: "true" };
  if (role !== "files" || r.consumer !== "sdk") return fromApi;
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

/** `api.http.retries.*` (urllib3 Retry of the Python clients, server-api §1.10). */
export interface RetryPolicy {
  total: number;
  connect: number;
  read: number;
  status: number;
  backoffFactor: number;
  /** Seconds. */
  backoffMax: number;
  /** HTTP statuses retried: 502, 503, 509, 429 plus api.http.extra_retry_codes. */
  statusCodes: number[];
  /** HTTP 503 ("maintenance") is retried without limit. */
  waitOnMaintenanceForever: boolean;
}

function num(r: Resolution, key: string, fallback: number): number {
  const node = lookup(r, key);
  if (node?.type !== "scalar" || node.value === null || node.value === "") return fallback;
  const n = Number(node.value);
  return Number.isFinite(n) ? n : fallback;
}

function bool(r: Resolution, key: string, fallback: boolean): boolean {
  const node = lookup(r, key);
  if (node?.type !== "scalar") return fallback;
  if (typeof node.value === "boolean") return node.value;
  return typeof node.value === "string" ? tryStrtobool(node.value) ?? fallback : fallback;
}

export function retryPolicy(r: Resolution): RetryPolicy {
  const extra: number[] = [];
  const node = lookup(r, "api.http.extra_retry_codes");
  if (node?.type === "list") {
    for (const item of node.items) {
      const n = item.type === "scalar" ? Number(item.value) : NaN;
      if (Number.isInteger(n)) extra.push(n);
    }
  }
  return {
    total: num(r, "api.http.retries.total", 240),
    connect: num(r, "api.http.retries.connect", 240),
    read: num(r, "api.http.retries.read", 240),
    status: num(r, "api.http.retries.status", 240),
    backoffFactor: num(r, "api.http.retries.backoff_factor", 1),
    backoffMax: num(r, "api.http.retries.backoff_max", 120),
    statusCodes: [502, 503, 509, 429, ...extra],
    waitOnMaintenanceForever: bool(r, "api.http.wait_on_maintenance_forever", true),
  };
}

/**
 * Connect retries of the first connection (the login): CLEARML_AGENT_INITIAL_CONNECT_RETRY_OVERRIDE
 * for the agent (an integer gives abs(int), another true value 4, false keeps the configuration;
 * unset means 4 except for `execute`, agent-exec T27-T28).
 */
export function initialConnectRetries(r: Resolution, command: "execute" | "other"): number {
  const policy = retryPolicy(r);
  if (r.consumer !== "agent") return policy.connect;
  const s = variableState(r, "CLEARML_AGENT_INITIAL_CONNECT_RETRY_OVERRIDE");
  if (s?.status === "set") {
    if (typeof s.value === "number") return s.value;
    if (s.value === false) return policy.connect;
    return 4;
  }
  return command === "execute" ? policy.connect : 4;
}

export interface ClientSettings {
  /** `api.api_server`, trailing slashes removed; undefined when not configured. */
  host?: string;
  hostOrigin?: Origin;
  credentials: Credentials;
  method: { method: Method; explicit: boolean };
  verify: VerifySetting;
  retries: RetryPolicy;
  /** Renew the token when fewer seconds than this are left (`api.auth.token_expiration_threshold_sec`). */
  tokenThresholdSec: number;
  /** `api.auth.req_token_expiration_sec`: asked of auth.login as `expiration_sec`. */
  requestTokenExpirationSec?: number;
  /** CLEARML_FORCE_MAX_API_VERSION / CLEARML_AGENT_FORCE_MAX_API_VERSION. */
  maxApiVersion?: string;
  /** `api.http.max_req_size`: log batches are cut below it. */
  maxRequestBytes: number;
}

export function clientSettings(r: Resolution): ClientSettings {
  const hostNode = lookup(r, "api.api_server");
  const host = hostNode?.type === "scalar" && typeof hostNode.value === "string" &&
      hostNode.value.trim() !== ""
    ? rstripSlash(hostNode.value.trim())
    : undefined;
  const m = methodOf(r);
  const forced = variableState(
    r,
    r.consumer === "agent"
      ? "CLEARML_AGENT_FORCE_MAX_API_VERSION"
      : "CLEARML_FORCE_MAX_API_VERSION",
  );
  const reqExp = lookup(r, "api.auth.req_token_expiration_sec");
  return {
    ...(host ? { host, ...(hostNode ? { hostOrigin: hostNode.origin } : {}) } : {}),
    credentials: credentialsOf(r),
    method: { method: m.method, explicit: m.explicit },
    verify: verifySetting(r, "api"),
    retries: retryPolicy(r),
    tokenThresholdSec: num(r, "api.auth.token_expiration_threshold_sec", 360),
    ...(reqExp?.type === "scalar" && typeof reqExp.value === "number"
      ? { requestTokenExpirationSec: reqExp.value }
      : {}),
    ...(forced?.status === "set" && typeof forced.value === "string" && forced.value.trim()
      ? { maxApiVersion: forced.value.trim() }
      : {}),
    maxRequestBytes: num(r, "api.http.max_req_size", 15_728_640),
  };
}
