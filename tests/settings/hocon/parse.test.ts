import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors.ts";
import { renderHocon } from "../../../src/settings/render_hocon.ts";
import { HoconError, parseHocon, type ParseOptions } from "../../../src/settings/hocon/parse.ts";
import {
  type ConfNode,
  getNode,
  type Origin,
  type Plain,
  toPlain,
} from "../../../src/settings/tree.ts";

function plain(text: string, opts?: ParseOptions): Plain {
  return toPlain(parseHocon(text, opts));
}

/** The HoconError that parsing `text` throws; fails when it parses or throws something else. */
function hoconError(text: string, opts?: ParseOptions): HoconError {
  try {
    parseHocon(text, opts);
  } catch (e) {
    if (e instanceof HoconError) return e;
    throw new Error(`expected a HoconError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected a HoconError for ${JSON.stringify(text)}, but it parsed`);
}

function at(e: HoconError): string {
  return `${e.line}:${e.col}`;
}

function node(root: ConfNode, path: string): ConfNode {
  const found = getNode(root, path.split("."));
  assert.ok(found, `no node at ${path}`);
  return found;
}

function origin(root: ConfNode, path: string): string {
  const o: Origin = node(root, path).origin;
  assert.equal(o.kind, "file");
  return o.kind === "file" ? `${o.file}:${o.line}:${o.col}` : "";
}

/** A `readInclude` backed by a map of file name to text. */
function filesOf(files: Record<string, string>): NonNullable<ParseOptions["readInclude"]> {
  return (path) => (Object.hasOwn(files, path) ? { file: path, text: files[path]! } : undefined);
}

describe("parseHocon() reads the ClearML dialect", () => {
  it("keeps an unquoted URL whole", () => {
    assert.deepEqual(plain("api_server: http://localhost:8008/v2"), {
      api_server: "http://localhost:8008/v2",
    });
  });

  it("starts a comment at // only after whitespace", () => {
    assert.deepEqual(plain("a: http://h:8008 // c\nb: x//y\nc: 1// c"), {
      a: "http://h:8008",
      b: "x//y",
      c: 1,
    });
  });

  it("concatenates side-by-side values keeping the whitespace between them", () => {
    assert.deepEqual(plain('a: two  words here\nb: "a" "b"\nc: "x"  "y" z\nd: x   # c'), {
      a: "two  words here",
      b: "a b",
      c: "x  y z",
      d: "x",
    });
  });

  it("prints booleans and floats the Python way inside a concatenation", () => {
    assert.deepEqual(plain("a: x true\nb: true-color\nc: v 1.50\nd: v 1e3\ne: x 007"), {
      a: "x True",
      b: "True-color",
      c: "v 1.5",
      d: "v 1000.0",
      e: "x 7",
    });
  });

  it("reads numbers only where the real reader does", () => {
    assert.deepEqual(
      plain("a: +5\nb: 007\nc: .5\nd: 1e5\ne: 5.\nf: 1.2.3\ng: 10GB\nh: -0\ni: 1 2\n"),
      {
        a: 5,
        b: 7,
        c: 0.5,
        d: 100000,
        e: "5.",
        f: "1.2.3",
        g: "10GB",
        h: 0,
        i: "1 2",
      },
    );
    // The number pattern needs a newline, `,`, `}`, `]`, `#`, `//` or `$` after it, or the very
    // end of the text: trailing spaces at the end of the text make it a string.
    assert.deepEqual(plain("a: 5   "), { a: "5" });
  });

  it("reads long digit runs as Number() does, on either side of 15 digits", () => {
    const digits = [
      "0",
      "000000000000000",
      "999999999999999",
      "1000000000000000",
      "9007199254740993",
      "12345678901234567890",
      "-999999999999999",
    ];
    const text = digits.map((d, i) => `k${i}: ${d}`).join("\n");
    const got = plain(text) as { [key: string]: unknown };
    digits.forEach((d, i) => assert.ok(Object.is(got[`k${i}`], Number(d) || 0), d));
  });

  it("keeps a number with a unit as the string the SDK would turn into a duration", () => {
    assert.deepEqual(plain("timeout: 5 h\nwait: 10s\n"), { timeout: "5 h", wait: "10s" });
  });

  it("reads true, false and null in any case, and nothing else as a boolean", () => {
    assert.deepEqual(plain('a: TRUE\nb: False\nc: NULL\nd: yes\ne: nullable\nf: "true"'), {
      a: true,
      b: false,
      c: null,
      d: "yes",
      e: "nullable",
      f: "true",
    });
  });

  it("applies only the SDK's escapes in strings and keeps any other backslash", () => {
    assert.deepEqual(
      plain(
        String.raw`a: "t\tn\nq\"b\\e\=h\#x\!"` + "\n" + String.raw`b: "\u00e9 \/ \b C:\Users"` +
          "\n" +
          String.raw`c: foo\#bar`,
      ),
      { a: 't\tn\nq"b\\e=h#x!', b: String.raw`\u00e9 \/ \b C:\Users`, c: "foo#bar" },
    );
  });

  it("applies every escape of a string with tens of thousands of them, in order", () => {
    // the unescaped text is built in pieces joined in groups: a piece lost or doubled at a
    // group's edge shows here (each unit differs by its counter)
    const units = Array.from({ length: 6000 }, (_, k) => k);
    const written = units.map((k) => String.raw`t\tn\nq\"b\\e\=h\#x\!\u00e9 \b${k}`).join("");
    const meant = units.map((k) => `t\tn\nq"b\\e=h#x!\\u00e9 \\b${k}`).join("");
    assert.deepEqual(plain(`a: "${written}"\nb: ${written}`), { a: meant, b: meant });
  });

  it("keeps triple-quoted strings verbatim, extra closing quotes included", () => {
    assert.deepEqual(plain('s = """\n# not a comment \\n "q"\n"""\nt = """x""""'), {
      s: '\n# not a comment \\n "q"\n',
      t: 'x"',
    });
  });

  it("continues a value after a backslash at the end of a line", () => {
    assert.deepEqual(plain("a: x \\\n   y\nb: 1"), { a: "x y", b: 1 });
  });

  it("makes dotted keys nested and merges them with objects", () => {
    assert.deepEqual(plain("a.b.c: 1\na { b { d: 2 } }\na..e: 3\nx: 1\nx.y: 2"), {
      a: { b: { c: 1, d: 2 }, e: 3 },
      x: { y: 2 },
    });
  });

  it("keeps the quotes of a quoted key that holds a dot or another special character", () => {
    assert.deepEqual(
      plain('"a.b": 1\n"a:b": 2\n"plain": 3\n"two words" = 4\nsdk { "boto.perf" {} }'),
      {
        '"a.b"': 1,
        '"a:b"': 2,
        plain: 3,
        "two words": 4,
        sdk: { '"boto.perf"': {} },
      },
    );
  });

  it("allows spaces, dashes and slashes in unquoted keys", () => {
    assert.deepEqual(plain("extra-key: 1\na b c: 2\npath/to: 3\n"), {
      "extra-key": 1,
      "a b c": 2,
      "path/to": 3,
    });
  });

  it("accepts a root in braces or without, and newlines or commas between entries", () => {
    const expected = { a: 1, b: { c: 2, d: 3 } };
    assert.deepEqual(plain("{\n a: 1\n b { c: 2, d: 3 }\n}\n"), expected);
    assert.deepEqual(plain("a = 1, b {c = 2\nd = 3},"), expected);
  });

  it("reads an empty or comment-only text as an empty object", () => {
    assert.deepEqual(plain(""), {});
    assert.deepEqual(plain("  \n# only\n// comments\n"), {});
  });

  it("ends a comment at \\n or \\r, with or without a \\r elsewhere in the text", () => {
    const expected = { a: 1, b: 2, c: 3 };
    assert.deepEqual(plain("a: 1 # one\nb: 2 // two\nc: 3 # end"), expected);
    assert.deepEqual(plain("a: 1 # one\r\nb: 2 // two\rc: 3 # end"), expected);
    assert.deepEqual(plain("a: 1 # one\rb: 2\nc: 3"), expected);
  });

  it("reads clearml-init's credentials block and the sdk object that follows it", () => {
    const text =
      'api {\n  credentials {"access_key": "AK", "secret_key": "SK"}\n}\nsdk {\n  x: 1\n}\n';
    assert.deepEqual(plain(text), {
      api: { credentials: { access_key: "AK", secret_key: "SK" } },
      sdk: { x: 1 },
    });
  });

  it("reads an agent section written the way the documented clearml.conf is", () => {
    const text = [
      "# agent configuration",
      "api {",
      "    api_server: https://api.example.com",
      '    credentials {"access_key": "AK1", "secret_key": "x!Xv#G-$h&E*Z8"}',
      "    verify_certificate: True",
      "}",
      "agent {",
      '    worker_id: ""',
      "    package_manager: {",
      "        type: pip,",
      "        # extra_index_url: []",
      '        conda_channels: ["pytorch", "conda-forge", ],',
      "        torch_nightly: false,",
      "    },",
      "    venvs_dir = ~/.clearml/venvs-builds",
      "    venvs_cache: { max_entries: 10, free_space_threshold_gb: 2.0 },",
      '    default_docker: { image: "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04" }',
      "}",
    ].join("\n");
    assert.deepEqual(plain(text), {
      api: {
        api_server: "https://api.example.com",
        credentials: { access_key: "AK1", secret_key: "x!Xv#G-$h&E*Z8" },
        verify_certificate: true,
      },
      agent: {
        worker_id: "",
        package_manager: {
          type: "pip",
          conda_channels: ["pytorch", "conda-forge"],
          torch_nightly: false,
        },
        venvs_dir: "~/.clearml/venvs-builds",
        venvs_cache: { max_entries: 10, free_space_threshold_gb: 2 },
        default_docker: { image: "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04" },
      },
    });
  });

  it("deep-merges duplicate objects and lets any other later value win", () => {
    assert.deepEqual(
      plain("a { x: 1, y: { p: 1 } }\na { y { q: 2 } }\nl: [1]\nl: [2]\nn: 1\nn: null"),
      {
        a: { x: 1, y: { p: 1, q: 2 } },
        l: [2],
        n: null,
      },
    );
  });

  it("merges objects and concatenates lists written side by side", () => {
    assert.deepEqual(plain("a: {x: 1} {y: 2}\nb: [1] [2, 3]"), { a: { x: 1, y: 2 }, b: [1, 2, 3] });
  });

  it("drops empty strings from lists, as the real reader does", () => {
    assert.deepEqual(plain('l: ["", "a", ""]\nm: [1,,2,]\ne: [ ]'), { l: ["a"], m: [1, 2], e: [] });
  });

  it("reads lists of objects, nested lists and comments between items", () => {
    assert.deepEqual(plain('l: [\n  { a: 1 }, # one\n  [2, [3]] // two\n  "x"\n]'), {
      l: [{ a: 1 }, [2, [3]], "x"],
    });
  });

  it("treats += like the real reader: lists and strings append, anything else replaces", () => {
    assert.deepEqual(plain('l: [1]\nl += [2]\ns: "a"\ns += "b"\nn: [1]\nn += 2\nt += "x"'), {
      l: [1, 2],
      s: "a b",
      n: 2,
      t: " x",
    });
  });

  it("gives an empty string to a key with no value", () => {
    assert.deepEqual(plain("a:\n"), { a: "" });
    assert.deepEqual(plain("{a:}"), { a: "" });
  });
});

describe("parseHocon() reads key names", () => {
  it("keeps keys apart whose hashes collide, also beyond the few it keeps under one hash", () => {
    // "Aa" and "BB" have the same hash (31 * 65 + 97 = 31 * 66 + 66): every key made of these
    // blocks collides with every other of its length
    const keys: string[] = [""];
    for (let round = 0; round < 10; round++) {
      keys.splice(0, keys.length, ...keys.flatMap((k) => [`${k}Aa`, `${k}BB`]));
    }
    assert.equal(keys.length, 1024);
    const text = keys.map((k, i) => `${k} = ${i}\n${k}  : ${i}\n`).join("") +
      "Aa = first\nAa   = again\n";
    const expected: Record<string, Plain> = {};
    keys.forEach((k, i) => (expected[k] = i));
    expected.Aa = "again";
    for (const origins of [true, false]) {
      assert.deepEqual(plain(text, { origins }), expected);
      assert.deepEqual(Object.keys(plain(text, { origins }) as object), Object.keys(expected));
    }
  });

  it("keeps apart a key whose hash is that of a shorter key it starts with", () => {
    // the keys' 31-polynomial hash as the reader takes it: "ajkenmed" and "bcqhugax" share "a"'s
    const hash = (k: string) =>
      [...k].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 0);
    assert.deepEqual(["ajkenmed", "bcqhugax"].map(hash), [hash("a"), hash("a")]);
    // one name under the hash, then two
    assert.deepEqual(plain("a = 1\najkenmed = 2\n"), { a: 1, ajkenmed: 2 });
    assert.deepEqual(plain("a = 1\nbcqhugax = 2\najkenmed = 3\n"), {
      a: 1,
      bcqhugax: 2,
      ajkenmed: 3,
    });
  });

  it("drops the spaces between a key and its separator, keeping those inside", () => {
    assert.deepEqual(plain("a b   = 1\na b: 2\nx   { y  = 3 }\n"), { "a b": 2, x: { y: 3 } });
  });
});

