import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HoconError, parseHocon } from "../../../src/settings/hocon/parse.ts";
import { type Plain, toPlain } from "../../../src/settings/tree.ts";

interface HoconCase {
  name: string;
  text: string;
  env: Record<string, string>;
  expect?: Plain;
  error?: true;
}

// Produced by running the reader that ships inside the ClearML Python SDK on each text.
const cases = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../fixtures/hocon/cases.json", import.meta.url).href),
    "utf8",
  ),
) as HoconCase[];

describe("parseHocon() on the cases produced by ClearML's own reader", () => {
  it("has the whole table to check", () => {
    assert.ok(cases.length >= 45, `only ${cases.length} cases in cases.json`);
    assert.ok(cases.some((c) => c.error) && cases.some((c) => !c.error));
  });

  for (const c of cases) {
    if (c.error) {
      it(`rejects "${c.name}" with a line and a column`, () => {
        assert.throws(
          () => parseHocon(c.text, { env: c.env, file: "case.conf" }),
          (e: unknown) => {
            assert.ok(e instanceof HoconError, `not a HoconError: ${String(e)}`);
            assert.equal(e.file, "case.conf");
            assert.ok(e.line >= 1 && e.col >= 1, `position ${e.line}:${e.col}`);
            assert.match(e.message, /^case\.conf:\d+:\d+: [A-Z].*; expected .+/);
            return true;
          },
        );
      });
    } else {
      it(`reads "${c.name}" as ClearML does`, () => {
        assert.deepEqual(toPlain(parseHocon(c.text, { env: c.env })), c.expect);
      });
    }
  }
});

describe("parseHocon({ origins: false }) on the same cases", () => {
  for (const c of cases) {
    it(`gives the same ${c.error ? "error" : "values"} for "${c.name}" without origins`, () => {
      const opts = { env: c.env, file: "case.conf" };
      if (c.error) {
        const message = (f: () => unknown) => {
          try {
            f();
          } catch (e: unknown) {
            return e instanceof Error ? e.message : String(e);
          }
          return "no error";
        };
        assert.equal(
          message(() => parseHocon(c.text, { ...opts, origins: false })),
          message(() => parseHocon(c.text, opts)),
        );
      } else {
        assert.deepEqual(toPlain(parseHocon(c.text, { ...opts, origins: false })), c.expect);
      }
    });
  }

  it("words an error that names where a value was set with its line, as with origins", () => {
    const text = "a: 1\nb: 2\na { c: 3 }\n";
    assert.throws(
      () => parseHocon(text, { file: "x.conf", origins: false }),
      /set at x\.conf:1:4/,
    );
  });

  it("shares one origin among the nodes of a file", () => {
    const tree = parseHocon("a: 1\nb { c: [2] }\n", { file: "x.conf", origins: false });
    const b = tree.entries.get("b");
    assert.equal(b?.type, "object");
    assert.equal(tree.entries.get("a")?.origin, b.origin);
    assert.deepEqual(b.origin, { kind: "file", file: "x.conf", line: 0, col: 0 });
  });
});
