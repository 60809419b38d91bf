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
