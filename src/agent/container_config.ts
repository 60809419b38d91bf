/**
 * The configuration file a docker-mode task gets at /tmp/clearml.conf (agent-exec §2.2): the
 * agent's effective configuration with the plan's overrides, as JSON (which HOCON reads).
 */
import { type ConfNode, type Plain, toPlain } from "../settings/tree.ts";

type Obj = { [key: string]: Plain };

function setDotted(root: Obj, key: string, value: Plain): void {
  const parts = key.split(".");
  let node = root;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      const fresh: Obj = {};
      Object.defineProperty(node, p, { value: fresh, enumerable: true, writable: true });
      node = fresh;
    } else node = next;
  }
  Object.defineProperty(node, parts[parts.length - 1]!, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function containerConfig(
  tree: ConfNode,
  overrides: Readonly<Record<string, string | boolean | null>>,
): Obj {
  const plain = toPlain(tree);
  const root: Obj = plain !== null && typeof plain === "object" && !Array.isArray(plain)
    ? plain
    : {};
  for (const [k, v] of Object.entries(overrides)) setDotted(root, k, v);
  return root;
}
