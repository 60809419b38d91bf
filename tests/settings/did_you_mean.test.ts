import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { didYouMean, editDistance } from "../../src/settings/did_you_mean.ts";
import { knownNames } from "../../src/settings/catalogue.ts";
import { envCheck } from "../../src/settings/env_check.ts";
import { mulberry32 } from "../_helpers/seeded_random.ts";

/** The textbook full-matrix optimal-string-alignment distance, to hold the banded one against. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe("editDistance()", () => {
  it("editDistance() counts a transposition as one edit", () => {
    assert.equal(editDistance("CLEAMRL", "CLEARML"), 1);
    assert.equal(editDistance("abc", "abc"), 0);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("kitten", "sitting"), 3);
  });

  it("editDistance() with a limit agrees with the full matrix, or says it is over the limit", () => {
    const rnd = mulberry32(7);
    const word = () => {
      let s = "";
      const n = Math.floor(rnd() * 14);
      for (let i = 0; i < n; i++) s += "ABCD_"[Math.floor(rnd() * 5)];
      return s;
    };
    for (let t = 0; t < 3000; t++) {
      const a = word(), b = word();
      const limit = Math.floor(rnd() * 6);
      const full = reference(a, b);
      assert.equal(editDistance(a, b), full, `${a} ${b}`);
      assert.equal(
        editDistance(a, b, limit),
        full <= limit ? full : limit + 1,
        `${a} ${b} ${limit}`,
      );
    }
  });
});

describe("didYouMean()", () => {
  const known = knownNames();

  it("didYouMean() finds a misspelled name, a swapped pair and the same words in another order", () => {
    assert.deepEqual(didYouMean("CLEARML_API_HOTS", known)[0], "CLEARML_API_HOST");
    assert.deepEqual(didYouMean("clearml_api_host", known), ["CLEARML_API_HOST"]);
    assert.deepEqual(didYouMean("docker_default", ["default_docker", "other"]), ["default_docker"]);
  });

  it("didYouMean() ranks by distance, then by name, and keeps at most three", () => {
    assert.deepEqual(didYouMean("abcd", ["abcx", "abxx", "abce", "abcd_"]), [
      "abcd_",
      "abce",
      "abcx",
    ]);
  });

  it("didYouMean() gives the same answers as comparing with every name", () => {
    const rnd = mulberry32(11);
    for (let t = 0; t < 100; t++) {
      const base = known[Math.floor(rnd() * known.length)]!;
      let name = base;
      for (let e = Math.floor(rnd() * 4); e > 0; e--) {
        const p = Math.floor(rnd() * (name.length + 1));
        name = rnd() < 0.5
          ? name.slice(0, p) + "XQ_"[Math.floor(rnd() * 3)] + name.slice(p)
          : name.slice(0, p) + name.slice(p + 1);
      }
      const limit = Math.max(2, Math.floor(name.length / 4));
      const words = (s: string) => s.toLowerCase().split(/[_.-]/).sort().join("_");
      const expected = known
        .map((c) => ({
          c,
          d: c.toUpperCase() === name.toUpperCase() || words(c) === words(name)
            ? 0
            : reference(name, c),
        }))
        .filter((x) => x.d <= limit)
        .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1))
        .slice(0, 3)
        .map((x) => x.c);
      assert.deepEqual(didYouMean(name, known), expected, name);
    }
  });

  it("didYouMean() answers for a 1 MB name without comparing it cell by cell", () => {
    assert.deepEqual(didYouMean("CLEARML_" + "A".repeat(1 << 20), known), []);
  });
});

describe("envCheck() with 10,000 unknown names", () => {
  it("envCheck() reports every one of 10,000 unknown CLEARML_ names, with its guess", () => {
    const env: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) env[`CLEARML_API_HOST_${i}`] = "x";
    env.CLEARML_API_HOTS = "x";
    const unknown = envCheck({ env }).filter((f) => f.code === "unknown-name");
    assert.equal(unknown.length, 10_001);
    const typo = unknown.find((f) => f.subject === "CLEARML_API_HOTS");
    assert.match(typo?.message ?? "", /did you mean CLEARML_API_HOST\b/);
    const far = unknown.find((f) => f.subject === "CLEARML_API_HOST_9999");
    assert.ok(far);
  });
});
