/**
 * The tree while a file is parsed: like `tree.ts`'s nodes, plus `Pending` values that still hold
 * substitutions. Once every pending value is resolved the tree is a plain `ObjectNode`.
 */
import type { Origin, ScalarNode } from "../tree.ts";
import { Entries } from "../entries.ts";
import type { Source } from "./_source.ts";

export interface MObject {
  type: "object";
  entries: Entries<MNode>;
  origin: Origin;
}

export interface MList {
  type: "list";
  items: MNode[];
  origin: Origin;
}

export type MNode = MObject | MList | ScalarNode | Pending;

/** One piece of a value: values written side by side concatenate. */
export type Tok =
  /** A quoted, triple-quoted or unquoted string; `ws` (quoted only) is kept unless it ends the value. */
  | { kind: "text"; text: string; ws: string; unquoted: boolean }
  /** A number, boolean or null. */
  | { kind: "scalar"; node: ScalarNode }
  | { kind: "node"; node: MObject | MList }
  /** `${path}` or `${?path}`; `ws` is the whitespace after it, kept when text follows. */
  | { kind: "sub"; path: string; optional: boolean; ws: string; src: Source; offset: number };

/** A value that holds at least one substitution, resolved once the whole file is read. */
export interface Pending {
  type: "pending";
  tokens: Tok[];
  /** The value this one replaced at its key: what a self-reference reads. */
  prev: MNode | undefined;
  origin: Origin;
  src: Source;
  offset: number;
  state: "idle" | "active" | "done";
  /** The resolved value once `done`; undefined when the key is to be removed. */
  result: MNode | undefined;
  /** For a list item: its index when the list was read (what the real reader deletes by). */
  listIndex?: number;
  /** The oldest pending value reached through `prev`, and how many steps away (cached). */
  chainRoot?: Pending;
  chainDepth?: number;
}

export function newObject(origin: Origin): MObject {
  return { type: "object", entries: new Entries(), origin };
}

export function newPending(tokens: Tok[], src: Source, offset: number): Pending {
  return {
    type: "pending",
    tokens,
    prev: undefined,
    origin: src.origin(offset),
    src,
    offset,
    state: "idle",
    result: undefined,
  };
}
