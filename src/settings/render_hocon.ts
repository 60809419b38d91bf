/** Render a tree as clearml.conf-style HOCON, optionally with each value's origin as a comment. */
import { type ConfNode, formatOrigin, type Scalar } from "./tree.ts";
import { needsEscape, stringJson, type Write } from "./write_json.ts";
import type { MaskState, MaskWalk } from "./mask.ts";

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** `[A-Za-z0-9_-]+` keys go bare, any other is quoted (a regex: cheaper than a loop at start). */
function key(k: string): string {
  return BARE_KEY.test(k) ? k : JSON.stringify(k);
}

function scalarText(value: Scalar): string {
  if (typeof value === "string") return stringJson(value);
  // an integer: String() (a seventh of JSON.stringify's time per call); a fraction:
  // JSON.stringify gives String()'s text (a test checks), and its first call touches a tenth of
  // the pages String()'s first call on a fraction does (~24 page faults)
  if (typeof value !== "number" || Number.isSafeInteger(value)) return String(value);
  return Number.isFinite(value) ? JSON.stringify(value) : String(value);
}

/**
 * Push the text of a scalar onto `parts` and return its length. A string that needs no escape goes
 * as three pieces (`"`, itself, `"`): no string is made for it.
 */
function pushScalar(parts: string[], value: Scalar): number {
  if (typeof value === "string" && !needsEscape(value)) {
    parts.push('"', value, '"');
    return value.length + 2;
  }
  const text = scalarText(value);
  parts.push(text);
  return text.length;
}

/**
 * Push the one-line form of a scalar, `{}`, or a list of scalars that takes under 80 characters
 * onto `parts` and return true; false for the rest, with pieces of it possibly pushed (the caller
 * takes them back). Pieces, not a string: a string built item by item makes several strings per
 * item (a 5 MB file's lists: ~50,000).
 */
function pushInline(parts: string[], node: ConfNode): boolean {
  if (node.type === "scalar") {
    pushScalar(parts, node.value);
    return true;
  }
  if (node.type === "list") {
    const items = node.items;
    parts.push("[");
    let length = 1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.type !== "scalar") return false;
      if (i > 0) {
        parts.push(", ");
        length += 2;
      }
      length += pushScalar(parts, item.value);
      if (length > 80) return false;
    }
    if (length >= 80) return false;
    parts.push("]");
    return true;
  }
  // the first slot holding a key proves the object not empty without calling `size` (one
  // function fewer run at start)
  if (node.type === "object") {
    const e = node.entries;
    if (e.keyList.length === 0 || (e.keyList[0] === undefined && e.size === 0)) {
      parts.push("{}");
      return true;
    }
  }
  return false;
}

/**
 * What one `writeHocon` call writes to, and whether it writes origins. The pieces of the lines
 * gather in `parts` (no string per line, no rope) and go to `write` joined, a few thousand at a
 * time (`limit`). The first pieces go in small groups: an array grown by `push` takes a new
 * butterfly at each step of its growth, each step in a size class of its own, so a small printout
 * (`config show`: a few hundred pieces) gathered in one array would leave a dead array in each of
 * four or five size classes that nothing else uses, a 16 KB heap block apiece.
 */
interface HoconOut {
  write: Write;
  origins: boolean;
  parts: string[];
  /** Pieces per `write` from now on. */
  limit: number;
  /** Pieces written so far. */
  written: number;
}

const PARTS = 1 << 13;
/** Pieces per `write` for the first `SMALL_PIECES` (a butterfly of ≤ 31 slots). */
const SMALL_PARTS = 24;
const SMALL_PIECES = 1 << 10;

function flush(o: HoconOut): void {
  o.write(o.parts.join(""));
  o.written += o.parts.length;
  if (o.written >= SMALL_PIECES) o.limit = PARTS;
  // the same array again, its storage kept: a new one would grow through every size class each
  // time, on fresh pages while no collection runs (a 5 MB `config parse`: ~1,200 of the run's
  // ~13,000 page faults)
  o.parts.length = 0;
}

function put(o: HoconOut, line: string): void {
  if (o.parts.push(line) >= o.limit) flush(o);
}

/** A line of two pieces (an indent and the rest): no string made for the line. */
function put2(o: HoconOut, a: string, b: string): void {
  if (o.parts.push(a, b) >= o.limit) flush(o);
}

/** A line of three pieces. */
function put3(o: HoconOut, a: string, b: string, c: string): void {
  if (o.parts.push(a, b, c) >= o.limit) flush(o);
}

/**
 * Push the line `indent` [`head: `] one-line form [origin] of `node` and return true; or push
 * nothing and return false when it has no one-line form. The pieces go on as they are, into the
 * array of the printout (no array of their own: one grown at start costs heap blocks).
 */
