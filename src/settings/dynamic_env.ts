/**
 * The agent's dynamic variables `CLEARML_AGENT__SECTION__KEY=value` (agent-exec.md §0.5):
 * taken sorted by name, `__` → `.`, lower-cased, and the value read as HOCON `<path>: <value>`.
 */
import { type ConfNode, type ObjectNode, type Origin } from "./tree.ts";
import { Entries } from "./entries.ts";
import { parseHocon } from "./hocon/parse.ts";
import { withOrigin } from "./hocon/_py_str.ts";

export const DYNAMIC_PREFIX = "CLEARML_AGENT__";

export interface DynamicVar {
  name: string;
  /** The config path it sets (dotted). */
  path: string;
  raw: string;
  /** The one-key tree it contributes, every node with the variable as its origin. */
  tree?: ObjectNode;
  error?: string;
}

/** `AGENT__DEFAULT_DOCKER__IMAGE` → `agent.default_docker.image`; empty segments collapse. */
export function dynamicPath(name: string): string {
  return name.slice(DYNAMIC_PREFIX.length).split("__").join(".").toLowerCase()
    .split(".").filter((s) => s !== "").join(".");
}

function reorigin(node: ConfNode, origin: Origin): ConfNode {
  switch (node.type) {
    case "scalar":
      return withOrigin(node, origin); // keeps whether it was a float (`11.8`, `12.0`)
    case "list":
      return { type: "list", items: node.items.map((n) => reorigin(n, origin)), origin };
    case "object": {
      const entries = new Entries<ConfNode>();
      for (const [k, v] of node.entries) entries.set(k, reorigin(v, origin));
      return { type: "object", entries, origin };
    }
  }
}

export function readDynamicVars(
  env: Readonly<Record<string, string>>,
  fromFile?: ReadonlyMap<string, string>,
): DynamicVar[] {
  const names = Object.keys(env).filter((n) => n.startsWith(DYNAMIC_PREFIX))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); // code-point order, like Python's sorted()
  return names.map((name) => {
    const raw = env[name] ?? "";
    const path = dynamicPath(name);
    const out: DynamicVar = { name, path, raw };
    if (path === "") {
      out.error = `${name} names no configuration key (expected ${DYNAMIC_PREFIX}SECTION__KEY)`;
      return out;
    }
    try {
      const file = fromFile?.get(name);
      const origin: Origin = file
        ? { kind: "dynamic-env", name, file }
        : { kind: "dynamic-env", name };
      const parsed = parseHocon(`${path}: ${raw}`, { file: name, env });
      out.tree = reorigin(parsed, origin) as ObjectNode;
    } catch (e: unknown) {
      const why = e instanceof Error ? e.message : String(e);
      out.error = `${name}: the value is not valid HOCON for "${path}: <value>" (${why}); ` +
        `quote strings, e.g. ${name}='"a=b"'`;
    }
    return out;
  });
}
