/**
 * The multipart reader's pieces: `findBytes` agrees with a naive search on random bytes (needle
 * at the start, the end, cut off by the end, absent), and header parameters are read as werkzeug
 * reads them (quoted, `\\"` and `\\\\` escapes only, RFC 5987 `name*`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findBytes, headerParams } from "../../src/server/files/multipart.ts";

function naive(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe("findBytes()", () => {
  it("finds what a naive search finds, on 2,000 random cases over a small alphabet", () => {
    for (let n = 0; n < 2000; n++) {
      const hay = crypto.getRandomValues(new Uint8Array(1 + (n % 97))).map((b) => b % 3);
      const needle = crypto.getRandomValues(new Uint8Array(1 + (n % 5))).map((b) => b % 3);
      assert.equal(findBytes(hay, needle), naive(hay, needle), `${hay} / ${needle}`);
    }
  });

  it("finds a needle at the very start and end, not one cut off by the end", () => {
    const needle = new Uint8Array([13, 10, 45, 45, 98]);
    assert.equal(findBytes(new Uint8Array([13, 10, 45, 45, 98, 0]), needle), 0);
    assert.equal(findBytes(new Uint8Array([0, 13, 13, 10, 45, 45, 98]), needle), 2);
    assert.equal(findBytes(new Uint8Array([0, 13, 10, 45, 45]), needle), -1);
  });
});

describe("headerParams()", () => {
  it("reads quoted, plain and RFC 5987 values, and only werkzeug's escapes", () => {
    const p = headerParams(
      'form-data; name="/a b/c.txt"; filename=plain.bin; x="q\\"uote"; y="back\\\\slash"; ' +
        "w=\"a\\b\"; z*=UTF-8''donn%C3%A9es",
    );
    assert.equal(p.get("name"), "/a b/c.txt");
    assert.equal(p.get("filename"), "plain.bin");
    assert.equal(p.get("x"), 'q"uote');
    assert.equal(p.get("y"), "back\\slash");
    assert.equal(
      p.get("w"),
      "a\\b",
      "a lone backslash stays (Windows-looking paths are refused later)",
    );
    assert.equal(p.get("z"), "données");
  });
});
