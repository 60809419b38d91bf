import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { type Plain, toPlain } from "../../src/settings/tree.ts";
import { jsonText, stringJson, writeJsonDocument } from "../../src/settings/write_json.ts";
import { maskedPlain, maskTree, maskWalk, printoutRulesFrom } from "../../src/settings/mask.ts";
import { renderHocon, writeHocon } from "../../src/settings/render_hocon.ts";

describe("stringJson()", () => {
  it("stringJson() gives JSON.stringify's text for strings with and without escapes", () => {
    for (
      const s of [
        "",
        "plain",
        'q"',
        "b\\s",
        "nl\n",
        "\u0000",
        "\u0001",
        "\u001f",
        "é\u2028",
        "\ud800x",
        "😀",
        "x\udfff",
      ]
    ) {
      assert.equal(stringJson(s), JSON.stringify(s));
    }
  });
});

describe("writeJsonDocument()", () => {
  const pieces = (value: unknown) => {
    const got: string[] = [];
    writeJsonDocument(value, (s) => void got.push(s));
    return got;
  };
  const long = 'a"b\n'.repeat(20_000);
  const other = 'c"d\n'.repeat(20_000); // as long, other characters

  it("writes JSON.stringify(value, null, 2) and a newline, for plain data and anything else", () => {
    const proto = JSON.parse('{"__proto__": {"x": 1}}');
    const values: unknown[] = [
      null,
      "s",
      -0,
      [],
      {},
      { a: 1, b: [1, "x", null, true, { c: {} }, []], d: { e: [[]] } },
      { u: undefined, f: () => 1, s: Symbol("x"), n: NaN, i: -Infinity, z: 0.1 },
      [undefined, () => 1, Symbol("y"), 1e21, "\ud800", "é\u2028"],
      { "10": 1, b: 2, "2": 3, "": 4 },
      proto,
      Object.assign(Object.create(null), { k: "v" }),
      { d: new Date(0), m: new Map([[1, 2]]), t: { toJSON: () => ({ j: [1, 2] }) } },
      // an object whose toJSON gives undefined: left out of an object with its key, null in a list
      { gone: { toJSON: () => undefined }, kept: 1, also: { toJSON: () => undefined }, last: 2 },
      { gone: { toJSON: () => undefined } },
      [{ toJSON: () => undefined }],
      [new String("boxed"), new Number(3), new Boolean(false)],
      { deep: { deeper: { list: [{ x: 1 }, [2, [3]]] } } },
      { long, again: long, list: [long, other, long], other, tail: "t" },
      Array.from({ length: 30_000 }, (_, i) => ({ i, s: `v${i}` })),
    ];
    for (const value of values) {
      assert.equal(pieces(value).join(""), JSON.stringify(value, null, 2) + "\n");
      assert.equal(jsonText(value), JSON.stringify(value));
    }
    assert.equal(jsonText(undefined), JSON.stringify(undefined));
  });

  it("escapes a long string block by block, surrogate pairs whole and lone ones escaped", () => {
    const block = 1 << 16;
    for (const at of [block - 2, block - 1, block, block + 1, 2 * block - 1]) {
      for (const odd of ["😀", "\udbff\udfff", "\ud83d", "\ude00", "\ud83d\ud83d", '"\n', "é"]) {
        const s = "x".repeat(at) + odd + "y".repeat(block) + odd;
        assert.equal(pieces([s, s]).join(""), JSON.stringify([s, s], null, 2) + "\n", `${at}`);
      }
    }
  });

  it("keeps whole a surrogate pair that follows one ending a block", () => {
    // pairs from an even index: a block of 65,536 ends on a pair's second half, and the next
    // pair starts right after it
    const s = "xx" + "😀".repeat(1 << 16);
    assert.equal(pieces([s]).join(""), JSON.stringify([s], null, 2) + "\n");
    assert.equal(jsonText(s), JSON.stringify(s));
  });

  it("hands long strings on in pieces of their own, the text around them in a few pieces", () => {
    const got = pieces({ a: [long, other], b: long, c: Array.from({ length: 30_000 }, String) });
    assert.equal(got.join(""), JSON.stringify(JSON.parse(got.join("")), null, 2) + "\n");
    assert.ok(got.length < 60, `${got.length} pieces`);
    assert.ok(got.every((p) => p !== "" && p.length <= 6 * (1 << 16) + 2));
  });
});

