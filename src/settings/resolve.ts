/**
 * `resolve()`: the effective configuration of one consumer, every value with its origin.
 * Pure: the caller passes the environment snapshot, a file-system view and the flags.
 *
 * SDK:   defaults < CLEARML_CONFIG_PATH tree < user file(s) < call-site env vars < derived hosts
 * agent: defaults < CLEARML_CONFIG_PATH tree < user file(s) < dynamic CLEARML_AGENT__ vars
 *        < fixed env map (only truthy values) < point-of-use env vars < command-line flags
 */
import type { Consumer } from "./variable.ts";
import type { FsView } from "./fs_view.ts";
import {
  type ConfNode,
  fromPlain,
  getNode,
  mergeNodes,
  type ObjectNode,
  type Origin,
  type Plain,
  scalarNode,
  setNode,
  splitPath,
} from "./tree.ts";
import { CATALOGUE } from "./catalogue.ts";
import { defaultsFor } from "./defaults/index.ts";
import { type FileReport, loadSources } from "./sources.ts";
import { readVariable, ruleFor, truthy, type VariableState } from "./read_variable.ts";
import { type DynamicVar, readDynamicVars } from "./dynamic_env.ts";
import { resolveSdkHosts } from "./resolve_hosts.ts";
import type { Diagnostic } from "./diagnostic.ts";
import { Entries } from "./entries.ts";
export type { Diagnostic } from "./diagnostic.ts";
import { invalidMessage } from "./invalid_message.ts";
import { type AgentStartFacts, applyAgentStart, copyApiHost } from "./agent_start.ts";

export interface FlagValue {
  /** Dotted config key the flag sets. */
  key: string;
  value: Plain;
  /** The flag as typed, for the origin (`--cpu-only`). */
  flag: string;
}

export interface ResolveInput {
  consumer: Consumer;
  env: Readonly<Record<string, string>>;
  /** Names whose value came from a `.env` file, and that file. */
  envFromFile?: ReadonlyMap<string, string>;
  home: string;
  cwd: string;
  fs: FsView;
  /** `--config-file`. */
  configFile?: string;
  flags?: readonly FlagValue[];
  /** The machine facts the agent's Session derives values from (host name, Python, CUDA). */
  agentStart?: AgentStartFacts;
}

export interface Resolution {
  consumer: Consumer;
  tree: ObjectNode;
  files: FileReport[];
  envName: string;
  /** Every catalogue variable this consumer reads, as it reads it. */
  variables: VariableState[];
  dynamic: DynamicVar[];
  diagnostics: Diagnostic[];
  /** What stops the real program (and our command: exit 3). */
  fatal: Diagnostic[];
}

/** The loader sets `env` to the environment name after reading every file. */
const ENV_ORIGIN: Origin = { kind: "derived", from: "the configuration environment name" };

function envOrigin(s: VariableState): Origin {
  return s.origin ?? { kind: "env", name: s.name ?? s.variable.name };
}

function withOrigin(value: Plain, origin: Origin): ConfNode {
  return fromPlain(value, origin);
}

export function resolve(input: ResolveInput): Resolution {
  const { consumer, env } = input;
  const diagnostics: Diagnostic[] = [];
  const fatal: Diagnostic[] = [];

  const sources = loadSources({
    env,
    home: input.home,
    cwd: input.cwd,
    consumer,
    fs: input.fs,
    configFile: input.configFile,
  });
  for (const e of sources.errors) fatal.push({ level: "error", subject: "config", message: e });

  let tree: ConfNode = defaultsFor(consumer);
  for (const layer of sources.layers) tree = mergeNodes(tree, layer);

  // a plain loop: at every start, before the JIT warms up, filter/map callbacks cost more
  const variables: VariableState[] = [];
  for (const v of CATALOGUE) {
    if (ruleFor(v, consumer)) variables.push(readVariable(v, consumer, env, input.envFromFile));
  }
  for (const s of variables) {
    if (s.status === "invalid") {
      const rule = ruleFor(s.variable, consumer)!;
      const d: Diagnostic = {
        level: rule.onInvalid === "fatal" ? "error" : "warning",
        subject: s.name ?? s.variable.name,
        message: invalidMessage(s, rule),
      };
      // The SDK stops at import; the agent, loading its configuration, reads only its fixed
      // env map: any other variable stops it where it is used.
      if (rule.onInvalid === "fatal") {
        d.stops = consumer === "agent" && rule.apply !== "env-map" ? "use" : "load";
      }
      (rule.onInvalid === "fatal" ? fatal : diagnostics).push(d);
    } else if (s.warning) {
      diagnostics.push({ level: "warning", subject: s.name!, message: s.warning });
    }
  }

  let dynamic: DynamicVar[] = [];
  if (consumer === "agent") {
    dynamic = readDynamicVars(env, input.envFromFile);
    for (const d of dynamic) {
      if (d.error || !d.tree) {
        fatal.push({ level: "error", subject: d.name, message: d.error ?? "unreadable" });
      } else tree = mergeNodes(tree, d.tree);
    }
    tree = setNode(tree, ["env"], scalarNode(sources.envName, ENV_ORIGIN));
    tree = copyApiHost(tree);
    tree = applyAgentEnv(tree, variables);
    tree = applyAgentStart(tree, input.agentStart);
  } else {
    tree = setNode(tree, ["env"], scalarNode(sources.envName, ENV_ORIGIN));
    tree = applySdkEnv(tree, variables);
    tree = resolveSdkHosts(tree, variables, diagnostics);
  }

  for (const f of input.flags ?? []) {
    tree = setNode(tree, splitPath(f.key), withOrigin(f.value, { kind: "flag", name: f.flag }));
  }

  return {
    consumer,
    tree: tree as ObjectNode,
    files: sources.files,
    envName: sources.envName,
    variables,
    dynamic,
    diagnostics,
    fatal,
  };
}

