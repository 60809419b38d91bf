import type { Origin } from "../tree.ts";
import { scalarNode } from "../tree.ts";
import { Entries } from "../entries.ts";
import type { MList, MNode, MObject, Tok } from "./_nodes.ts";
import { pyStr } from "./_py_str.ts";

/** Tokens without substitutions: what is left to concatenate. */
export type Piece = Exclude<Tok, { kind: "sub" }>;

/**
 * Values written side by side (`a b`, `"a" "b"`, `${x}/path`, `{a:1} {b:2}`, `[1] [2]`): one
 * value alone stays as it is; strings join with the whitespace kept; objects merge; lists
 * concatenate. Mixing kinds is an error, reported through `mismatch`.
 */
export function concat(
  pieces: readonly Piece[],
  origin: Origin,
  merge: (target: MObject, src: MObject) => void,
  mismatch: (problem: string) => never,
): MNode {
  const first = pieces[0]!;
  if (pieces.length === 1) {
    return first.kind === "text" ? scalarNode(first.text, origin) : first.node;
  }
  const kind = kindOf(first);
  for (const piece of pieces) {
    const k = kindOf(piece);
    if (k !== kind) mismatch(`Cannot concatenate ${article(kind)} with ${article(k)}`);
  }
  if (kind === "object") {
    const out: MObject = { type: "object", entries: new Entries(), origin };
    for (const piece of pieces) merge(out, (piece as { node: MObject }).node);
    return out;
  }
  if (kind === "list") {
    const items: MNode[] = [];
    for (const piece of pieces) {
      for (const item of (piece as { node: MList }).node.items) items.push(item);
    }
    return { type: "list", items, origin };
  }
  // `+=` lets the engine build a rope: a value that extends itself (`p: ${p}"x"`, again and
  // again) stays linear.
  let out = "";
  const last = pieces.length - 1;
  for (let i = 0; i <= last; i++) {
    const piece = pieces[i]!;
    if (piece.kind === "text") out += i === last ? piece.text : piece.text + piece.ws;
    else if (piece.kind === "scalar") out += pyStr(piece.node);
  }
  return scalarNode(out, origin);
}

function kindOf(piece: Piece): "object" | "list" | "string" {
  return piece.kind === "node" ? piece.node.type : "string";
}

function article(kind: "object" | "list" | "string"): string {
  return kind === "object" ? "an object" : kind === "list" ? "a list" : "a string";
}
