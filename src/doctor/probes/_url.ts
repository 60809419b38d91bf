/**
 * Is a configured server URL usable as the ClearML clients use it (they append
 * `/<service>.<action>` to it)? Pure; the snapshot keeps the verdict so checks stay pure.
 */
import { maskUrlPassword } from "../../settings/mask.ts";
import { rstripSlash } from "../../settings/hosts.ts";

export type Role = "api" | "web" | "files";

export interface UrlProblem {
  level: "error" | "warning";
  message: string;
}

export interface UrlFacts {
  /** The URL as configured, password masked. */
  display: string;
  ok: boolean;
  scheme?: "http" | "https";
  /** Host name or IP literal, lower-case, without brackets. */
  hostname?: string;
  /** Effective port (explicit, else 80/443). */
  port?: number;
  explicitPort: boolean;
  /** Path after the host, without a trailing slash ("" for none). */
  path: string;
  problems: UrlProblem[];
}

const ENDPOINT_TAIL = /\/(?:v\d+(?:\.\d+)?|[A-Za-z_]\w*\.[A-Za-z_]\w+)$/;

export function urlFacts(url: string, role: Role): UrlFacts {
  const display = maskUrlPassword(url);
  const facts: UrlFacts = { display, ok: false, explicitPort: false, path: "", problems: [] };
  const error = (message: string) => facts.problems.push({ level: "error", message });
  const warning = (message: string) => facts.problems.push({ level: "warning", message });

  if (url.trim() === "") {
    error("the URL is empty");
    return facts;
  }
  if (/^["']|["']$/.test(url.trim())) {
    error("the URL is wrapped in quotes, which became part of the value");
    return facts;
  }
  if (url !== url.trim()) error("the URL has leading or trailing whitespace");
  const text = url.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (!scheme) {
    const guess = /^[^/]*:\d+/.test(text) ? `http://${text}` : `https://${text}`;
    error(
      `no scheme: Python reads "${display}" as scheme "${text.split(":")[0]}"; ` +
        `write ${maskUrlPassword(guess)}`,
    );
    return facts;
  }
  if (scheme !== "http" && scheme !== "https") {
    error(`scheme ${scheme}:// is not http:// or https://`);
    return facts;
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    error("the URL does not parse (bad host or port)");
    return facts;
  }
  const hostname = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (!hostname) {
    error("the URL has no host");
    return facts;
  }
  facts.scheme = scheme;
  facts.hostname = hostname;
  facts.explicitPort = u.port !== "";
  facts.port = u.port ? Number(u.port) : scheme === "https" ? 443 : 80;
  facts.path = rstripSlash(u.pathname);

  if (u.username || u.password) {
    warning("the URL carries user credentials; ClearML sends its keys separately");
  }
  if (u.search || u.hash) {
    const what = u.search ? "a query string" : "a fragment";
    const message = `the URL has ${what}; clients append /<service>.<action> after it`;
    if (role === "api") error(message);
    else warning(message);
  }
  if (role === "api" && ENDPOINT_TAIL.test(facts.path)) {
    error(
      `the path ends with ${facts.path.slice(facts.path.lastIndexOf("/"))}: clients append ` +
        `/<service>.<action> themselves, so give the server's base URL`,
    );
  }
  if (hostname === "0.0.0.0" || hostname === "::") {
    warning(`${hostname} is a listen-on-everything address, not a server's address`);
  }
  facts.ok = !facts.problems.some((p) => p.level === "error");
  return facts;
}

/** Host names that mean "this machine" (or, inside a container, "this container"). */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h) ||
    h === "::1" || h === "0.0.0.0" || h === "::";
}

/** Private or single-label names that only resolve inside one network. */
export function isInternalHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (isLoopback(h)) return true;
  if (/^10\./.test(h) || /^192\.168\./.test(h) || /^172\.(1[6-9]|2\d|3[01])\./.test(h)) return true;
  if (/^(fc|fd)[0-9a-f]{2}:/.test(h)) return true;
  if (!h.includes(".") && !h.includes(":")) return true;
  return /\.(local|internal|lan|intranet|corp|home\.arpa|svc|cluster\.local)$/.test(h);
}
