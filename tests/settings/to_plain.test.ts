import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { mergeNodes, toPlain } from "../../src/settings/tree.ts";

describe("toPlain()", () => {
  it("toPlain() keeps a key named __proto__ as an own key, and the prototype unchanged", () => {
    const plain = toPlain(parseHocon('"__proto__" { polluted: 1 }\nconstructor: 2')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(plain), ["__proto__", "constructor"]);
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(plain)), {
      ["__proto__"]: { polluted: 1 },
      constructor: 2,
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("toPlain() keeps lists and key order", () => {
    assert.deepEqual(
      JSON.stringify(toPlain(parseHocon("b: [1, [2, {c: 3}]]\na: x"))),
      '{"b":[1,[2,{"c":3}]],"a":"x"}',
    );
  });
});

describe("toPlain() and mergeNodes() of objects with removed keys", () => {
  it("leave out a key that an unset optional substitution removed", () => {
    const tree = parseHocon("o { a = ${?CLEARML_TEST_UNSET_X}, b = 1 }");
    assert.deepEqual(toPlain(tree), { o: { b: 1 } });
    const over = parseHocon("o { a = ${?CLEARML_TEST_UNSET_X}, c = 2 }");
    assert.deepEqual(toPlain(mergeNodes(tree, over)), { o: { b: 1, c: 2 } });
    assert.deepEqual(toPlain(mergeNodes(over, tree)), { o: { c: 2, b: 1 } });
  });
});
