/**
 * The local registry of running agents (agent-exec §5.2, `helper/singleton.py`): one file
 * `.clearmlagent_<pid>_<random>.tmp` per live daemon in the temp dir, holding `<worker id>\n<slot>`.
 * A new daemon takes the smallest slot no live agent holds (its id becomes `<name>:<slot>`), a
 * second daemon with the same explicit id is refused, and `--stop` finds daemons to terminate.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";

export interface AgentEntry {
  pid: number;
  id: string;
  slot: number;
  file: string;
}

/** A process with this pid exists (it may belong to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** Live agents by slot; files of dead ones are removed on the way. */
export function liveAgents(dir: string): AgentEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: AgentEntry[] = [];
  for (const name of names) {
    const m = /^\.clearmlagent_(\d+)_\w+\.tmp$/.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const pid = Number(m[1]);
    if (!pidAlive(pid)) {
      rmSync(file, { force: true });
      continue;
    }
    try {
      const [id = "", slot = "0"] = readFileSync(file, "utf8").split("\n");
      out.push({ pid, id, slot: Number(slot) || 0, file });
    } catch {
      // removed meanwhile
    }
  }
  return out.sort((a, b) => a.slot - b.slot || a.pid - b.pid);
}

export interface Registration {
  id: string;
  slot: number;
  release(): void;
}

/**
 * Register this daemon. `idFor(slot)` builds the id when none is configured; an explicit id
 * already held by a live agent is an error, as in clearml-agent.
 */
export function register(
  dir: string,
  explicitId: string | undefined,
  idFor: (slot: number) => string,
): Registration {
  const live = liveAgents(dir);
  if (explicitId && live.some((a) => a.id === explicitId)) {
    throw new ConfigError(
      `Instance with the same WORKER_ID [${explicitId}] is already running ` +
        "(set CLEARML_WORKER_ID or agent.worker_id to another id)",
    );
  }
  const used = new Set(live.map((a) => a.slot));
  let slot = 0;
  while (used.has(slot)) slot++;
  const id = explicitId || idFor(slot);
  // node:crypto on use: loading it costs the start of every command that goes through commander
  const { randomBytes } = process.getBuiltinModule("node:crypto");
  const file = join(dir, `.clearmlagent_${process.pid}_${randomBytes(4).toString("hex")}.tmp`);
  writeFileSync(file, `${id}\n${slot}`, { mode: 0o600 });
  return { id, slot, release: () => rmSync(file, { force: true }) };
}

/**
 * `--stop`: the agents to terminate — those with one of the given ids, or, with none given, the
 * one with this invocation's id, else the first whose id starts with `<name>:`.
 */
export function agentsToStop(
  live: readonly AgentEntry[],
  ids: readonly string[],
  ownId: string | undefined,
  name: string,
): AgentEntry[] {
  if (ids.length) return live.filter((a) => ids.includes(a.id));
  const own = ownId ? live.filter((a) => a.id === ownId) : [];
  if (own.length) return own;
  const first = live.find((a) => a.id.startsWith(`${name}:`));
  return first ? [first] : [];
}