describe("writeHocon() in chunks", () => {
  it("writeHocon() hands on the text in order, in a few large pieces", () => {
    let text = "";
    for (let i = 0; i < 20_000; i++) text += `k${i} { s: "v${i}", n: ${i}, l: [a, ${i}] }\n`;
    const tree = parseHocon(text);
    const got: string[] = [];
    writeHocon(tree, (s) => void got.push(s));
    const whole = renderHocon(tree);
    assert.equal(got.join(""), whole);
    assert.match(whole, /^k19999 \{\n {2}s: "v19999"\n {2}n: 19999\n {2}l: \["a", 19999\]\n\}$/m);
    assert.ok(got.length > 1 && got.length < whole.length / 1000, `${got.length} pieces`);
    assert.ok(got.every((piece) => piece !== ""));
  });
});

describe("maskedPlain() and writeHocon() masking as they go", () => {
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

  it("maskedPlain() gives the JSON text of toPlain(maskTree()), key order included", () => {
    const text = JSON.stringify(maskedPlain(tree), null, 2);
    assert.equal(text, JSON.stringify(toPlain(maskTree(tree)), null, 2));
    assert.doesNotMatch(text, /s3cr3t|:pw@|abc|"p"|t1|z"|thing/);
    assert.match(text, /"secret_key": "\*{8}"/);
  });

  it("maskedPlain() keeps array-index keys first and a key named __proto__ as a key", () => {
    const t = parseHocon('b: 1\n"10": x\n"2" { token: t }\n"__proto__" { polluted: 1 }');
    const plain = maskedPlain(t) as { [key: string]: Plain };
    assert.deepEqual(Object.keys(plain), ["2", "10", "b", "__proto__"]);
    assert.equal(JSON.stringify(plain), JSON.stringify(toPlain(maskTree(t))));
    assert.equal(({} as { polluted?: number }).polluted, undefined);
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

  it("maskWalk() and maskedPlain() take the rules and the path of maskTree()", () => {
    const rules = printoutRulesFrom(tree);
    const sub = tree.entries.get("agent")!;
    const expected = maskTree(sub, { rules, path: ["agent"] });
    const plain = maskedPlain(sub, { rules, path: ["agent"] });
    assert.equal(JSON.stringify(plain), JSON.stringify(toPlain(expected)));
    assert.doesNotMatch(JSON.stringify(plain), /visible-with-default-rules/);
    const parts: string[] = [];
    writeHocon(sub, (s) => void parts.push(s), { mask: maskWalk({ rules, path: ["agent"] }) });
    assert.equal(parts.join(""), renderHocon(expected));
    assert.doesNotMatch(parts.join(""), /visible-with-default-rules/);
  });

  it("maskWalk() and maskedPlain() hide every value below a path whose key is secret", () => {
    const sub = parseHocon('a: "shown-unless-under-a-secret", b { c: 1 }');
    const path = ["api", "credentials", "secret_key"];
    const expected = toPlain(maskTree(sub, { path }));
    assert.deepEqual(expected, { a: "********", b: { c: "********" } });
    assert.equal(JSON.stringify(maskedPlain(sub, { path })), JSON.stringify(expected));
    const parts: string[] = [];
    writeHocon(sub, (s) => void parts.push(s), { mask: maskWalk({ path }) });
    assert.equal(parts.join(""), renderHocon(maskTree(sub, { path })));
    assert.doesNotMatch(parts.join(""), /shown-unless/);
  });
});
