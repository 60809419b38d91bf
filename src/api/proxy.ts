/**
 * Which proxy the ClearML clients would use for a URL (the API client goes through it, and doctor
 * reports it). They talk through Python `requests`, which
 * reads the proxy variables of urllib (any case; a lower-case name wins, and an empty lower-case
 * value cancels the upper-case one) and decides the bypass with its own loose NO_PROXY rules plus
 * urllib's. Pure: the caller passes the environment.
 */
import type { ProxyEndpoint } from "../runtime/http.ts";

/** The proxy schemes `requests` takes (socks ones with `requests[socks]`), by default port. */
const DEFAULT_PORTS = {
  http: 80,
  https: 443,
  socks4: 1080,
  socks4a: 1080,
  socks5: 1080,
  socks5h: 1080,
} as const;
type ProxyKind = keyof typeof DEFAULT_PORTS;

export interface ProxyVariable {
  name: string;
  value: string;
}

/** Every `*_proxy` variable, in any case, as set (values unmasked: the caller masks). */
export function proxyVariables(env: Readonly<Record<string, string>>): ProxyVariable[] {
  return Object.keys(env)
    .filter((name) => name.toLowerCase().endsWith("_proxy"))
    .sort()
    .map((name) => ({ name, value: env[name] ?? "" }));
}

interface Chosen {
  value: string;
  name: string;
}

/** urllib's getproxies_environment(): scheme → value; lower-case names win. */
export function proxiesFromEnv(env: Readonly<Record<string, string>>): Map<string, Chosen> {
  const out = new Map<string, Chosen>();
  for (const [name, value] of Object.entries(env)) {
    if (value && name.toLowerCase().endsWith("_proxy")) {
      out.set(name.toLowerCase().slice(0, -6), { value, name });
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith("_proxy")) continue;
    const key = name.toLowerCase().slice(0, -6);
    if (value) out.set(key, { value, name });
    else out.delete(key);
  }
  return out;
}

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function inCidr(ip: number[], cidr: string): boolean | undefined {
  const [net, bitsText] = cidr.split("/");
  const base = ipv4(net ?? "");
  const bits = Number(bitsText);
  if (!base || !/^\d{1,2}$/.test(bitsText ?? "") || bits < 1 || bits > 32) return undefined;
  const toInt = (p: number[]) => ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  const mask = bits === 32 ? 0xffffffff : (~(0xffffffff >>> bits)) >>> 0;
  return ((toInt(ip) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
}

/**
 * The NO_PROXY entry that makes `requests` bypass the proxy for this host, or undefined.
 * requests: entries are split on `,` with spaces removed; an IPv4 host matches an equal entry or a
 * CIDR block; any other host matches when it (or `host:port`) merely ends with the entry — so
 * `example.com` also covers `myexample.com`. urllib then adds: the whole value `*` matches all,
 * and a case-insensitive match on a dot boundary.
 */
export function noProxyMatch(
  requestsValue: string | undefined,
  urllibValue: string | undefined,
  hostname: string,
  port: number | undefined,
): string | undefined {
  const host = hostname.toLowerCase();
  if (requestsValue) {
    const entries = requestsValue.replaceAll(" ", "").split(",").filter((e) => e !== "");
    const ip = ipv4(host);
    if (ip) {
      for (const entry of entries) {
        if (entry.includes("/")) {
          if (inCidr(ip, entry)) return entry;
        } else if (entry === host) return entry;
      }
    } else {
      const withPort = port ? `${host}:${port}` : host;
      for (const entry of entries) {
        if (host.endsWith(entry) || withPort.endsWith(entry)) return entry;
      }
    }
  }
  if (urllibValue) {
    if (urllibValue === "*") return "*";
    for (const raw of urllibValue.split(",")) {
      const name = raw.trim().replace(/^\.+/, "").toLowerCase();
      if (!name) continue;
      if (host === name || host.endsWith(`.${name}`)) return raw.trim();
    }
  }
  return undefined;
}

/** Entries `requests` will never match as the user probably meant. */
export function noProxyWarnings(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    if (entry.startsWith("*.")) {
      out.push(
        `NO_PROXY entry ${entry} is a wildcard, which Python requests does not understand: ` +
          `write ${entry.slice(1)} instead`,
      );
    } else if (entry.includes("://")) {
      out.push(`NO_PROXY entry ${entry} has a scheme; entries are host names, domains or IPs`);
    } else if (entry === "*" && value.trim() !== "*") {
      out.push("NO_PROXY contains * among other entries; * only means 'everything' on its own");
    }
  }
  return out;
}

export interface ProxyChoice {
  /** The proxy URL that applies (raw: may hold a password; mask before showing). */
  url?: string;
  /** The variable it came from. */
  variable?: string;
  /** The NO_PROXY entry that bypasses the proxy for this host. */
  bypassEntry?: string;
  bypassVariable?: string;
  /** The proxy URL, parsed, when the client can go through it. */
  endpoint?: ProxyEndpoint;
  /** Why we cannot go through this proxy (an unknown scheme, an unparsable URL). */
  unsupported?: string;
}

/** The proxy `requests` would use for scheme://hostname:port, per the environment. */
export function chooseProxy(
  env: Readonly<Record<string, string>>,
  scheme: string,
  hostname: string,
  port: number | undefined,
): ProxyChoice {
  const proxies = proxiesFromEnv(env);
  const requestsNoProxy = env["no_proxy"] || env["NO_PROXY"];
  const requestsVar = env["no_proxy"] ? "no_proxy" : env["NO_PROXY"] ? "NO_PROXY" : undefined;
  const urllibNo = proxies.get("no");
  const chosen = proxies.get(scheme) ?? proxies.get("all");
  if (!chosen) return {};
  const entry = noProxyMatch(requestsNoProxy, urllibNo?.value, hostname, port);
  if (entry !== undefined) {
    return { bypassEntry: entry, bypassVariable: requestsVar ?? urllibNo?.name };
  }
  const choice: ProxyChoice = { url: chosen.value, variable: chosen.name };
  const text = chosen.value.includes("://") ? chosen.value : `http://${chosen.value}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ...choice, unsupported: `the proxy URL in ${chosen.name} does not parse` };
  }
  const kind = u.protocol.slice(0, -1);
  if (!(kind in DEFAULT_PORTS)) {
    return {
      ...choice,
      unsupported: `${kind} proxies are not probed (http, https, socks4, socks4a, socks5 and ` +
        "socks5h are)",
    };
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) return { ...choice, unsupported: `the proxy URL in ${chosen.name} has no host` };
  const endpoint: ProxyEndpoint = {
    host,
    port: u.port ? Number(u.port) : DEFAULT_PORTS[kind as ProxyKind],
    kind: kind as ProxyKind,
  };
  if (u.username || u.password) {
    const user = decodeURIComponent(u.username);
    const pass = decodeURIComponent(u.password);
    if (kind.startsWith("socks")) {
      endpoint.username = user;
      if (u.password) endpoint.password = pass;
    } else endpoint.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  }
  return { ...choice, endpoint };
}
