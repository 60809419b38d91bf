import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  extractReference,
  markdownText,
  referenceBlock,
  renderVariableReference,
  spliceReference,
} from "../../src/settings/render_reference.ts";
import { CATALOGUE } from "../../src/settings/catalogue.ts";

const README = fileURLToPath(new URL("../../README.md", import.meta.url).href);

describe("README variable reference", () => {
  it("README.md holds the variable reference rendered from the catalogue", () => {
    const current = extractReference(readFileSync(README, "utf8"));
    assert.ok(current !== undefined, "README.md has no <!-- BEGIN/END VARIABLES --> markers");
    assert.ok(
      current === referenceBlock(),
      "README.md's variable reference is stale: run `bun scripts/gen-docs.ts` " +
        "(or `deno run -A scripts/gen-docs.ts`)",
    );
  });
});

describe("renderVariableReference()", () => {
  it("renderVariableReference() has one table row per catalogue entry", () => {
    const text = renderVariableReference();
    const rows = text.split("\n").filter((l) => l.startsWith("| `"));
    assert.equal(rows.length, CATALOGUE.length);
    for (const v of CATALOGUE) assert.ok(text.includes(`| \`${v.name}\``), v.name);
  });

  it("renderVariableReference() keeps deno fmt away from the tables", () => {
    const text = renderVariableReference();
    assert.ok(text.startsWith("<!-- deno-fmt-ignore-start -->\n"));
    assert.ok(text.endsWith("<!-- deno-fmt-ignore-end -->\n"));
  });

  it("markdownText() puts names, keys and URLs in code and escapes the rest", () => {
    assert.equal(
      markdownText("CLEARML_* beats api.api_server at https://api.clear.ml."),
      "`CLEARML_*` beats `api.api_server` at `https://api.clear.ml`.",
    );
    assert.equal(markdownText("<host>:a|b ~x"), "&lt;host&gt;:a\\|b \\~x");
    assert.equal(markdownText("keep `a|b` code"), "keep `a\\|b` code");
  });
});

describe("spliceReference()", () => {
  it("spliceReference() replaces only what is between the markers", () => {
    const readme = "# t\n\nbefore\n<!-- BEGIN VARIABLES -->\nold\n<!-- END VARIABLES -->\nafter\n";
    const out = spliceReference(readme);
    assert.equal(out, `# t\n\nbefore\n${referenceBlock()}\nafter\n`);
    assert.equal(spliceReference(out), out);
  });

  it("spliceReference() appends the markers when README.md has none", () => {
    assert.equal(spliceReference("# clearml\n"), `# clearml\n\n${referenceBlock()}\n`);
  });
});
