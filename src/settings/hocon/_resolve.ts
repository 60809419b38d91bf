import { scalarNode } from "../tree.ts";
import { Entries } from "../entries.ts";
import { concat } from "./_concat.ts";
import type { Piece } from "./_concat.ts";
import { parseKeyPath } from "./_key_path.ts";
import { mergeCopy } from "./_merge.ts";
import type { MList, MNode, MObject, Pending, Tok } from "./_nodes.ts";
import { pyStr, withOrigin } from "./_py_str.ts";
import type { HoconError } from "./hocon_error.ts";

type Env = Record<string, string | undefined>;

/**
 * Resolve every substitution left in `root`, in place, the way the real reader does once the
 * whole file is read:
 * - `${a.b}` reads the final tree of this file, then the environment variable named exactly
 *   `a.b` (as a string); a required one that is found in neither is an error;
 * - a substitution that reads its own key gets the value that key had before (`p: ${p}"b"`);
 * - an optional one that is found nowhere drops out; a value left with nothing falls back to
 *   the value it replaced, or the key is removed;
 * - a null drops out of a value too; a value left with nothing then removes the key.
 * Evaluation is iterative (an explicit stack), so long chains cannot overflow the call stack,
 * and a value met again while it is being evaluated is a cycle.
 */
export function resolveAll(root: MObject, env: Env): void {
  new Resolver(root, env).run();
}

interface Frame {
  p: Pending;
  /** The next token to resolve. */
  i: number;
  /** Tokens resolved so far (nulls and missing optionals left out). */
  out: Piece[];
  /** Whether the last substitution was an optional one found nowhere. */
  lastOptionalMissing: boolean;
  /** How many lookups read the value this one replaced (`${self}`, `${self.x}`). */
  selfReads: number;
  /** The value this one replaced, when a lookup read it whole. */
  selfNode?: MNode;
}

/** Where a scan is inside one container: a live iterator over an object, an index into a list. */
type ScanEntry =
  | { c: MObject; it: Iterator<[string, MNode]>; retry: string | undefined }
  | { c: MList; i: number };

function enterScan(c: MObject | MList): ScanEntry {
  return c.type === "object" ? { c, it: c.entries.entries(), retry: undefined } : { c, i: 0 };
}

/**
 * A lookup either needs another pending value resolved first, or has its answer (`self` when
 * the answer is the value that the pending value being evaluated replaced).
 */
type Lookup = { need: Pending } | { node: MNode | undefined; self?: boolean };

class Resolver {
  private readonly root: MObject;
  private readonly env: Env;
  /** Containers known to hold no pending value, so scans skip them. */
  private readonly clean = new WeakSet<MObject | MList>();
  /** Scans that stopped at a pending value, by the container they started from. */
  private readonly partial = new WeakMap<MObject | MList, ScanEntry[]>();
  private readonly stack: Frame[] = [];
  /**
   * Containers built while resolving a chain of values at one key (`o: ${o} {…}` again and
   * again), by the chain's oldest value. Only the next value of the same chain reads them, so
   * it may extend them in place instead of copying: a chain of n such values stays linear.
   */
  private readonly owner = new WeakMap<MObject | MList, Pending>();

  constructor(root: MObject, env: Env) {
    this.root = root;
    this.env = env;
  }

  run(): void {
    for (;;) {
      const need = this.scan(this.root);
      if (need === undefined) return;
      this.resolve(need);
    }
  }

