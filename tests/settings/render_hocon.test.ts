import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { renderHocon } from "../../src/settings/render_hocon.ts";
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

  it("renderHocon() quotes keys outside [A-Za-z0-9_-] and nests objects and lists", () => {
    const text = renderHocon(
      fromPlain({ "a.b": 1, "ok_-9": { l: [{ x: 1 }, [2]] }, "": "e", e: {} }, ORIGIN),
    );
    assert.equal(
      text,
      '"a.b": 1\nok_-9 {\n  l: [\n    {\n      x: 1\n    }\n    [2]\n  ]\n}\n"": "e"\ne: {}\n',
    );
  });

  it("renderHocon() prints nothing for an empty tree", () => {
    assert.equal(renderHocon(parseHocon("")), "");
  });
});
