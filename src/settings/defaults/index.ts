/**
 * The built-in default configuration of each consumer: what the SDK or the agent sees before any
 * file, variable or flag. The two differ: the SDK packages `api`, `sdk` and two `logging` files;
 * the agent packages `agent`, `api`, `sdk` and one `logging` file (see `logging.ts`).
 */
import type { Consumer } from "../variable.ts";
import type { ObjectNode, Plain } from "../tree.ts";
import { fromPlain, leaves } from "../tree.ts";
import { AGENT_DOCUMENTED_KEYS, agentDefaults } from "./agent.ts";
import { API_DEFAULTS, API_DOCUMENTED_KEYS } from "./api.ts";
import { loggingDefaultsFor } from "./logging.ts";
import { SDK_DEFAULTS, SDK_DOCUMENTED_KEYS } from "./sdk.ts";
import { agentApiDefaults, agentLoggingDefaults, agentSdkDefaults } from "./agent_packaged.ts";

/** The sections, sharing the constants: for callers that copy them. */
function sectionsOf(consumer: Consumer): { [key: string]: Plain } {
  if (consumer === "agent") {
    // The agent ships its own, older copies of the SDK's files (agent_packaged.ts).
    return {
      agent: agentDefaults(),
      api: agentApiDefaults(),
      sdk: agentSdkDefaults(),
      logging: agentLoggingDefaults(),
    };
  }
  return { api: API_DEFAULTS, sdk: SDK_DEFAULTS, logging: loggingDefaultsFor(consumer) };
}

/** The packaged defaults of `consumer` as plain data, sections in the order they are loaded. */
export function defaultsPlainFor(consumer: Consumer): { [key: string]: Plain } {
  // A copy, so that no caller can alter the shared constants.
  return structuredClone(sectionsOf(consumer));
}

/** A fresh tree of the packaged defaults of `consumer`; callers may modify it freely. */
export function defaultsFor(consumer: Consumer): ObjectNode {
  const source = consumer === "agent" ? "agent defaults" : "sdk defaults";
  // fromPlain builds new nodes (it never keeps or alters its input): no copy needed first.
  return fromPlain(sectionsOf(consumer), { kind: "default", source }) as ObjectNode;
}

/** A dotted key, with segments that hold a dot quoted so that `splitPath` reads them back. */
function joinPath(path: readonly string[]): string {
  return path.map((seg) => (seg.includes(".") ? `"${seg}"` : seg)).join(".");
}

/**
 * The strings before each `.` of `key` (`a`, `a.b` for `a.b.c`): `key.startsWith(p + ".")` holds
 * exactly for these `p`. Looking them up in a set replaces a scan of every other key.
 */
export function dottedPrefixes(key: string): string[] {
  const out: string[] = [];
  for (let i = key.indexOf("."); i >= 0; i = key.indexOf(".", i + 1)) out.push(key.slice(0, i));
  return out;
}

const knownKeys = new Map<Consumer, readonly string[]>();

/**
 * Every known leaf key of `consumer`, sorted: the leaves of its packaged defaults plus the keys it
 * reads that ship commented out. For did-you-mean on unknown keys. Built once per consumer.
 */
export function knownConfigKeys(consumer: Consumer): readonly string[] {
  let known = knownKeys.get(consumer);
  if (known === undefined) knownKeys.set(consumer, known = buildKnownKeys(consumer));
  return known;
}

function buildKnownKeys(consumer: Consumer): string[] {
  const keys = new Set(leaves(defaultsFor(consumer)).map(([path]) => joinPath(path)));
  // The agent reads the hosts and keys its own api.conf lacks, and hands sdk.* to the tasks.
  if (consumer === "agent") { for (const key of knownConfigKeys("sdk")) keys.add(key); }
  for (const key of [...API_DOCUMENTED_KEYS, ...SDK_DOCUMENTED_KEYS]) keys.add(key);
  if (consumer === "agent") { for (const key of AGENT_DOCUMENTED_KEYS) keys.add(key); }
  // An object that ships empty (`sdk.google.storage {}`) is not a leaf once its keys are known.
  const inner = new Set<string>();
  for (const key of keys) for (const p of dottedPrefixes(key)) inner.add(p);
  return [...keys].filter((key) => !inner.has(key)).sort();
}
