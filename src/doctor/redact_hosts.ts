/**
 * `doctor --report --redact-hosts`: the host names and addresses this run knows about (configured
 * hosts, the addresses they resolved to, the machine's own name), each replaced by a stable
 * placeholder. Only these: a dotted word such as a check id (`server.api`) or a path
 * (`/var/run/docker.sock`) is not a host. Pure: the CLI gathers the names.
 */
import type { ConfNode } from "../settings/tree.ts";
import { leaves } from "../settings/tree.ts";

/** What the run knows: resolved configuration trees, the environment, check evidence, this machine. */
export interface HostSources {
  trees: readonly ConfNode[];
  env: Readonly<Record<string, string>>;
  /** Check evidence: addresses found under `address`/`addresses`/`host`/`hostname` keys. */
  evidence: readonly unknown[];
  /** `os.hostname()`. */
  machine: string;
}

const HOST_KEY = /^(?:address|addresses|host|hostname|ip|ips|git_host)$/i;
const HOST_VALUE =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)$/;
/** Host names are at most 253 characters: longer values are not looked at (and stay linear). */
const MAX_HOST = 255;
/** Names that are not anyone's host: redacting them hides nothing and garbles the report. */
const NOT_PRIVATE = new Set(["localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal"]);

/** Ends a host in a URL: whitespace, a path, a port, a query, a fragment, quotes, brackets. */
const HOST_END = /[\s/:?#'"\]@]/;

/** The host of every `scheme://[userinfo@]host` in `text`, found in one pass. */
function hostsInText(text: string, out: Set<string>): void {
  for (let sep = text.indexOf("://"); sep >= 0; sep = text.indexOf("://", sep + 3)) {
    if (!/[A-Za-z]/.test(text[sep - 1] ?? "")) continue;
    let start = sep + 3;
    let end = start;
    // userinfo: up to an `@` before the path
    while (end < text.length && !/[\s/@]/.test(text[end]!)) end++;
    if (text[end] === "@") start = end + 1;
    if (text[start] === "[") {
      const close = text.indexOf("]", start);
      if (close > start && close - start <= MAX_HOST) out.add(text.slice(start + 1, close));
      continue;
    }
    end = start;
    while (end < text.length && end - start <= MAX_HOST && !HOST_END.test(text[end]!)) end++;
    if (end > start && end - start <= MAX_HOST) out.add(text.slice(start, end));
  }
}

const isHost = (value: string) => value.length <= MAX_HOST && HOST_VALUE.test(value);

function fromEvidence(value: unknown, key: string, out: Set<string>): void {
  if (typeof value === "string") {
    if (HOST_KEY.test(key) && isHost(value)) out.add(value.replace(/^\[|\]$/g, ""));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) fromEvidence(item, key, out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) fromEvidence(v, k, out);
  }
}

/** The host names and addresses to redact, longest first. */
export function knownHosts(src: HostSources): string[] {
  const out = new Set<string>();
  for (const tree of src.trees) {
    for (const [path, node] of leaves(tree)) {
      if (node.type !== "scalar" || typeof node.value !== "string") continue;
      hostsInText(node.value, out);
      const last = path[path.length - 1] ?? "";
      if (HOST_KEY.test(last) && isHost(node.value)) out.add(node.value);
    }
  }
  for (const [name, value] of Object.entries(src.env)) {
    if (/^(CLEARML|TRAINS)_|_proxy$/i.test(name)) hostsInText(value, out);
  }
  fromEvidence(src.evidence, "", out);
  if (src.machine) {
    out.add(src.machine);
    out.add(src.machine.split(".")[0] as string);
  }
  return [...out]
    .filter((h) => h !== "" && !NOT_PRIVATE.has(h.toLowerCase()))
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `text` with every whole occurrence of a known host replaced by `<host-N>` (the same host, in
 * any case, gets the same N). Whole: not inside a longer name, so `vm` is redacted in `vm:0` and
 * `registers as vm`, but not in `vmstat` or `vm.example.org` (unless that is known too).
 */
export function redactHosts(text: string, hosts: readonly string[]): string {
  if (hosts.length === 0) return text;
  const pattern = new RegExp(
    `(?<![A-Za-z0-9_.-])(?:${hosts.map(escape).join("|")})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`,
    "gi",
  );
  const seen = new Map<string, string>();
  return text.replace(pattern, (h) => {
    const key = h.toLowerCase();
    if (!seen.has(key)) seen.set(key, `<host-${seen.size + 1}>`);
    return seen.get(key)!;
  });
}