  private resolve(p: Pending): void {
    this.push(p);
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1]!;
      const need = this.step(frame);
      if (need === undefined) {
        frame.p.state = "done";
        this.stack.pop();
      } else if (need.state === "active") {
        throw this.cycle(need);
      } else {
        this.push(need);
      }
    }
  }

  private push(p: Pending): void {
    p.state = "active";
    this.stack.push({ p, i: 0, out: [], lastOptionalMissing: false, selfReads: 0 });
  }

  /** Advance one pending value; returns the pending value it waits for, if any. */
  private step(f: Frame): Pending | undefined {
    const p = f.p;
    const tokens = p.tokens;
    const lastIndex = tokens.length - 1;
    while (f.i < tokens.length) {
      const t = tokens[f.i]!;
      if (t.kind !== "sub") {
        f.out.push(t);
        f.i++;
        continue;
      }
      const found = this.lookup(f, t);
      if ("need" in found) return found.need;
      let value = found.node;
      if (value === undefined) {
        const fromEnv = Object.hasOwn(this.env, t.path) ? this.env[t.path] : undefined;
        if (typeof fromEnv === "string") {
          value = scalarNode(fromEnv, t.src.origin(t.offset));
        } else if (t.optional) {
          f.lastOptionalMissing = true;
          f.i++;
          continue;
        } else {
          throw t.src.error(
            t.offset,
            `Cannot resolve variable \${${t.path}}`,
            `a key ${t.path} in this file or an environment variable named ${t.path}`,
          );
        }
      }
      f.lastOptionalMissing = false;
      this.emit(f, value, f.i === lastIndex, t.ws);
      f.i++;
    }

    if (f.out.length === 0) {
      p.result = undefined;
      if (f.lastOptionalMissing && p.prev !== undefined) {
        const prev = this.settlePrev(p);
        if ("need" in prev) return prev.need;
        p.result = prev.node;
      }
      return undefined;
    }
    const root = chainRoot(p);
    const extended = this.extendInPlace(f, root);
    let result = extended ?? concat(
      f.out,
      p.origin,
      (target, src) => this.mergeOwned(target, src, root, false),
      (problem) => {
        throw p.src.error(
          p.offset,
          problem,
          "values of one kind side by side: strings, lists or objects",
        );
      },
    );
    if (
      extended === undefined && f.out.length > 1 &&
      (result.type === "object" || result.type === "list")
    ) {
      this.owner.set(result, root);
    }
    result = rebase(result, p);
    // Extended in place, the value already is the replaced object merged with the rest, so
    // merging the replaced object under it again would change nothing.
    if (result.type === "object" && p.prev !== undefined && extended === undefined) {
      // An object assigned over an object merges with it.
      const prev = this.settlePrev(p);
      if ("need" in prev) return prev.need;
      if (prev.node !== undefined && prev.node.type === "object") {
        result = mergeCopy(prev.node, result);
        this.owner.set(result, root);
      }
    }
    p.result = result;
    return undefined;
  }

  /**
   * `${self}` followed by objects (or lists), when the replaced value was built by this chain and
   * read only here: merge (or append) the rest into it in place. Undefined when it does not apply.
   */
  private extendInPlace(f: Frame, root: Pending): MNode | undefined {
    const first = f.out[0];
    const second = f.out[1];
    if (
      f.selfReads !== 1 || f.out.length !== 2 || first?.kind !== "node" ||
      first.node !== f.selfNode || this.owner.get(first.node) !== root ||
      second?.kind !== "node" || second.node.type !== first.node.type
    ) return undefined;
    const target = first.node;
    const srcs = [second.node];
    // The replaced object is merged under the result again (see step): that is a no-op only
    // when no object of it is replaced by something else.
    if (target.type === "object" && !keepsObjects(target, second.node as MObject)) {
      return undefined;
    }
    // A clean target extended with clean values stays clean, so it is not scanned again.
    const clean = this.clean.has(target) && srcs.every((x) => this.markIfClean(x));
    const touched: Array<MObject | MList> = [target];
    for (const src of srcs) {
      if (target.type === "object") this.mergeOwned(target, src as MObject, root, true, touched);
      else for (const item of (src as MList).items) target.items.push(item);
    }
    target.origin = f.p.origin;
    for (const c of touched) clean ? this.clean.add(c) : this.clean.delete(c);
    return target;
  }

  /** Whether no pending value is left inside `start`; if so its containers are marked clean. */
  private markIfClean(start: MObject | MList): boolean {
    const seen: Array<MObject | MList> = [];
    const todo: Array<MObject | MList> = [start];
    while (todo.length > 0) {
      const c = todo.pop()!;
      if (this.clean.has(c)) continue;
      seen.push(c);
      for (const v of c.type === "object" ? c.entries.values() : c.items) {
        if (v.type === "pending") return false;
        if (v.type === "object" || v.type === "list") todo.push(v);
      }
    }
    for (const c of seen) this.clean.add(c);
    return true;
  }

  /**
   * Merge `src` into `target`: objects merge recursively, anything else replaces. A nested object
   * of `target` is changed in place only when `inPlace` and this chain built it; otherwise it is
   * copied first (and the copy belongs to the chain), since other keys may share it.
   */
  private mergeOwned(
    target: MObject,
    src: MObject,
    root: Pending,
    inPlace: boolean,
    touched?: Array<MObject | MList>,
  ): void {
    for (const [key, value] of src.entries) {
      const existing = target.entries.get(key);
      if (existing !== undefined && existing.type === "object" && value.type === "object") {
        let both = existing;
        if (!inPlace || this.owner.get(existing) !== root) {
          both = { type: "object", entries: new Entries(existing.entries), origin: value.origin };
          this.owner.set(both, root);
        }
        both.origin = value.origin;
        touched?.push(both);
        this.mergeOwned(both, value, root, inPlace, touched);
        target.entries.set(key, both);
      } else {
        target.entries.set(key, value);
      }
    }
  }

  /** Add a substituted value to the frame's output, as the real reader formats it. */
  private emit(f: Frame, value: MNode, last: boolean, ws: string): void {
    switch (value.type) {
      case "object":
      case "list":
        f.out.push({ kind: "node", node: value });
        return;
      case "pending":
        throw new Error("unreachable: lookups settle pending values");
      case "scalar":
        if (value.value === null) return;
        if (!last) {
          f.out.push({ kind: "text", text: pyStr(value) + ws, ws: "", unquoted: false });
        } else if (typeof value.value === "string") {
          f.out.push({ kind: "text", text: value.value, ws: "", unquoted: false });
        } else {
          f.out.push({ kind: "scalar", node: value });
        }
    }
  }

  /** The node at the substitution's path in the final tree, or undefined when absent. */
  private lookup(f: Frame, t: Extract<Tok, { kind: "sub" }>): Lookup {
    const path = parseKeyPath(t.path);
    if (path.length === 0) {
      throw t.src.error(
        t.offset,
        `The substitution \${${t.path}} has no key path`,
        "a key path inside ${ }",
      );
    }
    let node: MNode = this.root;
    for (let k = 0; k < path.length; k++) {
      if (node.type !== "object") {
        throw t.src.error(
          t.offset,
          `Cannot resolve variable \${${t.path}}: ${path.slice(0, k).join(".")} is ${
            kindName(node)
          }`,
          "an object at every step of the path",
        );
      }
      const seg = path[k]!;
      let child: MNode | undefined = node.entries.get(seg);
      if (child === undefined) return { node: undefined };
      if (child.type === "pending") {
        const settled = this.settle(f.p, child);
        if ("need" in settled) return settled;
        if (settled.self) {
          f.selfReads++;
          if (k === path.length - 1) f.selfNode = settled.node;
        }
        if (child.state === "done" && node.entries.get(seg) === child) {
          if (child.result === undefined) node.entries.delete(seg);
          else node.entries.set(seg, child.result);
        }
        child = settled.node;
        if (child === undefined) return { node: undefined };
      }
      node = child;
    }
    if (node.type === "object" || node.type === "list") {
      const need = this.scan(node);
      if (need !== undefined) return { need };
    }
    return { node };
  }

  /**
   * The value of pending `p` as seen from the substitution being evaluated in `self`: when
   * `self` is `p` or a value that `p` overrides, it is a self-reference and reads what `self`
   * replaced.
   */
  private settle(self: Pending, p: Pending): Lookup {
    if (p === self || (chainRoot(p) === chainRoot(self) && p.chainDepth! > self.chainDepth!)) {
      const prev = this.settlePrev(self);
      return "need" in prev ? prev : { node: prev.node, self: true };
    }
    if (p.state === "done") return { node: p.result };
    return { need: p };
  }

  private settlePrev(p: Pending): Lookup {
    const prev = p.prev;
    if (prev === undefined || prev.type !== "pending") return { node: prev };
    if (prev.state === "done") return { node: prev.result };
    return { need: prev };
  }

  /**
   * The first unresolved pending value inside `start`, writing resolved ones back into their
   * slots on the way. Containers found clean are remembered, and a scan that stopped at a
   * pending value resumes there, so scanning stays linear however many values wait on others.
   */
  private scan(start: MObject | MList): Pending | undefined {
    if (this.clean.has(start)) return undefined;
    const stack = this.partial.get(start) ?? [enterScan(start)];
    this.partial.delete(start);
    while (stack.length > 0) {
      const e = stack[stack.length - 1]!;
      let next: MObject | MList | undefined;
      if ("it" in e) {
        for (;;) {
          let key: string;
          let value: MNode | undefined;
          if (e.retry !== undefined) {
            key = e.retry;
            e.retry = undefined;
            value = e.c.entries.get(key);
            if (value === undefined) continue;
          } else {
            const r = e.it.next();
            if (r.done) break;
            [key, value] = r.value;
          }
          if (value.type === "pending") {
            if (value.state !== "done") {
              e.retry = key;
              this.partial.set(start, stack);
              return value;
            }
            if (value.result === undefined) {
              e.c.entries.delete(key);
              continue;
            }
            value = value.result;
            e.c.entries.set(key, value);
          }
          if ((value.type === "object" || value.type === "list") && !this.clean.has(value)) {
            next = value;
            break;
          }
        }
      } else {
        const items = e.c.items;
        for (; e.i < items.length; e.i++) {
          let node = items[e.i]!;
          if (node.type === "pending") {
            if (node.state !== "done") {
              this.partial.set(start, stack);
              return node;
            }
            if (node.result === undefined) {
              e.i = dropListItem(items, e.i, node);
              continue;
            }
            node = node.result;
            items[e.i] = node;
          }
          if ((node.type === "object" || node.type === "list") && !this.clean.has(node)) {
            next = node;
            e.i++;
            break;
          }
        }
      }
      if (next !== undefined) {
        stack.push(enterScan(next));
      } else {
        this.clean.add(e.c);
        stack.pop();
      }
    }
    return undefined;
  }

  private cycle(p: Pending): HoconError {
    const from = this.stack.findIndex((f) => f.p === p);
    const names = this.stack.slice(from).map((f) => {
      const t = f.p.tokens[f.i];
      return t?.kind === "sub" ? `\${${t.path}}` : "an earlier value";
    });
    const top = this.stack[this.stack.length - 1]!;
    const t = top.p.tokens[top.i];
    const [src, offset] = t?.kind === "sub" ? [t.src, t.offset] : [top.p.src, top.p.offset];
    return src.error(
      offset,
      `Cannot resolve ${names[names.length - 1]}: substitution cycle ${
        [...names, names[0]].join(" -> ")
      }`,
      "substitutions that do not depend on themselves",
    );
  }
}

