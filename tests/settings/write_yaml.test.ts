/**
 * writeYaml() renders long multi-line strings block by block (issue 9 §1): its text must be the
 * yaml library's `YAML.stringify` text, byte for byte, folded (line width 80) or not (0).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import YAML from "yaml";
import { writeYaml } from "../../src/settings/write_yaml.ts";
import { renderExport } from "../../src/settings/env_export.ts";

/** Pieces of text the folding and the block scalar rules look at: spaces, tabs, blank lines… */
const PIECES = [
  "a",
  "word ",
  "x y z ",
  "\n",
  "\n\n",
  " ",
  "  ",
  "\t",
  "- ",
  ": ",
  "#",
  "é",
  "😀",
  "'",
  '"',
  " more text here and there ",
  "\n  indented",
  "\n\tTab",
];
const STARTS = ["", " ", "\n", "  \n", "\n\n x", "\t"];
const ENDS = ["", "\n", " ", "\t", "\n\n", " \n", "x"];

/** Long values from a seeded generator: a failure is the same on every run. */
function values(seed: number, count: number): string[] {
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = (list: readonly string[]) => list[Math.floor(next() * list.length)]!;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = pick(STARTS);
    const length = 70_000 + Math.floor(next() * 30_000);
    while (s.length < length) s += pick(PIECES);
    // every fifth value has a line too long to fold: the library writes it literally
    out.push(s + pick(ENDS) + (k % 5 === 0 ? "y".repeat(200) : ""));
  }
  return out;
}

function written(data: unknown, opts: { lineWidth?: number }): string[] {
  const parts: string[] = [];
  writeYaml(data, (text) => void parts.push(text), opts);
  return parts;
}

describe("writeYaml()", () => {
  for (const lineWidth of [undefined, 0]) {
    it(`writes YAML.stringify's text of long values in pieces (lineWidth ${lineWidth})`, () => {
      const options = lineWidth === undefined ? undefined : { lineWidth };
      let inPieces = 0;
      let folded = 0;
      for (const value of values(lineWidth === undefined ? 7 : 11, 12)) {
        for (
          const data of [
            { env: [{ name: "A", value }, { name: "B", value: "short" }] },
            { schema: "x", config: { sdk: { long: value, n: 1 }, other: [1, 2] } },
            { a: value },
          ]
        ) {
          const parts = written(data, { lineWidth });
          if (parts.length > 1) inPieces++;
          if (/: >[-2]*\n/.test(parts.join(""))) folded++;
          assert.equal(parts.join(""), YAML.stringify(data, options), JSON.stringify(value));
        }
      }
      // the values are long and multi-line: all but those ending in kept lines or in a line of
      // spaces (a fifth to a third) went block by block
      assert.ok(inPieces >= 18, `${inPieces} of 36 in pieces`);
      // and at line width 80 most were folded (a fifth has a line too long to fold)
      if (lineWidth === undefined) assert.ok(folded >= 12, `${folded} folded`);
    });
  }

  it("writes what the library writes where a long value is not a block scalar", () => {
    const long = "x".repeat(70_000);
    for (
      const data of [
        { a: long }, // one line: plain
        { a: `${long}\n\n` }, // kept trailing lines
        { a: `${long}\n  ` }, // ends in a line of spaces: quoted
        { a: `${long}\u0001\n` }, // a control character: double quotes
        { a: [`${long}\nb`] }, // a list item
        { "a b": `${long}\nb` }, // a key the indentation is not read from
        { a: `clearml-long-value-0-9f3c\n${long}`, b: `${long}\nb` }, // a placeholder's text
      ]
    ) {
      assert.equal(written(data, {}).join(""), YAML.stringify(data));
    }
  });

  it("renderExport() writes the k8s list of long values as the library does", () => {
    const [a, b] = values(3, 2);
    const vars: Array<[string, string]> = [["CLEARML_A", a!], ["CLEARML_B", b!]];
    assert.equal(
      renderExport(vars, "k8s"),
      YAML.stringify({ env: vars.map(([name, value]) => ({ name, value })) }),
    );
  });
});