function putInline(o: HoconOut, indent: string, head: string | undefined, node: ConfNode): boolean {
  const parts = o.parts;
  const mark = parts.length;
  if (head === undefined) parts.push(indent);
  else parts.push(indent, head, ": ");
  if (!pushInline(parts, node)) {
    parts.length = mark;
    return false;
  }
  if (o.origins) parts.push(comment(node));
  if (parts.push("\n") >= o.limit) flush(o);
  return true;
}

/** The origin comment of `n`; called only when origins are written (`o.origins`). */
function comment(n: ConfNode): string {
  return `  # ${formatOrigin(n.origin)}`;
}

/** The indents of the first depths, made once (not once per object); deeper ones per object. */
const INDENTS = [
  "",
  "  ",
  "    ",
  "      ",
  "        ",
  "          ",
  "            ",
  "              ",
];

/** The indent one level below `indent`. */
function deeper(indent: string): string {
  return INDENTS[(indent.length >> 1) + 1] ?? indent + "  ";
}

/**
 * Objects are masked as they are walked (`mask` and each key's state); a list is masked whole at
 * once (lists are short, and whether one fits on a line depends on its masked items), so a list
 * is always walked unmasked.
 */
function walk(
  o: HoconOut,
  node: ConfNode,
  indent: string,
  mask: MaskWalk | undefined,
  state: MaskState,
): void {
  if (node.type === "object") {
    // a plain loop over the slots: no iterator, no `[k, v]` pair per entry
    const { keyList, valueList } = node.entries;
    for (let i = 0; i < keyList.length; i++) {
      const k = keyList[i];
      if (k !== undefined) writeEntry(o, valueList[i]!, k, indent, mask, state);
    }
  } else if (node.type === "list") {
    for (const item of node.items) {
      if (putInline(o, indent, undefined, item)) continue;
      if (item.type === "object") {
        put2(o, indent, "{\n");
        walk(o, item, deeper(indent), undefined, state);
        put2(o, indent, "}\n");
      } else {
        put2(o, indent, "[\n");
        walk(o, item, deeper(indent), undefined, state);
        put2(o, indent, "]\n");
      }
    }
  }
}

function writeEntry(
  o: HoconOut,
  child: ConfNode,
  k: string,
  indent: string,
  mask: MaskWalk | undefined,
  state: MaskState,
): void {
  const st = mask ? mask.child(k, state) : state;
  if (child.type === "scalar") {
    const value = mask ? mask.scalar(child.value, st) : child.value;
    if (o.origins) {
      put(o, `${indent}${key(k)}: ${scalarText(value)}${comment(child)}\n`);
      return;
    }
    // the common line in pieces: no template, and a string that needs no escape not quoted apart
    const parts = o.parts;
    const n = typeof value === "string" && !needsEscape(value)
      ? parts.push(indent, key(k), ': "', value, '"\n')
      : parts.push(indent, key(k), ": ", scalarText(value), "\n");
    if (n >= o.limit) flush(o);
    return;
  }
  const v = mask && child.type === "list" ? mask.all(child, st) : child;
  const head = key(k);
  if (putInline(o, indent, head, v)) return;
  if (v.type === "object") {
    put3(o, indent, head, " {\n");
    walk(o, v, deeper(indent), mask, st);
    put2(o, indent, "}\n");
  } else {
    put(o, `${indent}${head}: [${o.origins ? comment(v) : ""}\n`);
    walk(o, v, deeper(indent), undefined, st);
    put2(o, indent, "]\n");
  }
}

/**
 * Write `root` as HOCON, about 64K characters per call of `write`; with `mask`, masked as it is written
 * (`maskWalk`).
 */
export function writeHocon(
  root: ConfNode,
  write: Write,
  opts: { origins?: boolean; mask?: MaskWalk } = {},
): void {
  const o: HoconOut = {
    write,
    origins: Boolean(opts.origins),
    parts: [],
    limit: SMALL_PARTS,
    written: 0,
  };
  const top = opts.mask?.root ?? "plain";
  const start = opts.mask && root.type !== "object" ? opts.mask.all(root, top) : root;
  walk(o, start, "", start === root ? opts.mask : undefined, top);
  if (o.parts.length > 0) flush(o);
}

/** The functions writing a large tree spends its time in, for `keepOutOfFtl`. */
export function hoconHotPath(): unknown[] {
  return [
    walk,
    writeEntry,
    put,
    put2,
    put3,
    deeper,
    flush,
    comment,
    key,
    pushInline,
    pushScalar,
    putInline,
    scalarText,
    stringJson,
  ];
}

export function renderHocon(root: ConfNode, opts: { origins?: boolean } = {}): string {
  const parts: string[] = [];
  writeHocon(root, (s) => void parts.push(s), opts);
  return parts.join("");
}
