import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { posix } from "node:path";
import { dirname, isAbsolute, join } from "../../src/settings/path.ts";

const SAMPLES = [
  "",
  ".",
  "..",
  "/",
  "//",
  "///a",
  "a",
  "a/",
  "/a/b/",
  "a//b",
  "./a",
  "a/./b",
  "a/../b",
  "a/b/../../..",
  "/a/../..",
  "/..",
  "../a/b/..",
  "a/b/c/",
  "/home/u/.clearml.conf",
  "~/clearml.conf",
  "a/.../b",
  ".hidden/",
  "/a//b///c/",
];

describe("path (settings)", () => {
  it("join() gives what node:path's posix.join gives", () => {
    for (const a of SAMPLES) {
      assert.equal(join(a), posix.join(a), JSON.stringify(a));
      for (const b of SAMPLES) {
        assert.equal(join(a, b), posix.join(a, b), JSON.stringify([a, b]));
        assert.equal(join(a, b, "x"), posix.join(a, b, "x"), JSON.stringify([a, b, "x"]));
      }
    }
    assert.equal(join(), posix.join());
  });

  it("dirname() and isAbsolute() give what node:path's posix ones give", () => {
    for (const a of SAMPLES) {
      assert.equal(dirname(a), posix.dirname(a), JSON.stringify(a));
      assert.equal(isAbsolute(a), posix.isAbsolute(a), JSON.stringify(a));
    }
  });
});
