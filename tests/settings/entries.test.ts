import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Entries } from "../../src/settings/entries.ts";

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sameAsMap(e: Entries<number>, m: Map<string, number>, what: string): void {
  assert.deepEqual([...e], [...m], `${what}: entries`);
  assert.equal(e.size, m.size, `${what}: size`);
  assert.deepEqual([...e.keys()], [...m.keys()], `${what}: keys`);
  assert.deepEqual([...e.values()], [...m.values()], `${what}: values`);
}

describe("Entries", () => {
  it("behaves as a Map under random sets, deletes and lookups, small and large", () => {
    for (const keyCount of [3, 8, 9, 40, 400]) {
      const next = random(keyCount);
      const e = new Entries<number>();
      const m = new Map<string, number>();
      for (let step = 0; step < 3000; step++) {
        const key = `k${Math.floor(next() * keyCount)}`;
        const op = next();
        if (op < 0.55) {
          // append is set for a key just looked up and not found
          if (op < 0.2 && !e.has(key)) e.append(key, step);
          else e.set(key, step);
          m.set(key, step);
        } else if (op < 0.8) {
          assert.equal(e.delete(key), m.delete(key), `delete ${key} at step ${step}`);
        } else {
          assert.equal(e.get(key), m.get(key), `get ${key} at step ${step}`);
          assert.equal(e.has(key), m.has(key), `has ${key} at step ${step}`);
        }
        if (step % 250 === 0) sameAsMap(e, m, `${keyCount} keys, step ${step}`);
      }
      sameAsMap(e, m, `${keyCount} keys, at the end`);
      sameAsMap(new Entries(e), m, `${keyCount} keys, a copy`);
    }
  });

  it("keeps a key's place when it is set again, and moves it to the end after a delete", () => {
    const e = new Entries<number>([["a", 1], ["b", 2], ["c", 3]]);
    e.set("a", 10);
    assert.deepEqual([...e.keys()], ["a", "b", "c"]);
    e.delete("a");
    e.set("a", 11);
    assert.deepEqual([...e], [["b", 2], ["c", 3], ["a", 11]]);
  });

  it("lets a walk in progress see the entries set during it and skip the ones deleted", () => {
    const e = new Entries<number>([["a", 1], ["b", 2], ["c", 3]]);
    const m = new Map<string, number>([["a", 1], ["b", 2], ["c", 3]]);
    const walk = (x: Entries<number> | Map<string, number>) => {
      const seen: string[] = [];
      for (const [k] of x) {
        seen.push(k);
        if (k === "a") {
          x.delete("b");
          x.set("d", 4);
        }
      }
      return seen;
    };
    assert.deepEqual(walk(e), walk(m));
    assert.deepEqual(walk(new Entries(e)), ["a", "c", "d"]);
  });

  it("copies independently of the source, from Entries, a Map or pairs", () => {
    const source = new Entries<number>();
    for (let i = 0; i < 20; i++) source.set(`k${i}`, i);
    source.delete("k3");
    const copies = [new Entries(source), new Entries(new Map(source)), new Entries([...source])];
    for (const copy of copies) {
      copy.set("k0", -1);
      copy.set("new", 99);
      copy.delete("k5");
      assert.equal(source.get("k0"), 0);
      assert.equal(source.has("new"), false);
      assert.equal(source.get("k5"), 5);
      assert.equal(copy.get("k19"), 19);
      assert.equal(copy.size, 19);
    }
  });

  it("copies an object of many keys and no holes independently of the source", () => {
    // 20 keys and no deletion: the copy takes the source's key-to-slot index, which must be its own
    const source = new Entries<number>();
    for (let i = 0; i < 20; i++) source.set(`k${i}`, i);
    const copy = new Entries(source);
    copy.set("new", 99);
    copy.delete("k5");
    assert.equal(source.has("new"), false);
    assert.equal(source.get("new"), undefined);
    assert.equal(source.get("k5"), 5);
    assert.equal(source.has("k5"), true);
    source.set("late", 1);
    assert.equal(copy.has("late"), false);
    assert.equal(copy.get("new"), 99);
    assert.equal(source.size, 21);
    assert.equal(copy.size, 20);
  });

  it("keeps one entry per key when copied from pairs that repeat a key, as a Map does", () => {
    const pairs: Array<[string, number]> = [["a", 1], ["b", 2], ["a", 3]];
    assert.deepEqual([...new Entries(pairs)], [...new Map(pairs)]);
    assert.equal(new Entries(pairs).size, 2);
  });

  it("takes any key name, `__proto__` and the empty string included", () => {
    const e = new Entries<string>();
    for (const key of ["__proto__", "", "constructor", "hasOwnProperty"]) e.set(key, key);
    assert.deepEqual([...e.keys()], ["__proto__", "", "constructor", "hasOwnProperty"]);
    assert.equal(e.get("__proto__"), "__proto__");
    assert.equal(e.get("toString"), undefined);
  });

  it("exposes slots whose holes are the deleted keys", () => {
    const e = new Entries<number>([["a", 1], ["b", 2]]);
    e.delete("a");
    assert.deepEqual(e.keyList, [undefined, "b"]);
    assert.deepEqual(e.valueList, [undefined, 2]);
    assert.equal(e.size, 1);
  });
});