describe("parseHocon() resolves substitutions after the whole file is read", () => {
  it("looks a path up in the same file, seeing its final value", () => {
    assert.deepEqual(plain("a { h: x }\nb: ${a.h}/y\nc: ${d}\nd: 1\nd: 2"), {
      a: { h: "x" },
      b: "x/y",
      c: 2,
      d: 2,
    });
  });

  it("falls back to the environment variable of exactly that name, as a string", () => {
    const env = { VC: "false", HOME: "/home/u", "x.y": "dotted" };
    assert.deepEqual(plain("a: ${VC}\nb: ${HOME}/x\nc: ${x.y}", { env }), {
      a: "false",
      b: "/home/u/x",
      c: "dotted",
    });
  });

  it("never reads a variable that the env snapshot does not hold", () => {
    const e = hoconError("a: ${PATH}", { env: {} });
    assert.match(e.message, /Cannot resolve variable \$\{PATH\}/);
    assert.equal(at(e), "1:4");
  });

  it("ignores inherited properties of the env object", () => {
    assert.deepEqual(plain("a: ${?constructor}\nb: ${?toString}", { env: {} }), {});
  });

  it("keeps the type of a lone substitution and formats it inside a string", () => {
    assert.deepEqual(
      plain(
        "t: true\nf: 1.0\nl: [1]\no { k: v }\na: ${t}\nb: ${f}\nc: ${l}\nd: ${o}\ne: ${t} ${f}",
      ),
      {
        t: true,
        f: 1,
        l: [1],
        o: { k: "v" },
        a: true,
        b: 1,
        c: [1],
        d: { k: "v" },
        e: "True 1.0",
      },
    );
  });

  it("removes a key whose optional substitution is found nowhere", () => {
    assert.deepEqual(plain("k: ${?NOPE}\nm: ${?NOPE} ${?NOPE2}", { env: {} }), {});
  });

  it("keeps the earlier value of a key when its optional substitution is found nowhere", () => {
    assert.deepEqual(plain('k: "dflt"\nk: ${?NOPE}\no { x: 1 }\no: ${?NOPE}', { env: {} }), {
      k: "dflt",
      o: { x: 1 },
    });
  });

  it("drops a null out of a concatenation and removes a key that gets only null", () => {
    assert.deepEqual(plain("n: null\na: ${n}x\nb: 1\nb: ${n}"), { n: null, a: "x" });
  });

  it("lets a value refer to the value it replaces", () => {
    assert.deepEqual(plain('p: "a"\np: ${p}"b"\np: ${p}c\nq { r: x }\nq { r: ${q.r}y }'), {
      p: "abc",
      q: { r: "xy" },
    });
  });

  it("merges an object substitution into the object it replaces", () => {
    assert.deepEqual(plain("b { y: 2 }\na { x: 1 }\na: ${b}\nc: ${b} { z: 3 }"), {
      b: { y: 2 },
      a: { x: 1, y: 2 },
      c: { y: 2, z: 3 },
    });
  });

  it("drops or nulls an unresolved optional list item by its index, as the real reader", () => {
    // The reader deletes when the item's index equals a value in the list, else sets None.
    assert.deepEqual(plain("l: [1, ${?NOPE}]"), { l: [1] });
    assert.deepEqual(plain("l: [1, ${?NOPE}, 3]"), { l: [1, 3] });
    assert.deepEqual(plain("l: [${?NOPE}, 2]"), { l: [null, 2] });
    assert.deepEqual(plain("l: [a, ${?NOPE}]"), { l: ["a", null] });
  });

  it("reports a required variable found nowhere with its position", () => {
    const e = hoconError("a: 1\nb: x ${does.not.exist}");
    assert.equal(at(e), "2:6");
    assert.match(e.problem, /^Cannot resolve variable \$\{does\.not\.exist\}$/);
  });

  it("reports a cycle instead of hanging", () => {
    const e = hoconError("a: ${b}\nb: ${c}\nc: ${a}");
    assert.match(e.problem, /substitution cycle/);
    assert.equal(at(e), "3:4");
    assert.match(hoconError("a { x: ${a} }").problem, /substitution cycle/);
    assert.match(hoconError("p: ${p}").problem, /Cannot resolve variable \$\{p\}/);
  });

  it("refuses a path through a value that is not an object", () => {
    const e = hoconError("a: 1\nb: ${a.x}");
    assert.match(e.problem, /a is a number/);
    assert.equal(at(e), "2:4");
  });

  it("refuses values of different kinds side by side", () => {
    assert.match(hoconError("a: [1] x").problem, /Cannot concatenate a list with a string/);
    assert.match(
      hoconError("l: [1]\na: ${l} x").problem,
      /Cannot concatenate a list with a string/,
    );
  });
});