/** SDK: variables read at the point of use replace their key in the tree we show. */
function applySdkEnv(tree: ConfNode, variables: readonly VariableState[]): ConfNode {
  for (const s of variables) {
    const rule = s.variable.sdk;
    if (s.status !== "set" || !rule?.key || rule.apply !== "call-site") continue;
    if (HOST_VARS.has(s.variable.name)) continue; // resolveSdkHosts places them
    tree = setNode(tree, splitPath(rule.key), withOrigin(s.value ?? null, envOrigin(s)));
  }
  return tree;
}

const HOST_VARS = new Set(["CLEARML_API_HOST", "CLEARML_WEB_HOST", "CLEARML_FILES_HOST"]);

function applyAgentEnv(tree: ConfNode, variables: readonly VariableState[]): ConfNode {
  // ENVIRONMENT_CONFIG: written only when the value is truthy (a false value never overrides).
  for (const s of variables) {
    const rule = s.variable.agent;
    if (s.status !== "set" || !rule?.key || rule.apply !== "env-map" || !truthy(s.value)) continue;
    if (rule.key.includes(".0.")) continue; // list-element keys: appendListEntries
    tree = setNode(tree, splitPath(rule.key), withOrigin(s.value ?? null, envOrigin(s)));
  }
  tree = appendListEntries(tree, variables);
  // Point of use: the variable replaces the key where the agent reads it.
  for (const s of variables) {
    const rule = s.variable.agent;
    if (s.status !== "set" || !rule?.key || rule.apply !== "point-of-use") continue;
    if (s.variable.name === "CLEARML_CPU_ONLY") {
      if (truthy(s.value)) {
        tree = setNode(tree, splitPath(rule.key), scalarNode(true, envOrigin(s)));
        tree = applyCpuOnly(tree, envOrigin(s));
      }
      continue;
    }
    if (s.variable.name === "CLEARML_DOCKER_IMAGE") {
      tree = applyDockerImage(tree, String(s.value ?? ""), envOrigin(s));
      continue;
    }
    tree = setNode(tree, splitPath(rule.key), withOrigin(s.value ?? null, envOrigin(s)));
  }
  return tree;
}

/**
 * Env-map keys with a `.0.` segment (Azure: `sdk.azure.storage.containers.0.account_name`) add
 * one list element built from all of them, as the agent's session does.
 */
function appendListEntries(tree: ConfNode, variables: readonly VariableState[]): ConfNode {
  const groups = new Map<string, { entry: Entries<ConfNode>; origin: Origin }>();
  for (const s of variables) {
    const rule = s.variable.agent;
    if (s.status !== "set" || !rule?.key || rule.apply !== "env-map" || !truthy(s.value)) continue;
    const at = rule.key.indexOf(".0.");
    if (at < 0) continue;
    const listKey = rule.key.slice(0, at);
    const g = groups.get(listKey) ?? { entry: new Entries<ConfNode>(), origin: envOrigin(s) };
    g.entry.set(rule.key.slice(at + 3), withOrigin(s.value ?? null, envOrigin(s)));
    groups.set(listKey, g);
  }
  for (const [listKey, g] of groups) {
    const path = splitPath(listKey);
    const prev = getNode(tree, path);
    const items = prev?.type === "list" ? [...prev.items] : [];
    items.push({ type: "object", entries: g.entry, origin: g.origin });
    tree = setNode(tree, path, { type: "list", items, origin: g.origin });
  }
  return tree;
}

/** Ours: CLEARML_CPU_ONLY acts like --cpu-only (agent-exec §3.4): no CUDA, no cuDNN. */
function applyCpuOnly(tree: ConfNode, origin: Origin): ConfNode {
  tree = setNode(tree, ["agent", "cpu_only"], scalarNode(true, origin));
  tree = setNode(tree, ["agent", "cuda_version"], scalarNode("0", origin));
  return setNode(tree, ["agent", "cudnn_version"], scalarNode("0", origin));
}

/** agent-exec §2.1: split on single spaces; more than one token → image + default arguments. */
function applyDockerImage(tree: ConfNode, value: string, origin: Origin): ConfNode {
  const tokens = value.split(" ");
  tree = setNode(tree, ["agent", "default_docker", "image"], scalarNode(tokens[0] ?? "", origin));
  if (tokens.length > 1) {
    tree = setNode(
      tree,
      ["agent", "default_docker", "arguments"],
      fromPlain(tokens.slice(1), origin),
    );
  }
  return tree;
}

/** The variable state for a name, for callers that need one value. */
export function variableState(r: Resolution, name: string): VariableState | undefined {
  for (const s of r.variables) if (s.variable.name === name) return s;
  return undefined;
}

/**
 * The node at a dotted key; a numeric segment also indexes a list, as the agent's own printout
 * names list items (`agent.package_manager.pip_version.0`).
 */
export function lookup(r: Resolution, key: string): ConfNode | undefined {
  let node: ConfNode | undefined = r.tree;
  for (const seg of splitPath(key)) {
    if (node?.type === "list" && /^(0|[1-9][0-9]*)$/.test(seg)) node = node.items[Number(seg)];
    else node = node ? getNode(node, [seg]) : undefined;
  }
  return node;
}
