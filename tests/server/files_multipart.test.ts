/**
 * The multipart reader's pieces: `findBytes` agrees with a naive search on random bytes (needle
 * at the start, the end, cut off by the end, absent), and header parameters are read as werkzeug
 * reads them (quoted, `\\"` and `\\\\` escapes only, RFC 5987 `name*`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findBytes, headerParams, readMultipart } from "../../src/server/files/multipart.ts";

async function* pieces(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const c of [...cuts, bytes.byteLength]) {
    yield bytes.slice(from, c);
    from = c;
  }
}

/** The files of a multipart body, read with the body cut at `cuts`. */
async function filesOf(body: Uint8Array, boundary: string, cuts: number[]): Promise<string[]> {
  const out: string[] = [];
  let cur: Buffer[] = [];
  for await (const ev of readMultipart(pieces(body, cuts), boundary)) {
    if (ev.kind === "part") cur = [];
    else if (ev.kind === "data") cur.push(Buffer.from(ev.bytes));
    else out.push(Buffer.concat(cur).toString("latin1"));
  }
  return out;
}

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

describe("readMultipart()", () => {
  it("reads the same parts wherever one cut falls, a delimiter split at every byte included", async () => {
    const b = "XyZ0123456789";
    const one = "a".repeat(300) + "\r\n--" + b.slice(0, 5) + "b".repeat(200); // look-alike
    const two = "c".repeat(500);
    const body = Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="1"; filename="1"\r\n\r\n${one}\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="2"; filename="2"\r\n\r\n${two}\r\n` +
        `--${b}--\r\n`,
      "latin1",
    );
    for (let cut = 1; cut < body.byteLength; cut++) {
      assert.deepEqual(await filesOf(body, b, [cut]), [one, two], `cut at ${cut}`);
    }
    // three pieces: a big first chunk, then the seam logic on a held-back tail
    for (let cut = 560; cut < 700; cut++) {
      assert.deepEqual(await filesOf(body, b, [cut, cut + 150]), [one, two], `cuts ${cut}`);
    }
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