describe("parseHocon() merges includes", () => {
  it("merges an included file at the point of the include", () => {
    const readInclude = filesOf({ "base.conf": "a { x: 1, y: 1 }\nb: from-base\n" });
    const text = 'b: before\ninclude "base.conf"\na { y: 2 }\nc: 3';
    assert.deepEqual(plain(text, { readInclude }), { b: "from-base", a: { x: 1, y: 2 }, c: 3 });
  });

  it("merges an include inside an object into that object", () => {
    const readInclude = filesOf({ "creds.conf": '{ access_key: "AK" }' });
    assert.deepEqual(plain('api { credentials { include file("creds.conf") } }', { readInclude }), {
      api: { credentials: { access_key: "AK" } },
    });
  });

  it("passes the path as written and the including file", () => {
    const calls: string[] = [];
    const readInclude = (path: string, from: string) => {
      calls.push(`${path} from ${from}`);
      return path === "inner.conf"
        ? { file: "/etc/inner.conf", text: 'include "last.conf"' }
        : undefined;
    };
    plain('include required(file("inner.conf"))', { file: "/etc/main.conf", readInclude });
    assert.deepEqual(calls, ["inner.conf from /etc/main.conf", "last.conf from /etc/inner.conf"]);
  });

  it("gives included values the included file's origins", () => {
    const readInclude = filesOf({ "base.conf": "\n  x: 1" });
    const root = parseHocon('include "base.conf"', { file: "main.conf", readInclude });
    assert.equal(origin(root, "x"), "base.conf:2:6");
  });

  it("resolves substitutions of an included file against the including file", () => {
    const readInclude = filesOf({ "base.conf": "url: ${host}/v2" });
    assert.deepEqual(plain('host: "http://h"\ninclude "base.conf"', { readInclude }), {
      host: "http://h",
      url: "http://h/v2",
    });
  });

  it("ignores a missing include and refuses a missing required one", () => {
    const readInclude = filesOf({});
    assert.deepEqual(plain('include "nope.conf"\na: 1', { readInclude }), { a: 1 });
    assert.deepEqual(plain('include file("nope.conf")\na: 1'), { a: 1 });
    const e = hoconError('a: 1\ninclude required("nope.conf")', { readInclude });
    assert.match(e.problem, /Cannot read the required include "nope\.conf"/);
    assert.equal(at(e), "2:1");
  });

  it("reports an include cycle", () => {
    const readInclude = filesOf({ "a.conf": 'include "b.conf"', "b.conf": 'include "a.conf"' });
    const e = hoconError('include "a.conf"', { file: "main.conf", readInclude });
    assert.match(e.problem, /Include cycle: main\.conf -> a\.conf -> b\.conf -> a\.conf/);
    assert.equal(e.file, "b.conf");
  });

  it("reports a syntax error in an included file at its own position", () => {
    const readInclude = filesOf({ "bad.conf": "ok: 1\nbad: [1," });
    const e = hoconError('include "bad.conf"', { readInclude });
    assert.equal(e.file, "bad.conf");
    assert.equal(at(e), "2:9");
  });

  it("refuses url and classpath includes", () => {
    assert.match(
      hoconError('include url("http://x/a.conf")').problem,
      /URL includes are not supported/,
    );
    assert.match(
      hoconError('include "https://x/a.conf"').problem,
      /URL includes are not supported/,
    );
    assert.match(
      hoconError('include classpath("a.conf")').problem,
      /Classpath includes are not supported/,
    );
  });

  it("reads a key that merely starts with include as a key", () => {
    assert.deepEqual(plain("include-dir: 1\nincludes: 2\ninclude_x = 3"), {
      "include-dir": 1,
      includes: 2,
      include_x: 3,
    });
  });

  it("reads include in any case, and words that start like it as words", () => {
    const readInclude = filesOf({ "base.conf": "a: 1" });
    assert.deepEqual(plain('INCLUDE "base.conf"\nb: 2', { readInclude }), { a: 1, b: 2 });
    assert.deepEqual(plain('Include file("base.conf")', { readInclude }), { a: 1 });
    assert.deepEqual(plain("images { inc: INFO in Inc }\nin: i\nInclusion: x"), {
      images: { inc: "INFO in Inc" },
      in: "i",
      Inclusion: "x",
    });
    assert.throws(() => plain('a: x INCLUDE "base.conf"', { readInclude }), /cannot be used/);
  });
});

