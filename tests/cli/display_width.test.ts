/** Issue 8 §5: the `env` table aligns with wide (CJK) characters, measured in display columns. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { displayWidth } from "../../src/cli/display_width.ts";
import { columns } from "../../src/cli/output.ts";
import { runInProcess } from "../_helpers/context.ts";

describe("displayWidth()", () => {
  const cases: Array<[string, number]> = [
    ["abc", 3],
    ["", 0],
    ["日本語", 6],
    ["한국어", 6],
    ["ｶﾀｶﾅ", 4], // halfwidth katakana: one column each
    ["ＡＢ", 4], // fullwidth Latin
    ["e\u0301", 1], // e + combining acute
    ["a\u200bb", 2], // zero-width space
    ["😀", 2],
    ["𠀋", 2], // CJK extension B (a surrogate pair)
    ["é", 1],
    ["\u0007x", 1],
  ];
  for (const [text, width] of cases) {
    it(`${JSON.stringify(text)} takes ${width} columns`, () => {
      assert.equal(displayWidth(text), width);
    });
  }
});

/** The display column where `needle` starts on `line`. */
const columnOf = (line: string, needle: string) =>
  displayWidth(line.slice(0, line.indexOf(needle)));

describe("columns()", () => {
  it("aligns the next column after a cell with wide characters", () => {
    const out = columns([["名前", "x"], ["ab", "y"], ["abcdef", "z"]]).split("\n");
    assert.equal(columnOf(out[0]!, "x"), columnOf(out[1]!, "y"));
    assert.equal(columnOf(out[1]!, "y"), columnOf(out[2]!, "z"));
  });

  it("aligns the env table's SOURCE column with a CJK value", async () => {
    const r = await runInProcess(["env"], {
      env: { CLEARML_WORKER_NAME: "作業者の名前", CLEARML_API_HOST: "http://h:8008" },
    });
    const lines = r.out.split("\n").filter((l) => l.startsWith("CLEARML_"));
    assert.equal(lines.length, 2, r.out);
    assert.equal(columnOf(lines[0]!, " env"), columnOf(lines[1]!, " env"), r.out);
  });
});
