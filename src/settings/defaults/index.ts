/**
 * The built-in default configuration of each consumer: what the SDK or the agent sees before any
 * file, variable or flag. The two differ: the SDK packages `api`, `sdk` and two `logging` files;
 * the agent packages `agent`, `api`, `sdk` and one `logging` file (see `logging.ts`).
 */
import type { Consumer } from "../variable.ts";
import type { ObjectNode, Plain } from "../tree.ts";
import { fromPlain } from "../tree.ts";
import { agentDefaults } from "./agent.ts";
import { API_DEFAULTS } from "./api.ts";
import { loggingDefaultsFor } from "./logging.ts";
import { SDK_DEFAULTS } from "./sdk.ts";
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