describe("parseHocon() gives every node the position where its value starts", () => {
  const text = [
    "# header", // 1
    "api {", // 2
    '  host: "https://x"   # c', // 3
    "  port = 8008", // 4
    "  list: [1,", // 5
    "    { a: true }]", // 6
    "}", // 7
    "sdk.dev.flag: off", // 8
    "ref: ${api.port}", // 9
  ].join("\n");
  const root = parseHocon(text, { file: "clearml.conf" });

  it("places the root at the start of the file", () => {
    assert.deepEqual(root.origin, { kind: "file", file: "clearml.conf", line: 1, col: 1 });
  });

  it("places objects at their brace and scalars at their first character", () => {
    assert.equal(origin(root, "api"), "clearml.conf:2:5");
    assert.equal(origin(root, "api.host"), "clearml.conf:3:9");
    assert.equal(origin(root, "api.port"), "clearml.conf:4:10");
  });

  it("places lists at their bracket and items where they start", () => {
    const list = node(root, "api.list");
    assert.equal(origin(root, "api.list"), "clearml.conf:5:9");
    assert.ok(list.type === "list");
    assert.deepEqual(
      list.items.map((i) => i.origin.kind === "file" ? `${i.origin.line}:${i.origin.col}` : ""),
      [
        "5:10",
        "6:5",
      ],
    );
  });

  it("places objects made by a dotted key at the key", () => {
    assert.equal(origin(root, "sdk"), "clearml.conf:8:1");
    assert.equal(origin(root, "sdk.dev"), "clearml.conf:8:1");
    assert.equal(origin(root, "sdk.dev.flag"), "clearml.conf:8:15");
  });

  it("places a substituted value at the substitution", () => {
    assert.equal(origin(root, "ref"), "clearml.conf:9:6");
    assert.equal(toPlain(node(root, "ref")), 8008);
  });

  it("names the file <string> when none is given", () => {
    assert.equal(origin(parseHocon("a: 1"), "a"), "<string>:1:4");
  });
});

