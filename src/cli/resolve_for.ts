import type { Snapshot } from "./snapshot.ts";
import type { ObjectNode } from "../settings/tree.ts";
import { nodeFsView } from "../settings/node_fs_view.ts";
import { type FlagValue, type Resolution, resolve } from "../settings/resolve.ts";
import type { Consumer } from "../settings/variable.ts";
import { applyAgentStart } from "../settings/agent_start.ts";

/** Resolve one consumer's settings from a snapshot against the real file system. */
export function resolveFor(
  snap: Snapshot,
  consumer: Consumer,
  flags: FlagValue[] = [],
): Resolution {
  return resolve({
    consumer,
    env: snap.env,
    envFromFile: snap.envFromFile,
    home: snap.home,
    cwd: snap.cwd,
    fs: nodeFsView,
    configFile: snap.configFile,
    flags,
  });
}

/**
 * As `resolveFor`, plus, for the agent, the values its Session derives from this machine when it
 * starts (host name, Python, and the run's CUDA detection).
 */
export function resolveAsStarted(snap: Snapshot, consumer: Consumer): Promise<Resolution> {
  const r = resolveFor(snap, consumer);
  // not an async function: the SDK's start runs no second code block for it
  return consumer === "agent" ? asStartedAgent(r, snap) : Promise.resolve(r);
}

async function asStartedAgent(r: Resolution, snap: Snapshot): Promise<Resolution> {
  // Loaded here: the machine probes (and node:fs/promises) cost the SDK's `config show` nothing.
  const { gatherAgentStartFacts } = await import("../platform/agent_start_facts.ts");
  const facts = await gatherAgentStartFacts(r, snap.env, snap.cwd);
  // A tree in, a tree out: the root stays an object.
  return { ...r, tree: applyAgentStart(r.tree, facts) as ObjectNode };
}
