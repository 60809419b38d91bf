/**
 * The keys and values of a configuration object, in insertion order, with the part of `Map`'s
 * interface the tree needs. Two arrays instead of a `Map`: a configuration holds tens of
 * thousands of small objects, for which a `Map` and its table cost about twice the memory (a 5 MB
 * clearml.conf: 33,000 of them), and a walk reads the arrays in a plain loop. Objects of more
 * than a few keys get a `Map` of key to slot, so that lookups stay constant-time however many
 * keys an object has.
 *
 * A deleted key leaves a hole (never reused or compacted), as a `Map` iteration in progress must
 * still see every later entry once: a key set again after `delete` goes to the end, as in a
 * `Map`. Holes cost one slot per deletion, so memory and walks stay linear in the keys set.
 */
export class Entries<V> implements Iterable<[string, V]> {
  // `declare`: the fields are set in the constructor, in one order, with no class-field
  // definitions before it (an object per configuration object: its construction is on the hot path)
  /**
   * Keys by slot, undefined where a key was deleted; for the walks of large trees, which read
   * `keyList[i]` and `valueList[i]` in a plain loop. Change them only through `set`/`delete`.
   */
  declare readonly keyList: Array<string | undefined>;
  /** Values by slot (undefined where the key was deleted). */
  declare readonly valueList: Array<V | undefined>;
  declare private index: Map<string, number> | undefined;
  declare private holes: number;

  /** An empty object, or a copy of `from` (another `Entries`, a `Map`, or pairs). */
  constructor(from?: Iterable<readonly [string, V]>) {
    if (from instanceof Entries && from.holes === 0) {
      const src = from as Entries<V>;
      this.keyList = src.keyList.slice();
      this.valueList = src.valueList.slice();
      this.index = src.index === undefined ? undefined : new Map(src.index);
      this.holes = 0;
      return;
    }
    this.keyList = [];
    this.valueList = [];
    this.index = undefined;
    this.holes = 0;
    if (from !== undefined) { for (const [k, v] of from) this.set(k, v); }
  }

  get size(): number {
    return this.keyList.length - this.holes;
  }

  /** The slot of `key`, or -1. */
  private slotOf(key: string): number {
    if (this.index !== undefined) return this.index.get(key) ?? -1;
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
    return -1;
  }

  get(key: string): V | undefined {
    const i = this.slotOf(key);
    return i < 0 ? undefined : this.valueList[i];
  }

  has(key: string): boolean {
    return this.slotOf(key) >= 0;
  }

  set(key: string, value: V): this {
    const i = this.slotOf(key);
    if (i >= 0) {
      this.valueList[i] = value;
      return this;
    }
    return this.append(key, value);
  }

  /** `set` of a key the caller has just looked up and not found: no second lookup. */
  append(key: string, value: V): this {
    const keys = this.keyList;
    const slot = keys.length;
    keys.push(key);
    this.valueList.push(value);
    if (this.index !== undefined) this.index.set(key, slot);
    else if (slot >= INDEX_FROM) this.buildIndex();
    return this;
  }

  delete(key: string): boolean {
    const i = this.slotOf(key);
    if (i < 0) return false;
    this.keyList[i] = undefined;
    this.valueList[i] = undefined;
    this.index?.delete(key);
    this.holes++;
    return true;
  }

  *keys(): IterableIterator<string> {
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) yield key;
    }
  }

  *values(): IterableIterator<V> {
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== undefined) yield this.valueList[i] as V;
    }
  }

  *entries(): IterableIterator<[string, V]> {
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) yield [key, this.valueList[i] as V];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  private buildIndex(): void {
    const index = new Map<string, number>();
    const keys = this.keyList;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) index.set(key, i);
    }
    this.index = index;
  }
}

/**
 * From this many slots on, an object keeps a `Map` of key to slot. Below it a lookup scans at
 * most 15 keys, as quick as a `Map`'s hash; and `config show`'s defaults (objects of 9 to 11
 * keys) make no `Map`: each would add a `Map` and its storage, grown through two or three size
 * classes, to the heap blocks a start takes (see the README's start-up section).
 */
const INDEX_FROM = 16;

/** The methods a large parse spends its time in, for `keepOutOfFtl`. */
export function entriesHotPath(): unknown[] {
  const proto = Entries.prototype as unknown as Record<string, unknown>;
  return [Entries, ...["get", "set", "append", "slotOf"].map((name) => proto[name])];
}