describe("parseHocon() reports errors with the position and what was expected", () => {
  it("throws a ConfigError with exit code 3 and the position in its fields", () => {
    const e = hoconError("a {\n  b: 1\n", { file: "x.conf" });
    assert.ok(e instanceof ConfigError);
    assert.equal(e.exitCode, 3);
    assert.equal(e.name, "HoconError");
    assert.deepEqual([e.file, e.line, e.col], ["x.conf", 3, 1]);
    assert.equal(
      e.message,
      "x.conf:3:1: Unexpected end of input; expected '}' to close the object opened at 1:3",
    );
  });

  const table: Array<[string, string, string, RegExp]> = [
    ["missing closing brace", "a { b: 1", "1:9", /'\}' to close the object opened at 1:3/],
    ["missing closing bracket", "l: [1, 2", "1:9", /'\]' to close the list opened at 1:4/],
    ["unterminated string", 'a: 1\nb: "abc', "2:4", /Unterminated string/],
    ["newline inside a string", 'a: "ab\ncd"', "1:4", /Unterminated string/],
    ["unterminated triple quotes", 'a: """abc', "1:4", /Unterminated triple-quoted string/],
    [
      "equals inside an unquoted value",
      "a: b=c",
      "1:5",
      /Unexpected '=' after a value.*double quotes/,
    ],
    ["forbidden character in a value", "a: foo!bar", "1:7", /Unexpected '!' after a value/],
    ["dollar without a brace", "a: $x", "1:4", /Unexpected '\$' where a value should start/],
    ["unterminated substitution", "a: ${x", "1:4", /Unterminated substitution/],
    ["empty substitution", "a: ${}", "1:4", /Empty substitution/],
    ["key without separator", "a b\nc: 1", "2:1", /after the key a b; expected ':', '=' or '\{'/],
    ["stray closing brace", "a: 1\n}", "2:1", /Unexpected '\}' without a matching '\{'/],
    [
      "text after the root object",
      "{a: 1} b: 2",
      "1:8",
      /after the closing '\}' of the root object/,
    ],
    ["root that is a list", "\n[1, 2]", "2:1", /root of the file is a list/],
    ["byte order mark", "\uFEFFa: 1", "1:1", /byte order mark/],
    ["NUL byte", "a: 1\nb\u0000: 2", "2:2", /control character U\+0000/],
    ["non-breaking space", "a: b\u00a0c", "1:5", /non-ASCII space U\+00A0/],
    ["key outside Latin-1", "ключ: 1", "1:1", /Unexpected 'к'/],
    [
      "object over a number",
      "a: 3\na { b: 1 }",
      "2:3",
      /Cannot merge an object into a, which already holds a number/,
    ],
    ["include as a value", 'a: include "x.conf"', "1:4", /An include cannot be used as a value/],
    ["key without a name", ".: 1", "1:1", /has no name/],
  ];
  for (const [what, text, position, pattern] of table) {
    it(`reports ${what} at ${position}`, () => {
      const e = hoconError(text);
      assert.equal(at(e), position, e.message);
      assert.match(e.message, pattern);
      assert.match(e.message, /^<string>:\d+:\d+: [A-Z][^;]*; expected ./);
    });
  }
});

describe("parseHocon() sets a key that was null in place", () => {
  it("keeps one entry, at the null's place, when a null key is set again", () => {
    for (
      const [text, expected] of [
        ["a = null\nb = 1\na { x = 1 }", "a {\n  x: 1\n}\nb: 1\n"],
        ["a = null\nb = 1\na = 2", "a: 2\nb: 1\n"],
        ['a = null\nb = 1\na = "s"', 'a: "s"\nb: 1\n'],
      ] as const
    ) {
      const tree = parseHocon(text);
      assert.equal(renderHocon(tree), expected, text);
      assert.deepEqual(tree.type === "object" && [...tree.entries.keys()], ["a", "b"], text);
    }
  });
});

describe("parseHocon() merges copies of substituted objects", () => {
  it("leaves the referenced object as it was when an object merges over its copy", () => {
    const tree = parseHocon("b { x { m = 1 } }\na = ${b}\na = ${b} { x { z = 2 } }");
    assert.deepEqual(toPlain(tree), { b: { x: { m: 1 } }, a: { x: { m: 1, z: 2 } } });
  });
});
