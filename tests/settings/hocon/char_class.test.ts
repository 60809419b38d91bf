/** The parser's table of character classes is the rules of charClassOf(), written out. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CHAR_CLASS,
  charClassOf,
  EOL,
  IDENT,
  KEY,
  UNQUOTED,
  WS,
} from "../../../src/settings/hocon/_char_class.ts";

describe("CHAR_CLASS", () => {
  it("holds charClassOf(c) for every code below 256", () => {
    assert.equal(CHAR_CLASS.length, 256);
    for (let c = 0; c < 256; c++) assert.equal(CHAR_CLASS[c], charClassOf(c), `code ${c}`);
  });

  it("classes a few characters as the real reader does", () => {
    assert.equal(charClassOf(0x20), WS | KEY); // a space: skipped, and allowed inside a key
    assert.equal(charClassOf(0x0a), EOL);
    assert.equal(charClassOf(0x61), UNQUOTED | KEY | IDENT); // a
    assert.equal(charClassOf(0x24), IDENT); // $: forbidden unquoted
    assert.equal(charClassOf(0x3a), UNQUOTED); // `:` is allowed in an unquoted string
    assert.equal(charClassOf(0xa0), 0); // Python's \s ends an unquoted string
    assert.equal(charClassOf(0xe9), UNQUOTED | KEY); // é: a Latin-1 letter
  });
});
