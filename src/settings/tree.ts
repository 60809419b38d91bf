/**
 * The configuration tree every layer produces: HOCON files, built-in defaults, dynamic env vars,
 * fixed env vars and flags. Every node carries the origin of its value, so that `config show
 * --origin` and doctor can say where each value came from.
 */

import { Entries } from "./entries.ts";

export type Origin =
  | { kind: "default"; source: string }
  | { kind: "file"; file: string; line: number; col: number }
  | { kind: "env"; name: string; file?: string }
  | { kind: "dynamic-env"; name: string; file?: string }
  | { kind: "flag"; name: string }
  | { kind: "derived"; from: string };

export type Scalar = string | number | boolean | null;
export type Plain = Scalar | Plain[] | { [key: string]: Plain };

export interface ObjectNode {
  type: "object";
  entries: Entries<ConfNode>;
  origin: Origin;
}
export interface ListNode {
  type: "list";
  items: ConfNode[];
  origin: Origin;
}
export interface ScalarNode {
  type: "scalar";
  value: Scalar;
  origin: Origin;
}
export type ConfNode = ObjectNode | ListNode | ScalarNode;

export function objectNode(origin: Origin, entries?: Entries<ConfNode>): ObjectNode {
  return { type: "object", entries: entries ?? new Entries(), origin };
}

export function scalarNode(value: Scalar, origin: Origin): ScalarNode {
  return { type: "scalar", value, origin };
}

/** Build a node tree from plain data, every node with the same origin. */
export function fromPlain(value: Plain, origin: Origin): ConfNode {
  // plain loops: the built-in defaults go through here at every start, before the JIT warms up
  if (Array.isArray(value)) {
    const items = new Array<ConfNode>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = fromPlain(value[i]!, origin);
    return { type: "list", items, origin };
  }
  if (value !== null && typeof value === "object") {
    const entries = new Entries<ConfNode>();
    for (const k of Object.keys(value)) entries.set(k, fromPlain(value[k]!, origin));
    return { type: "object", entries, origin };
  }
  return { type: "scalar", value, origin };
}

/** The plain JSON value of a node (origins dropped). */
export function toPlain(node: ConfNode): Plain {
  switch (node.type) {
    case "scalar":
      return node.value;
    case "list": {
      const items = node.items;
      const out = new Array<Plain>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = toPlain(items[i]!);
      return out;
    }
    case "object": {
      const out: { [key: string]: Plain } = {};
      const { keyList, valueList } = node.entries;
      for (let i = 0; i < keyList.length; i++) {
        const k = keyList[i];
        if (k === undefined) continue;
        if (k === "__proto__") setOwn(out, k, toPlain(valueList[i]!));
        else out[k] = toPlain(valueList[i]!);
      }
      return out;
    }
  }
}

/**
 * `out[key] = value` as an own property, also for a key named `__proto__`, which an assignment
 * would take as a change of prototype.
 */
export function setOwn(out: { [key: string]: Plain }, key: string, value: Plain): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Merge `over` onto `base` the way ClearML's config loader does: object into object merges
 * recursively; anything else (scalar, list, null) replaces. Inputs are not modified.
 */
export function mergeNodes(base: ConfNode, over: ConfNode): ConfNode {
  if (base.type !== "object" || over.type !== "object") return over;
  const entries = new Entries(base.entries);
  // a loop over the slots: no iterator and no `[k, v]` pair per entry (see fast_path.ts)
  const { keyList, valueList } = over.entries;
  for (let i = 0; i < keyList.length; i++) {
    const k = keyList[i];
    if (k === undefined) continue;
    const v = valueList[i]!;
    const prev = entries.get(k);
    entries.set(k, prev ? mergeNodes(prev, v) : v);
  }
  return { type: "object", entries, origin: over.origin };
}

/** Split a dotted key path; a segment in double quotes may hold dots. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of path) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "." && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The node at `path`, or undefined when a segment is missing or not an object. */
export function getNode(root: ConfNode, path: readonly string[]): ConfNode | undefined {
  let node: ConfNode | undefined = root;
  for (const seg of path) {
    if (!node || node.type !== "object") return undefined;
    node = node.entries.get(seg);
  }
  return node;
}

/** A copy of `root` with `value` at `path`; intermediate objects are created or replaced. */
export function setNode(root: ConfNode, path: readonly string[], value: ConfNode): ConfNode {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const base = root.type === "object" ? root : objectNode(value.origin);
  const entries = new Entries(base.entries);
  const child = entries.get(head) ?? objectNode(value.origin);
  entries.set(head, setNode(child, rest, value));
  return { type: "object", entries, origin: base.origin };
}

/** A copy of `root` without the key at `path` (unchanged when absent). */
export function deleteNode(root: ConfNode, path: readonly string[]): ConfNode {
  if (path.length === 0 || root.type !== "object") return root;
  const [head, ...rest] = path as [string, ...string[]];
  const child = root.entries.get(head);
  if (!child) return root;
  const entries = new Entries(root.entries);
  if (rest.length === 0) entries.delete(head);
  else entries.set(head, deleteNode(child, rest));
  return { type: "object", entries, origin: root.origin };
}

/** Every leaf (scalar, list, or empty object) with its dotted path. */
export function leaves(root: ConfNode, prefix: string[] = []): Array<[string[], ConfNode]> {
  if (root.type !== "object" || (root.entries.size === 0 && prefix.length > 0)) {
    return [[prefix, root]];
  }
  const out: Array<[string[], ConfNode]> = [];
  for (const [k, v] of root.entries) out.push(...leaves(v, [...prefix, k]));
  return out;
}

/** `formatOrigin(origin)`, or `not set` when there is no origin because there is no value. */
export function originText(origin: Origin | undefined): string {
  return origin ? formatOrigin(origin) : "not set";
}

export function formatOrigin(origin: Origin): string {
  switch (origin.kind) {
    case "default":
      return `default (${origin.source})`;
    case "file":
      return `${origin.file}:${origin.line}:${origin.col}`;
    case "env":
      return origin.file ? `env ${origin.name} (from ${origin.file})` : `env ${origin.name}`;
    case "dynamic-env":
      return origin.file
        ? `dynamic env ${origin.name} (from ${origin.file})`
        : `dynamic env ${origin.name}`;
    case "flag":
      return `flag ${origin.name}`;
    case "derived":
      return `derived from ${origin.from}`;
  }
}
