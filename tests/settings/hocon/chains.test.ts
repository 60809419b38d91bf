import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHocon } from "../../../src/settings/hocon/parse.ts";
import { type Plain, toPlain } from "../../../src/settings/tree.ts";

const N = 10_000;

function plain(text: string): Record<string, Plain> {
  return toPlain(parseHocon(text)) as Record<string, Plain>;
}

/** Lines `first`, then `line(i)` for i = 1 … N-1. */
function chain(first: string, line: (i: number) => string): string {
  const lines = [first];
  for (let i = 1; i < N; i++) lines.push(line(i));
  return lines.join("\n");
}

// Values that extend themselves are the HOCON idiom for appending to a setting
// (ClearML's reader: clearml/utilities/pyhocon/config_parser.py, ConfigParser.resolve_substitutions).
describe("parseHocon() resolves 10,000-deep substitution chains", () => {
  it("an object that extends itself 10,000 times holds every key, in order", () => {
    const o = plain(chain("o { k0: 0 }", (i) => `o: \${o} { k${i}: ${i} }`)).o as Record<
      string,
      Plain
    >;
    const keys = Object.keys(o);
    assert.equal(keys.length, N);
    assert.deepEqual([keys[0], keys[1], keys[N - 1]], ["k0", "k1", `k${N - 1}`]);
    assert.equal(o[`k${N - 1}`], N - 1);
  });

  it("a nested object that extends itself 10,000 times merges at every level", () => {
    const text = chain("o { s { k0: 0 }, t: 1 }", (i) => `o: \${o} { s { k${i}: ${i} } }`);
    const o = plain(text).o as { s: Record<string, Plain>; t: Plain };
    assert.equal(Object.keys(o.s).length, N);
    assert.equal(o.s[`k${N - 1}`], N - 1);
    assert.equal(o.t, 1);
  });

  it("a list that extends itself 10,000 times holds every item, in order", () => {
    const l = plain(chain("l: [0]", (i) => `l: \${l} [${i}]`)).l as number[];
    assert.equal(l.length, N);
    assert.ok(l.every((v, i) => v === i));
  });

  it("a chain of 10,000 keys, each the one before, and one of strings that extend themselves", () => {
    const fwd = plain(chain("k0: end", (i) => `k${i}: \${k${i - 1}}`));
    assert.equal(fwd[`k${N - 1}`], "end");
    const s = plain(chain("p: a", () => "p: ${p}b"));
    assert.equal(s.p, "a" + "b".repeat(N - 1));
  });

  it("an extension that replaces an object with a scalar and back keeps the older object out", () => {
    // The value that replaced o.a with 5 drops the old o.a, so only z is left.
    assert.deepEqual(plain("o { a { x: 1 } }\no: ${o} { a: 5 }\no: ${o} { a { z: 3 } }"), {
      o: { a: { z: 3 } },
    });
  });

  it("an extension does not change an object that another key copied", () => {
    const text = "o { a { x: 1 } }\no: ${o} { b: 1 }\nc: ${o}\no: ${o} { a { y: 2 } }";
    assert.deepEqual(plain(text), {
      o: { a: { x: 1, y: 2 }, b: 1 },
      c: { a: { x: 1, y: 2 }, b: 1 },
    });
    const later =
      "o { a { x: 1 } }\no: ${o} { b: 1 }\nc: ${o} { a { z: 9 } }\no: ${o} { a { y: 2 } }";
    assert.deepEqual(plain(later), {
      o: { a: { x: 1, y: 2 }, b: 1 },
      c: { a: { x: 1, y: 2, z: 9 }, b: 1 },
    });
  });

  it("an extension whose new part holds a substitution resolves it", () => {
    const text = "x: 7\no { k0: 0 }\no: ${o} { k1: ${x} }\no: ${o} { k2: ${x} }";
    assert.deepEqual(plain(text), { x: 7, o: { k0: 0, k1: 7, k2: 7 } });
  });
});
