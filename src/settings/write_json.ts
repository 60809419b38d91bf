/**
 * A configuration tree written as JSON piece by piece, exactly as `JSON.stringify(toPlain(node),
 * null, 2)` would print it, without building the plain copy or the whole text: a 5 MB file's
 * tree is printed in chunks instead of three copies held at once.
 */
import type { ConfNode, Scalar } from "./tree.ts";
import type { MaskState, MaskWalk } from "./mask.ts";

/** Receives the text in order; `chunked()` groups the small pieces. */
export type Write = (text: string) => void;

/**
 * Whether `key` is an array index ("0" … "4294967294" in canonical form): a plain object lists
 * those first, in numeric order, whatever order they were set in.
 */
function isArrayIndex(key: string): boolean {
  const n = key.length;
  if (n === 0 || n > 10) return false;
  const c0 = key.charCodeAt(0);
  if (c0 === 48) return n === 1; // "0", never "01"
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return n < 10 || Number(key) < 4294967295;
}

/** What JSON.stringify escapes in a string: control characters, `"`, `\\` and lone surrogates. */
// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** `JSON.stringify(s)`, without its cost for the common string that needs no escape. */
export function stringJson(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function scalarJson(value: Scalar): string {
  if (typeof value === "string") return stringJson(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  return String(value); // true, false, null
}

/**
 * Whether some key is an array index: a plain object lists those first, in numeric order. Maps
 * are walked with `forEach`, which hands key and value without an `[k, v]` pair per entry.
 */
function hasIndexKey(entries: Map<string, ConfNode>): boolean {
  let found = false;
  entries.forEach((_, k) => {
    if (found) return;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && isArrayIndex(k)) found = true;
  });
  return found;
}

/** The entries in the order a plain object would list them (array indices first). */
function indexFirst(entries: Map<string, ConfNode>): Map<string, ConfNode> {
  const indices: string[] = [];
  for (const k of entries.keys()) if (isArrayIndex(k)) indices.push(k);
  indices.sort((a, b) => Number(a) - Number(b));
  const out = new Map<string, ConfNode>();
  for (const k of indices) out.set(k, entries.get(k)!);
  for (const [k, v] of entries) if (!isArrayIndex(k)) out.set(k, v);
  return out;
}

/**
 * Write `node` as JSON indented by two spaces, starting at `indent` (its first line unindented);
 * with `mask`, masked as it is written (`maskWalk`), from `state` (the walk's root by default).
 */
export function writeJsonNode(
  node: ConfNode,
  write: Write,
  indent = "",
  mask?: MaskWalk,
  state: MaskState | undefined = mask?.root,
): void {
  switch (node.type) {
    case "scalar":
      write(scalarJson(mask ? mask.scalar(node.value, state!) : node.value));
      return;
    case "list": {
      if (mask) {
        const argv = mask.argv(node, state!);
        if (argv) {
          node = argv;
          mask = undefined; // printed as it is
        }
      }
      const items = node.items;
      if (items.length === 0) {
        write("[]");
        return;
      }
      const inner = indent + "  ";
      write("[\n");
      for (let i = 0; i < items.length; i++) {
        const head = i === 0 ? inner : ",\n" + inner;
        const item = items[i]!;
        if (item.type === "scalar") {
          write(head + scalarJson(mask ? mask.scalar(item.value, state!) : item.value));
        } else {
          write(head);
          writeJsonNode(item, write, inner, mask, state);
        }
      }
      write("\n" + indent + "]");
      return;
    }
    case "object": {
      const entries = node.entries;
      if (entries.size === 0) {
        write("{}");
        return;
      }
      const inner = indent + "  ";
      write("{\n");
      let first = true;
      (hasIndexKey(entries) ? indexFirst(entries) : entries).forEach((v, k) => {
        const head = (first ? inner : ",\n" + inner) + stringJson(k) + ": ";
        first = false;
        const st = mask ? mask.child(k, state!) : state;
        if (v.type === "scalar") {
          write(head + scalarJson(mask ? mask.scalar(v.value, st!) : v.value));
        } else {
          write(head);
          writeJsonNode(v, write, inner, mask, st);
        }
      });
      write("\n" + indent + "}");
      return;
    }
  }
}

/**
 * A writer that hands `sink` about `size` characters at a time (and the rest on `flush`), so that
 * a long output costs few system calls and never the whole text in memory.
 */
export function chunked(sink: Write, size = 1 << 16): { write: Write; flush: () => void } {
  // Appending builds a rope, flattened once by the sink: cheaper than an array of small pieces
  // joined at each flush.
  let text = "";
  const flush = () => {
    if (text === "") return;
    const whole = text;
    text = "";
    sink(whole);
  };
  return {
    write: (piece) => {
      text += piece;
      if (text.length >= size) flush();
    },
    flush,
  };
}
