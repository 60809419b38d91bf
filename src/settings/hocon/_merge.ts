import { Entries } from "../entries.ts";
import type { MObject } from "./_nodes.ts";

/**
 * Merge `src` into `target` while parsing (both are owned by the parser, so in place): objects
 * merge recursively, anything else replaces. A pending value that replaces something remembers
 * it, for self-references. The merged object takes the later origin, as `mergeNodes` does.
 */
export function mergeInto(target: MObject, src: MObject): void {
  for (const [key, value] of src.entries) {
    const existing = target.entries.get(key);
    if (existing !== undefined && existing.type === "object" && value.type === "object") {
      mergeInto(existing, value);
      existing.origin = value.origin;
      continue;
    }
    if (value.type === "pending" && existing !== undefined) value.prev = existing;
    target.entries.set(key, value);
  }
}

/**
 * Merge `src` into the fresh object `target` while resolving substitutions: the nodes may be
 * shared with other keys, so objects that collide are copied, never modified.
 */
export function mergeCopyInto(target: MObject, src: MObject): void {
  for (const [key, value] of src.entries) {
    const existing = target.entries.get(key);
    if (existing !== undefined && existing.type === "object" && value.type === "object") {
      const both: MObject = {
        type: "object",
        entries: new Entries(existing.entries),
        origin: value.origin,
      };
      mergeCopyInto(both, value);
      target.entries.set(key, both);
    } else {
      target.entries.set(key, value);
    }
  }
}

/** A new object: `base` with `over` merged on top. */
export function mergeCopy(base: MObject, over: MObject): MObject {
  const out: MObject = { type: "object", entries: new Entries(base.entries), origin: over.origin };
  mergeCopyInto(out, over);
  return out;
}
