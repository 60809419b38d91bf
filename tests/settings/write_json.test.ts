import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { type ConfNode, fromPlain, toPlain } from "../../src/settings/tree.ts";
import { chunked, writeJsonNode } from "../../src/settings/write_json.ts";
import { maskTree, maskWalk, printoutRulesFrom } from "../../src/settings/mask.ts";
import { renderHocon, writeHocon } from "../../src/settings/render_hocon.ts";

const ORIGIN = { kind: "default", source: "test" } as const;

function streamed(node: ConfNode, indent = ""): string {
  const parts: string[] = [];
  writeJsonNode(node, (s) => void parts.push(s), indent);
  return parts.join("");
}

describe("writeJsonNode()", () => {
  const cases: Array<[string, ConfNode]> = [
    [
      "array-index keys, which a plain object lists first in numeric order",
      parseHocon('"10": a\n"2": b\n"01": c\nx: 1\n"4294967294": d\n"4294967295": e\n"0": f'),
    ],
    ["a key named __proto__", parseHocon('"__proto__" { polluted: 1 }\nconstructor: 2')],
    ["empty objects and lists", parseHocon("a {}\nb: []\nc: [[], {}, [{}]]")],
    [
      "strings that need escapes and lone surrogates",
      fromPlain({ s: 'q"\\\n\t\u0001é\u2028', lone: "\ud800x", 'k"ey': "v" }, ORIGIN),
    ],
    [
      "numbers, booleans, null, infinities",
      fromPlain(
        { n: [0, -0, 1.5, 1e21, 1e-7, Infinity, -Infinity, NaN, true, false, null] },
        ORIGIN,
      ),
    ],
    ["a bare scalar", fromPlain("x", ORIGIN)],
    ["a bare list", fromPlain([1, { a: [2] }], ORIGIN)],
  ];
  for (const [what, node] of cases) {
    it(`writeJsonNode() prints what JSON.stringify(toPlain(), null, 2) prints: ${what}`, () => {
      assert.equal(streamed(node), JSON.stringify(toPlain(node), null, 2));
    });
  }

  it("writeJsonNode() indents nested output from the given indent", () => {
    const node = parseHocon("a { b: [1] }");
    const doc = { x: 1, config: toPlain(node) };
    assert.equal(
      `{\n  "x": 1,\n  "config": ${streamed(node, "  ")}\n}`,
      JSON.stringify(doc, null, 2),
    );
  });
});

describe("chunked()", () => {
  it("chunked() hands on the text in order, in pieces of about the given size", () => {
    const got: string[] = [];
    const out = chunked((s) => void got.push(s), 10);
    for (let i = 0; i < 25; i++) out.write(String(i % 10));
    assert.equal(got.length, 2);
    out.flush();
    out.flush();
    assert.equal(got.length, 3);
    assert.equal(got.join(""), "0123456789012345678901234");
  });
});

describe("writeJsonNode() and writeHocon() masking as they write", () => {
  const tree = parseHocon(`
    api { credentials { access_key: AK1, secret_key: "s3cr3t" }, url: "https://u:pw@host/x" }
    agent {
      extra_docker_arguments: ["-e", "MY_TOKEN=abc", "--env=DB_PASSWORD=p", "--ipc=host"]
      git_pass: ""
      nested: [{ token: t1, ok: 1 }, ["-e", "A_SECRET=z"], "x=1", null]
      enable_git_ask_pass: true
      sanitize_config_printout.hide_secrets: ["^cust$"]
      cust: visible-with-default-rules
    }
    environment { ANY: thing, deep { list: [1, "two"] } }
    password: [1, 2]
    empty_secret_key {}
    "10" { secret: s, b: 2 }
  `);

  it("writeJsonNode() with maskWalk() prints what JSON.stringify of maskTree() prints", () => {
    const parts: string[] = [];
    writeJsonNode(tree, (s) => void parts.push(s), "", maskWalk());
    assert.equal(parts.join(""), JSON.stringify(toPlain(maskTree(tree)), null, 2));
    assert.doesNotMatch(parts.join(""), /s3cr3t|:pw@|abc|"p"|t1|z"|thing/);
  });

  it("writeHocon() with maskWalk() prints what renderHocon() of maskTree() prints", () => {
    const parts: string[] = [];
    writeHocon(tree, (s) => void parts.push(s), { mask: maskWalk() });
    assert.equal(parts.join(""), renderHocon(maskTree(tree)));
  });

  it("writeHocon() with maskWalk() keeps each value's origin comment", () => {
    const parts: string[] = [];
    writeHocon(tree, (s) => void parts.push(s), { mask: maskWalk(), origins: true });
    assert.equal(parts.join(""), renderHocon(maskTree(tree), { origins: true }));
    assert.match(parts.join(""), /secret_key: "\*{8}" {2}# <string>:2:\d+/);
  });

  it("maskWalk() takes the rules and the path of maskTree()", () => {
    const rules = printoutRulesFrom(tree);
    const sub = tree.entries.get("agent")!;
    const parts: string[] = [];
    writeJsonNode(sub, (s) => void parts.push(s), "", maskWalk({ rules, path: ["agent"] }));
    const expected = maskTree(sub, { rules, path: ["agent"] });
    assert.equal(parts.join(""), JSON.stringify(toPlain(expected), null, 2));
    assert.doesNotMatch(parts.join(""), /visible-with-default-rules/);
  });
});