/**
 * The oldest pending value of the `prev` chain of `p` (each pending value has at most one newer
 * one, so chains are lines): `self` is in the chain of `p` when both share a root and `p` is
 * further from it. Cached, so long chains of self-references stay linear.
 */
function chainRoot(p: Pending): Pending {
  if (p.chainRoot !== undefined) return p.chainRoot;
  const path: Pending[] = [];
  let q = p;
  while (q.chainRoot === undefined && q.prev !== undefined && q.prev.type === "pending") {
    path.push(q);
    q = q.prev;
  }
  if (q.chainRoot === undefined) {
    q.chainRoot = q;
    q.chainDepth = 0;
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const r = path[i]!;
    r.chainRoot = q.chainRoot;
    r.chainDepth = q.chainDepth! + 1;
    q = r;
  }
  return p.chainRoot!;
}

/** Whether merging `src` into `target` leaves every object of `target` an object. */
function keepsObjects(target: MObject, src: MObject): boolean {
  const todo: Array<[MObject, MObject]> = [[target, src]];
  while (todo.length > 0) {
    const [t, s] = todo.pop()!;
    for (const [key, value] of s.entries) {
      const existing = t.entries.get(key);
      if (existing?.type !== "object") continue;
      if (value.type !== "object") return false;
      todo.push([existing, value]);
    }
  }
  return true;
}

