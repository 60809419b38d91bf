/**
 * What clearml-agent's `Session` adds to its configuration when it starts (`session.py`, after
 * the files, the dynamic variables and the fixed env map): `api.host` copied from
 * `api.api_server`, `agent.default_python` from the interpreter, `agent.cuda_version` and
 * `agent.cudnn_version` normalised or detected, and `agent.worker_name` from the host name.
 * Pure: the facts of the machine come from the caller (`platform/agent_start_facts.ts`).
 */
import { type ConfNode, getNode, type Origin, scalarNode, setNode } from "./tree.ts";
import { truthy } from "./read_variable.ts";
import { normalizeCudaVersion } from "./normalize_cuda.ts";
import { pyStr } from "./hocon/_py_str.ts";

export interface AgentStartFacts {
  /** `platform.node()`: the host name. */
  hostname: string;
  /** `major.minor` of the Python the agent runs tasks with, e.g. `3.11` (none found: unset). */
  python?: string;
  /** What CUDA detection found (`130`, `89`), each undefined when nothing was found. */
  detected?: { cuda?: string; cudnn?: string };
  /** Where the detected values came from, for their origin (`nvcc --version`). */
  detectedFrom?: string;
}

const CUDA = ["agent", "cuda_version"];
const CUDNN = ["agent", "cudnn_version"];

function valueAt(tree: ConfNode, path: string[]): ConfNode | undefined {
  return getNode(tree, path);
}

function isTruthy(node: ConfNode | undefined): boolean {
  if (!node) return false;
  if (node.type === "scalar") return truthy(node.value);
  return node.type === "list" ? node.items.length > 0 : node.entries.size > 0;
}

/** `api.host` = `api.api_server` when the former is empty: done before the fixed env map. */
export function copyApiHost(tree: ConfNode): ConfNode {
  const server = valueAt(tree, ["api", "api_server"]);
  if (isTruthy(valueAt(tree, ["api", "host"])) || !isTruthy(server)) return tree;
  return setNode(tree, ["api", "host"], { ...server!, origin: derived("api.api_server") });
}

function derived(from: string): Origin {
  return { kind: "derived", from };
}

/** Python's `str()` of a configured version, then the agent's normalisation. */
function normalized(node: ConfNode): ConfNode {
  if (node.type !== "scalar" || node.value === null) return node;
  return scalarNode(normalizeCudaVersion(pyStr(node)), node.origin);
}

/**
 * The start-up values, after the fixed env map. Without `facts` only what needs no machine is
 * done: configured CUDA/cuDNN versions are normalised (`11.8` → `118`).
 */
export function applyAgentStart(tree: ConfNode, facts?: AgentStartFacts): ConfNode {
  if (facts?.python && !isTruthy(valueAt(tree, ["agent", "default_python"]))) {
    tree = setNode(
      tree,
      ["agent", "default_python"],
      scalarNode(facts.python, derived("the Python that runs tasks")),
    );
  }
  const cuda = valueAt(tree, CUDA);
  const cudnn = valueAt(tree, CUDNN);
  if (isTruthy(cuda) && isTruthy(cudnn)) {
    tree = setNode(tree, CUDA, normalized(cuda!));
    tree = setNode(tree, CUDNN, normalized(cudnn!));
  } else if (facts) {
    const from = derived(`CUDA detection${facts.detectedFrom ? ` (${facts.detectedFrom})` : ""}`);
    const pick = (node: ConfNode | undefined, found: string | undefined): ConfNode =>
      isTruthy(node) ? normalized(node!) : scalarNode(normalizeCudaVersion(found || "0"), from);
    tree = setNode(tree, CUDA, pick(cuda, facts.detected?.cuda));
    tree = setNode(tree, CUDNN, pick(cudnn, facts.detected?.cudnn));
  } else {
    if (isTruthy(cuda)) tree = setNode(tree, CUDA, normalized(cuda!));
    if (isTruthy(cudnn)) tree = setNode(tree, CUDNN, normalized(cudnn!));
  }
  if (facts && !isTruthy(valueAt(tree, ["agent", "worker_name"]))) {
    tree = setNode(
      tree,
      ["agent", "worker_name"],
      scalarNode(facts.hostname, derived("the host name (agent.worker_name is empty)")),
    );
  }
  return tree;
}
