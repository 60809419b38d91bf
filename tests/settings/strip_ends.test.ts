import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { stripEnds } from "../../src/settings/strip_ends.ts";
import { rstripSlash } from "../../src/settings/hosts.ts";
import { pyInt } from "../../src/settings/py_int.ts";
import { pyStrip } from "../../src/settings/py_str.ts";
import { urlFacts } from "../../src/doctor/probes/_url.ts";

// A run of a million characters that is not at the end: a regular expression anchored only at
// the end (/\/+$/) retried it from each of its positions, which takes hours.
const RUN = 1_000_000;

describe("stripping the ends of long values", () => {
  it("stripEnds() strips both ends or only the end", () => {
    const space = (c: number) => c === 32;
    assert.equal(stripEnds("  a b  ", space), "a b");
    assert.equal(stripEnds("  a b  ", space, "end"), "  a b");
    assert.equal(stripEnds("    ", space), "");
    assert.equal(stripEnds("", space), "");
  });

  it("rstripSlash() is Python's rstrip('/'), also past a million slashes inside the value", () => {
    assert.equal(rstripSlash("https://h:8008///"), "https://h:8008");
    assert.equal(rstripSlash("/"), "");
    const inside = `https://h/${"/".repeat(RUN)}x`;
    assert.equal(rstripSlash(inside), inside);
    assert.equal(rstripSlash(`${inside}//`), inside);
  });

  it("pyInt() strips ASCII whitespace only, also around a million spaces inside the value", () => {
    assert.equal(pyInt(" \t42\n "), 42);
    assert.equal(pyInt("1\x1c"), undefined);
    assert.equal(pyInt(`1${" ".repeat(RUN)}2`), undefined);
    assert.equal(pyInt(`${" ".repeat(RUN)}7${" ".repeat(RUN)}`), 7);
  });

  it("pyStrip() keeps a surrogate pair at either end and strips a million spaces", () => {
    assert.equal(pyStrip("\u3000\u{1F600}x\u{1F600}\u0085"), "\u{1F600}x\u{1F600}");
    assert.equal(pyStrip(`${" ".repeat(RUN)}v${"\u2003".repeat(RUN)}`), "v");
    assert.equal(pyStrip("\ufeffv"), "\ufeffv");
  });

  it("urlFacts() drops the trailing slashes of a path that holds a million of them", () => {
    assert.equal(urlFacts("https://api.example.com/v2///", "api").path, "/v2");
    assert.equal(
      urlFacts(`https://api.example.com/${"/".repeat(RUN)}x/`, "api").path.length,
      RUN + 2,
    );
  });
});
