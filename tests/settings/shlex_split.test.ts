import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { shlexSplit } from "../../src/settings/shlex_split.ts";

/** [input, tokens] as Python's shlex.split gives them. */
const SPLITS: Array<[string, string[], string]> = [
  [
    "--ipc=host -e 'A=b c' --network host",
    ["--ipc=host", "-e", "A=b c", "--network", "host"],
    "agent T06",
  ],
  [
    "--use-deprecated=legacy-resolver --no-cache-dir",
    ["--use-deprecated=legacy-resolver", "--no-cache-dir"],
    "agent T08",
  ],
  ['team=ml "owner=John Doe"', ["team=ml", "owner=John Doe"], "agent T53"],
  ["", [], "empty"],
  [" \t\r\n ", [], "whitespace only"],
  ["a '' b", ["a", "", "b"], "an empty quoted token"],
  ['a"b c"d', ["ab cd"], "quotes join adjacent text"],
  ["a\\ b", ["a b"], "an escaped space"],
  ["'c\\d'", ["c\\d"], "no escapes inside single quotes"],
  ['"a\\"b"', ['a"b'], "an escaped double quote"],
  ['"e\\f"', ["e\\f"], "a backslash before another character is kept inside double quotes"],
  ['"x\\\\y"', ["x\\y"], "an escaped backslash inside double quotes"],
  ["x\vy", ["x\vy"], "a vertical tab is not a separator"],
  ["# not a comment", ["#", "not", "a", "comment"], "no comments"],
  ["$HOME ${X}", ["$HOME", "${X}"], "no expansion"],
];

describe("shlexSplit()", () => {
  for (const [input, tokens, why] of SPLITS) {
    it(`shlexSplit() splits ${JSON.stringify(input)} (${why})`, () => {
      assert.deepEqual(shlexSplit(input), tokens);
    });
  }

  it("shlexSplit() throws No closing quotation for an unbalanced single quote (agent T07)", () => {
    assert.throws(() => shlexSplit("-e 'unterminated"), { message: "No closing quotation" });
  });

  it("shlexSplit() throws No closing quotation for an unbalanced double quote", () => {
    assert.throws(() => shlexSplit('a "b'), { message: "No closing quotation" });
  });

  it("shlexSplit() throws No escaped character for a trailing lone backslash", () => {
    assert.throws(() => shlexSplit("a\\"), { message: "No escaped character" });
  });

  it("shlexSplit() throws No escaped character for a backslash at the end inside double quotes", () => {
    assert.throws(() => shlexSplit('"abc\\'), { message: "No escaped character" });
  });
});

describe("shlexSplit() on long values", () => {
  it("shlexSplit() splits a million-character quoted token, escapes and words in one pass", () => {
    const long = "x".repeat(1_000_000);
    assert.deepEqual(shlexSplit(`'${long}' "${long}\\"" a\\ b`), [long, `${long}"`, "a b"]);
    assert.equal(shlexSplit("\\a".repeat(500_000))[0]!.length, 500_000);
    assert.equal(shlexSplit("ab ".repeat(300_000)).length, 300_000);
  });

  it("shlexSplit() keeps a surrogate pair that a backslash escapes", () => {
    assert.deepEqual(shlexSplit("\\😀x '😀' \"\\😀\""), ["😀x", "😀", "\\😀"]);
  });
});
