/** Dotted paths into plain JSON documents: `execution.queue`, `runtime._abort_poll_freq`. */
import type { Obj } from "./call_body.ts";

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function getPath(doc: Obj, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split(".")) {
    if (!isObj(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function setPath(doc: Obj, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isObj(node[part])) node[part] = {};
    node = node[part] as Obj;
  }
  node[parts[parts.length - 1]!] = value;
}

export function unsetPath(doc: Obj, path: string): void {
  const parts = path.split(".");
  let node: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isObj(node)) return;
    node = node[part];
  }
  if (isObj(node)) delete node[parts[parts.length - 1]!];
}

/**
 * Keep only the listed paths (the real server's projection): a leaf missing under an existing
 * parent yields the empty parent object; a missing parent is omitted.
 */
export function project(doc: Obj, paths: readonly string[]): Obj {
  const out: Obj = {};
  for (const path of paths) {
    const parts = path.split(".");
    let src: unknown = doc;
    let dst = out;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (!isObj(src) || !(part in src)) break;
      const v: unknown = src[part];
      if (i === parts.length - 1) {
        dst[part] = structuredClone(v);
      } else {
        if (!isObj(v)) break;
        if (!isObj(dst[part])) dst[part] = {};
        dst = dst[part] as Obj;
      }
      src = v;
    }
  }
  return out;
}