/** A substituted value starts where the substitution is written. */
function rebase(node: MNode, p: Pending): MNode {
  if (node.origin === p.origin) return node;
  switch (node.type) {
    case "scalar":
      return withOrigin(node, p.origin);
    case "object":
      return { type: "object", entries: new Entries(node.entries), origin: p.origin };
    case "list":
      return { type: "list", items: node.items.slice(), origin: p.origin };
    default:
      return node;
  }
}

function kindName(node: MNode): string {
  if (node.type === "list") return "a list";
  if (node.type === "scalar") {
    const v = node.value;
    return v === null ? "null" : typeof v === "string" ? "a string" : `a ${typeof v}`;
  }
  return "an object";
}

/**
 * An item that resolved to nothing (only missing optional substitutions), as the real reader
 * removes it: it deletes "its key from its parent" when `key in parent`, which for a list asks
 * whether the item's original index is equal to one of the list's values (Python equality:
 * `1 == 1.0 == True`). So `[1, ${?X}, 3]` drops the item, `[${?X}, 2]` leaves None, and the item
 * removed or replaced is whatever sits at that index now. Returns the index to resume the scan
 * at, minus one (the caller's loop adds one).
 */
function dropListItem(items: MNode[], at: number, p: Pending): number {
  const key = p.listIndex ?? at;
  const none = (): MNode => scalarNode(null, p.origin);
  if (items.some((item) => pyEqualsInt(item, key))) {
    items.splice(key, 1);
    // Left in place when another item went: the reader's last pass turns it into None.
    const self = items.indexOf(p);
    if (self >= 0) items[self] = none();
    return key <= at ? at - 1 : at;
  }
  if (key >= items.length) {
    throw p.src.error(
      p.offset,
      "List assignment index out of range (the real reader crashes with IndexError on this list)",
      "at most one optional substitution that resolves to nothing in a list, or none",
    );
  }
  items[key] = none();
  const self = items.indexOf(p);
  if (self >= 0) items[self] = none();
  return at;
}

/** Python's `item == key` for an int key: numbers and booleans compare by value. */
function pyEqualsInt(item: MNode, key: number): boolean {
  const node = item.type === "pending" ? item.result : item;
  if (node === undefined || node.type !== "scalar") return false;
  const v = node.value;
  if (typeof v === "number") return v === key;
  if (typeof v === "boolean") return (v ? 1 : 0) === key;
  return false;
}
