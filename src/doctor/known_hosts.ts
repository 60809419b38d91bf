/**
 * `knownHostMatch()`: whether an OpenSSH `known_hosts` text has a key for a host, the way `ssh`
 * looks it up: the name is `host` on port 22 and `[host]:port` otherwise, patterns may use `*`,
 * `?` and `!negation`, and hashed entries (`|1|salt|hash`, `HashKnownHosts yes`) are compared by
 * HMAC-SHA1 of the name keyed with the salt. Pure.
 */
import { globMatch } from "./glob_match.ts";
import { Buffer } from "node:buffer";

export interface KnownHostMatch {
  /** A plain or hashed entry names the host (a `@revoked` line does not count). */
  found: boolean;
  /** The match was on a hashed entry. */
  hashed: boolean;
  /** A `@revoked` line names the host: ssh refuses that key. */
  revoked: boolean;
  /** Entries (lines with a key) in the text. */
  entries: number;
  /** Of which hashed. */
  hashedEntries: number;
}

/** The name ssh looks up: `host`, or `[host]:port` for another port than 22. */
export function knownHostName(host: string, port?: number | null): string {
  const h = host.toLowerCase();
  return port && port !== 22 ? `[${h}]:${port}` : h;
}

/** A comma-separated pattern list: any positive match and no negated match. */
function patternListMatches(list: string, name: string): boolean {
  let matched = false;
  for (const raw of list.split(",")) {
    if (raw === "") continue;
    if (raw.startsWith("!")) {
      if (globMatch(raw.slice(1), name)) return false;
    } else if (globMatch(raw, name)) matched = true;
  }
  return matched;
}

function hashedMatches(entry: string, name: string): boolean {
  const parts = entry.split("|");
  // ["", "1", salt, hash]
  if (parts.length !== 4 || parts[1] !== "1") return false;
  try {
    const salt = Buffer.from(parts[2]!, "base64");
    // node:crypto on first use: a static import costs every command at startup
    const { createHmac } = process.getBuiltinModule("node:crypto");
    const digest = createHmac("sha1", salt).update(name).digest("base64");
    return digest === parts[3];
  } catch {
    return false;
  }
}

export function knownHostMatch(
  text: string,
  host: string,
  port?: number | null,
): KnownHostMatch {
  const name = knownHostName(host, port);
  const out: KnownHostMatch = {
    found: false,
    hashed: false,
    revoked: false,
    entries: 0,
    hashedEntries: 0,
  };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith("@")) marker = fields.shift();
    const hosts = fields[0];
    if (hosts === undefined || fields.length < 3) continue;
    out.entries++;
    const isHashed = hosts.startsWith("|");
    if (isHashed) out.hashedEntries++;
    const matches = isHashed ? hashedMatches(hosts, name) : patternListMatches(hosts, name);
    if (!matches) continue;
    if (marker === "@revoked") out.revoked = true;
    else if (marker === undefined) {
      out.found = true;
      if (isHashed) out.hashed = true;
    }
  }
  return out;
}
