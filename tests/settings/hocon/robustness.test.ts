import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HoconError, parseHocon, type ParseOptions } from "../../../src/settings/hocon/parse.ts";
import { type Plain, toPlain } from "../../../src/settings/tree.ts";
import { mulberry32 } from "../../_helpers/seeded_random.ts";

interface HoconCase {
  name: string;
  text: string;
  env: Record<string, string>;
}

const cases = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../fixtures/hocon/cases.json", import.meta.url).href),
    "utf8",
  ),
) as HoconCase[];

/** Parse, returning the plain tree or the HoconError; anything else thrown fails the test. */
function outcome(text: string, opts?: ParseOptions): Plain | HoconError {
  try {
    return toPlain(parseHocon(text, opts));
  } catch (e) {
    if (e instanceof HoconError) return e;
    throw new Error(`not a HoconError for ${JSON.stringify(text.slice(0, 200))}: ${String(e)}`, {
      cause: e,
    });
  }
}

describe("parseHocon() refuses deep nesting with a clear error", () => {
  const shapes: Array<[string, (d: number) => string]> = [
    ["objects without separators", (d) => "a{".repeat(d) + "}".repeat(d)],
    ["objects after a colon", (d) => "a:{".repeat(d) + "}".repeat(d)],
    ["lists", (d) => "a: " + "[".repeat(d) + "]".repeat(d)],
    ["lists of objects", (d) => "a: " + "[{a:".repeat(d / 2) + "1" + "}]".repeat(d / 2)],
    ["a wrapped root", (d) => "{" + "a{".repeat(d - 1) + "}".repeat(d - 1) + "}"],
    ["dotted keys", (d) => "a" + ".a".repeat(d) + ": 1"],
  ];

  for (const [shape, make] of shapes) {
    it(`refuses 100,000 levels of ${shape} with a clear HoconError`, () => {
      const value = outcome(make(100_000));
      assert.ok(value instanceof HoconError, "parsed 100,000 levels");
      assert.match(value.message, /nesting deeper than 1000 levels/i);
    });

    it(`accepts 1,000 levels of ${shape}`, () => {
      const value = outcome(make(1000));
      assert.ok(!(value instanceof HoconError), value instanceof HoconError ? value.message : "");
    });
  }

  it("refuses an unclosed run of 100,000 brackets without overflowing the stack", () => {
    const value = outcome("[".repeat(100_000));
    assert.ok(value instanceof HoconError);
    assert.match(value.message, /root of the file is a list/);
    const inValue = outcome("a: " + "[".repeat(100_000));
    assert.ok(inValue instanceof HoconError);
    assert.match(inValue.message, /nesting deeper than 1000 levels/i);
  });
});

describe("parseHocon() reads very long values", () => {
  const tenMB = 10 * 1024 * 1024;

  it("reads a 10 MB quoted string", () => {
    const value = parseHocon(`a: "${"x".repeat(tenMB)}"`);
    const a = value.entries.get("a");
    assert.ok(a?.type === "scalar" && typeof a.value === "string" && a.value.length === tenMB);
  });

  it("reads a 10 MB unquoted value", () => {
    const value = parseHocon(`a: ${"y".repeat(tenMB)}\nb: 1`);
    const a = value.entries.get("a");
    assert.ok(a?.type === "scalar" && typeof a.value === "string" && a.value.length === tenMB);
  });

  it("reads a 10 MB unquoted value of many words", () => {
    const words = "word ".repeat(tenMB / 5);
    const value = parseHocon(`a: ${words}`);
    const a = value.entries.get("a");
    assert.ok(a?.type === "scalar" && a.value === words.trimEnd());
  });
});

