import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { renderHocon, writeHocon } from "../../src/settings/render_hocon.ts";
import { fromPlain } from "../../src/settings/tree.ts";

const ORIGIN = { kind: "default", source: "test" } as const;

describe("renderHocon()", () => {
  it("renderHocon() keeps a list of scalars on one line up to 80 characters, the brackets counted", () => {
    // 78 characters of items: `["` + 74 + `"]` is 78 with the brackets, and one more item is 81+
    const at80 = `["${"x".repeat(76)}"]`; // exactly 80
    assert.equal(at80.length, 80);
    const text = renderHocon(parseHocon(`a: ${at80}\nb: ["${"x".repeat(77)}"]`));
    assert.equal(text, `a: ${at80}\nb: [\n  "${"x".repeat(77)}"\n]\n`);
  });

  it("renderHocon() puts a list on one line when `[`, the items, `, ` and `]` take at most 80", () => {
    // lists around the limit, with items of every kind (an escaped string counts escaped)
    let seed = 7;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % n;
    const item = (): string | number | boolean | null => {
      const kind = next(5);
      if (kind === 0) return next(1000) - 500;
      if (kind === 1) return next(2) === 0;
      if (kind === 2) return null;
      const s = "abcd".repeat(next(8));
      return kind === 3 ? s : `${s}"\\\n`;
    };
    let inline = 0;
    for (let round = 0; round < 400; round++) {
      const items = Array.from({ length: 1 + next(8) }, item);
      const texts = items.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v)));
      const one = `[${texts.join(", ")}]`;
      const expected = one.length <= 80
        ? `l: ${one}\n`
        : `l: [\n${texts.map((t) => `  ${t}\n`).join("")}]\n`;
      if (one.length <= 80) inline++;
      assert.equal(renderHocon(fromPlain({ l: items }, ORIGIN)), expected, one);
    }
    assert.ok(inline > 50 && inline < 350, `${inline} of 400 on one line`);
  });

  it("renderHocon() quotes keys outside [A-Za-z0-9_-] and nests objects and lists", () => {
    const text = renderHocon(
      fromPlain({ "a.b": 1, "ok_-9": { l: [{ x: 1 }, [2]] }, "": "e", e: {} }, ORIGIN),
    );
    assert.equal(
      text,
      '"a.b": 1\nok_-9 {\n  l: [\n    {\n      x: 1\n    }\n    [2]\n  ]\n}\n"": "e"\ne: {}\n',
    );
  });

  it("renderHocon() writes every number as String() does, fractions and exponents included", () => {
    const numbers = [
      0,
      -0,
      1,
      -1,
      1.5,
      -1.5,
      0.1 + 0.2,
      1e-7,
      1.5e-7,
      1e21,
      1.5e21,
      123456789012345680000,
      5e-324,
      Number.MAX_VALUE,
      Number.MIN_SAFE_INTEGER,
      2 ** 53 + 2,
      1 / 3,
      NaN,
      Infinity,
      -Infinity,
    ];
    for (const n of numbers) {
      assert.equal(renderHocon(fromPlain({ n }, ORIGIN)), `n: ${String(n)}\n`, `number ${n}`);
      assert.equal(renderHocon(fromPlain({ l: [n] }, ORIGIN)), `l: [${String(n)}]\n`, `[${n}]`);
    }
  });

  it("writeHocon() hands a large printout on in pieces, each line once and in order", () => {
    // ~150,000 pieces: the first written in small groups, the rest in groups of thousands that
    // reuse one array (a group left in it, or lost, shows as a line twice or missing)
    const plain: { [key: string]: string | number } = {};
    let expected = "";
    for (let i = 0; i < 30_000; i++) {
      plain[`k${i}`] = i % 2 ? `v${i}` : i;
      expected += i % 2 ? `k${i}: "v${i}"\n` : `k${i}: ${i}\n`;
    }
    const pieces: string[] = [];
    writeHocon(fromPlain(plain, ORIGIN), (text) => void pieces.push(text));
    assert.ok(pieces.length > 10, `${pieces.length} writes`);
    assert.equal(pieces.join(""), expected);
  });

  it("renderHocon() prints nothing for an empty tree", () => {
    assert.equal(renderHocon(parseHocon("")), "");
  });
});

describe("renderHocon() of an object whose first key was removed", () => {
  it("writes the keys left when an optional substitution that is unset dropped the first", () => {
    // `${?X}` unset removes its key: the object keeps an empty first slot
    const tree = parseHocon(
      "o { a = ${?CLEARML_TEST_UNSET_X}, b = 1 }\np { a = ${?CLEARML_TEST_UNSET_X} }",
    );
    assert.equal(renderHocon(tree), "o {\n  b: 1\n}\np: {}\n");
  });
});

describe("renderHocon() of strings that need escapes", () => {
  it("writes them as JSON strings, with origins and without", () => {
    const value = 'q" b\\ nl\n tab\t \u0001 \ud800';
    const tree = fromPlain({ a: value, b: "plain" }, ORIGIN);
    assert.equal(renderHocon(tree), `a: ${JSON.stringify(value)}\nb: "plain"\n`);
    const withOrigins = renderHocon(tree, { origins: true });
    assert.ok(withOrigins.startsWith(`a: ${JSON.stringify(value)}  # `), withOrigins);
  });
});
