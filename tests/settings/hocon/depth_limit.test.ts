import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HoconError, parseHocon } from "../../../src/settings/hocon/parse.ts";
import { MAX_DEPTH } from "../../../src/settings/hocon/_parser.ts";

/** Whether the text parses; a HoconError that is not about nesting fails the test. */
function parses(text: string): boolean {
  try {
    parseHocon(text);
    return true;
  } catch (e) {
    assert.ok(e instanceof HoconError, String(e));
    assert.match(e.message, new RegExp(`Nesting deeper than ${MAX_DEPTH} levels`));
    return false;
  }
}

describe("parseHocon() nesting limit", () => {
  it(`the limit is ${1000} levels`, () => assert.equal(MAX_DEPTH, 1000));

  it("reads objects nested exactly MAX_DEPTH deep and rejects one more", () => {
    const nest = (n: number) => "a{".repeat(n) + "}".repeat(n);
    assert.equal(parses(nest(MAX_DEPTH)), true);
    assert.equal(parses(nest(MAX_DEPTH + 1)), false);
  });

  it("reads lists nested exactly MAX_DEPTH deep and rejects one more", () => {
    const nest = (n: number) => "a: " + "[".repeat(n) + "]".repeat(n);
    assert.equal(parses(nest(MAX_DEPTH)), true);
    assert.equal(parses(nest(MAX_DEPTH + 1)), false);
  });

  it("counts each segment of a dotted key as a level, like the braces it stands for", () => {
    // MAX_DEPTH + 1 segments: MAX_DEPTH objects holding the scalar.
    const dotted = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`).join(".") + ": 1";
    assert.equal(parses(dotted(MAX_DEPTH + 1)), true);
    assert.equal(parses(dotted(MAX_DEPTH + 2)), false);
    const mixed = (n: number) => "a.".repeat(n - 1) + "b { c: 1 }";
    assert.equal(parses(mixed(MAX_DEPTH)), true);
    assert.equal(parses(mixed(MAX_DEPTH + 1)), false);
  });
});