describe("parseHocon() resolves long substitution chains and stops on cycles", () => {
  const n = 20_000;

  it("resolves a chain that refers backwards", () => {
    const lines = ["k0: end"];
    for (let i = 1; i < n; i++) lines.push(`k${i}: \${k${i - 1}}`);
    const value = outcome(lines.join("\n"));
    assert.ok(!(value instanceof HoconError));
    assert.equal((value as Record<string, Plain>)[`k${n - 1}`], "end");
  });

  it("resolves a chain that refers forwards without deep recursion", () => {
    const lines: string[] = [];
    for (let i = 0; i < n - 1; i++) lines.push(`k${i}: \${k${i + 1}}`);
    lines.push(`k${n - 1}: end`);
    const value = outcome(lines.join("\n"));
    assert.ok(!(value instanceof HoconError));
    assert.equal((value as Record<string, Plain>).k0, "end");
  });

  it("resolves a long chain of values that extend themselves", () => {
    const lines = ["p: a"];
    for (let i = 1; i < n; i++) lines.push("p: ${p}b");
    const value = outcome(lines.join("\n"));
    assert.ok(!(value instanceof HoconError));
    assert.equal((value as Record<string, Plain>).p, "a" + "b".repeat(n - 1));
  });

  it("reports a cycle through 10,000 keys as a HoconError", () => {
    const m = 10_000;
    const lines: string[] = [];
    for (let i = 0; i < m; i++) lines.push(`k${i}: \${k${(i + 1) % m}}`);
    const value = outcome(lines.join("\n"));
    assert.ok(value instanceof HoconError);
    assert.match(value.message, /substitution cycle/);
  });

  it("reports short cycles, also through objects and optional substitutions", () => {
    for (
      const text of [
        "a: ${b}\nb: ${a}",
        "a: ${?b}\nb: ${?a}",
        "a { x: ${b} }\nb: ${a}",
        "a: ${a.x}",
      ]
    ) {
      const value = outcome(text);
      assert.ok(value instanceof HoconError, `${JSON.stringify(text)} parsed`);
    }
  });
});

describe("parseHocon() rejects binary garbage with a HoconError", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`rejects 16 KB of random bytes read as Latin-1 (seed ${seed})`, () => {
      const rnd = mulberry32(seed);
      const bytes = new Uint8Array(16 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
      bytes[100] = 0;
      const value = outcome(new TextDecoder("latin1").decode(bytes));
      assert.ok(value instanceof HoconError);
    });
  }

  it("rejects a NUL byte after a valid entry", () => {
    const value = outcome("a: 1\n\u0000\u0001\u0002");
    assert.ok(value instanceof HoconError);
    assert.equal(`${value.line}:${value.col}`, "2:1");
  });
});

describe("parseHocon() never throws anything but a HoconError", () => {
  const MUTATIONS = 3000;
  const CHARS = '{}[]":=,#/\n$?.+ \\\t\r';

  function mutate(text: string, rnd: () => number): string {
    let t = text;
    const ops = 1 + Math.floor(rnd() * 4);
    for (let o = 0; o < ops; o++) {
      const p = Math.floor(rnd() * (t.length + 1));
      const ch = rnd() < 0.7
        ? CHARS[Math.floor(rnd() * CHARS.length)]!
        : String.fromCharCode(Math.floor(rnd() * 256));
      switch (Math.floor(rnd() * 6)) {
        case 0: // insert
          t = t.slice(0, p) + ch + t.slice(p);
          break;
        case 1: // delete
          t = t.slice(0, p) + t.slice(p + 1);
          break;
        case 2: // replace
          t = t.slice(0, p) + ch + t.slice(p + 1);
          break;
        case 3: // truncate
          t = t.slice(0, p);
          break;
        case 4: { // duplicate a slice
          const q = Math.floor(rnd() * (t.length + 1));
          const [a, b] = p < q ? [p, q] : [q, p];
          t = t.slice(0, b) + t.slice(a, b) + t.slice(b);
          break;
        }
        default: // open a substitution
          t = t.slice(0, p) + "${" + t.slice(p);
      }
    }
    return t;
  }

  // 100,000 parses: far more than the default 5 s on a loaded machine.
  it(`returns an object or throws a HoconError for ${MUTATIONS} mutations of every case`, {
    timeout: 120_000,
  }, () => {
    const rnd = mulberry32(20240611);
    const readInclude = (path: string) => ({ file: path, text: "inc: 1" });
    let parsed = 0;
    let rejected = 0;
    // Capturing stack traces is most of the cost of 100,000 thrown errors, and only their class
    // matters here.
    const errorClass = Error as { stackTraceLimit?: number };
    const limit = errorClass.stackTraceLimit;
    errorClass.stackTraceLimit = 0;
    try {
      for (const c of cases) {
        for (let k = 0; k < MUTATIONS; k++) {
          const text = mutate(c.text, rnd);
          const value = outcome(text, { env: c.env, readInclude });
          if (value instanceof HoconError) {
            if (!(value.line >= 1 && value.col >= 1)) {
              assert.fail(`no position for ${JSON.stringify(text)}`);
            }
            rejected++;
          } else {
            parsed++;
          }
        }
      }
    } finally {
      errorClass.stackTraceLimit = limit;
    }
    // Both outcomes must occur, or the mutations are not exercising the reader.
    assert.ok(parsed > 1000 && rejected > 1000, `${parsed} parsed, ${rejected} rejected`);
  });
});
