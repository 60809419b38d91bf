import { formatOrigin, type Origin } from "../tree.ts";
import { mergeInto } from "./_merge.ts";
import { type MNode, type MObject, newObject, newPending } from "./_nodes.ts";
import type { Source } from "./_source.ts";

/** Where an assignment was written, for errors and for the substitution `+=` implies. */
export interface AssignSite {
  src: Source;
  /** The key as written (quotes included), which `+=` reads back as `${?key}`. */
  keyText: string;
  keyOffset: number;
  valueOffset: number;
}

/**
 * `key = value` (or `key += value`, or `key { … }`) into `obj`, with the real reader's rules:
 * - intermediate segments of a dotted key become objects, replacing whatever was there;
 * - an object merges into an object, replaces a list, extends a pending value, and is an error
 *   over a string, number or boolean;
 * - `+=` with a list or a string means `${?key}` followed by the value (a string gets a space
 *   in front); with anything else it just replaces (`l: [1]` then `l += 2` gives `2`);
 * - a pending value (one with substitutions) remembers what it replaced.
 * Returns true when it created a pending value.
 */
export function assign(
  obj: MObject,
  path: readonly string[] | string,
  value: MNode,
  op: "=" | "+=",
  site: AssignSite,
): boolean {
  // a key without dots comes as itself: no one-segment array per entry
  if (typeof path === "string") return assignKey(obj, path, value, op, site);
  let parent = obj;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const seg = path[i]!;
    const child = parent.entries.get(seg);
    if (child !== undefined && child.type === "object") {
      parent = child;
    } else {
      const created = newObject(keyOrigin(site));
      parent.entries.set(seg, created);
      parent = created;
    }
  }
  return assignKey(parent, path[last]!, value, op, site);
}

/** `key = value` into `parent` itself (the last segment of a path). */
export function assignKey(
  parent: MObject,
  key: string,
  value: MNode,
  op: "=" | "+=",
  site: AssignSite,
): boolean {
  const found = parent.entries.get(key);
  // The real reader looks the key up with `get(key, None)`: a null reads as no value.
  const existing = found !== undefined && !(found.type === "scalar" && found.value === null)
    ? found
    : undefined;

  if (
    op === "+=" &&
    (value.type === "list" || (value.type === "scalar" && typeof value.value === "string"))
  ) {
    const self = {
      kind: "sub",
      path: site.keyText,
      optional: true,
      ws: "",
      src: site.src,
      offset: site.keyOffset,
    } as const;
    const pending = newPending(
      value.type === "list"
        ? [self, { kind: "node", node: value }]
        : [self, { kind: "text", text: ` ${value.value as string}`, ws: "", unquoted: false }],
      site.src,
      site.valueOffset,
    );
    pending.prev = existing;
    parent.entries.set(key, pending);
    return true;
  }
  switch (value.type) {
    case "object":
      if (found === undefined) parent.entries.append(key, value);
      else if (existing === undefined || existing.type === "list") parent.entries.set(key, value);
      else if (existing.type === "object") {
        mergeInto(existing, value);
        existing.origin = value.origin;
      } else if (existing.type === "pending") existing.tokens.push({ kind: "node", node: value });
      else {
        throw site.src.error(
          site.valueOffset,
          `Cannot merge an object into ${site.keyText}, which already holds ${
            describe(existing.value)
          }` +
            ` (set at ${formatOrigin(existing.origin)})`,
          `nothing, null or an object at ${site.keyText} before an object is assigned to it`,
        );
      }
      return false;
    case "pending":
      if (existing !== undefined && existing.type === "object") {
        value.tokens.unshift({ kind: "node", node: existing });
      }
      value.prev = existing;
      parent.entries.set(key, value);
      return true;
    default:
      // a new key is appended without a second lookup
      if (found === undefined) parent.entries.append(key, value);
      else parent.entries.set(key, value);
      return false;
  }
}

function keyOrigin(site: AssignSite): Origin {
  return site.src.origin(site.keyOffset);
}

function describe(value: unknown): string {
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  return "a boolean";
}
