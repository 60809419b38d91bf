import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeUtf8 } from "../../src/settings/decode_utf8.ts";

const bytes = (...xs: number[]) => new Uint8Array(xs);

// What Python's bytes.decode("utf-8") rejects (Objects/stringlib/codecs.h): overlong forms,
// surrogates, code points above U+10FFFF, stray continuation bytes, cut sequences.
describe("decodeUtf8()", () => {
  it("decodes well-formed UTF-8 of every length, and a 5 MB file", () => {
    const text = "a é € 😀";
    assert.deepEqual(decodeUtf8(new TextEncoder().encode(text), "f"), { ok: true, text });
    const big = "api { x: café }\n".repeat(330_000);
    const r = decodeUtf8(new TextEncoder().encode(big), "f");
    assert.ok(r.ok && r.text === big);
  });

  for (
    const [why, b, offset] of [
      ["an overlong 2-byte form", bytes(0x61, 0xc0, 0x80), 1],
      ["an overlong 3-byte form", bytes(0xe0, 0x80, 0x80), 0],
      ["a surrogate", bytes(0x61, 0x0a, 0x62, 0xed, 0xa0, 0x80), 3],
      ["a code point above U+10FFFF", bytes(0xf4, 0x90, 0x80, 0x80), 0],
      ["a stray continuation byte", bytes(0x61, 0x80), 1],
      ["a sequence cut by the end", bytes(0x61, 0xe2, 0x82), 1],
      ["a Latin-1 byte", bytes(0x63, 0x61, 0x66, 0xe9), 3],
    ] as const
  ) {
    it(`decodeUtf8() rejects ${why}, naming the byte`, () => {
      const r = decodeUtf8(b, "/x/clearml.conf");
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.error : "", new RegExp(`offset ${offset}\\)`));
    });
  }
});
