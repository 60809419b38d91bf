/** `.env` files: our reader, our writer (`env export --format dotenv`) and their round trip. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dotenvValue, parseDotenv, readEnvFile } from "../../src/settings/dotenv.ts";
import { renderExport } from "../../src/settings/env_export.ts";
import { ConfigError } from "../../src/errors.ts";
import { runCli } from "../_helpers/cli.ts";
import { mulberry32 } from "../_helpers/seeded_random.ts";

function vars(text: string): Record<string, string> {
  const r = parseDotenv(text);
  assert.deepEqual(r.problems, []);
  return Object.fromEntries(r.vars);
}

const PIECES = [
  "a",
  "Z",
  "0",
  "_",
  " ",
  "  ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "'",
  '"',
  "`",
  "\\",
  "\\n",
  "\\\\",
  '\\"',
  "#",
  " #",
  "=",
  "$",
  "${X}",
  "é",
  "日本",
  "😀",
  "://",
  "-e",
  "export ",
  "\u00a0",
];

function randomValue(next: () => number): string {
  const n = Math.floor(next() * 12);
  let s = "";
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

describe("parseDotenv()", () => {
  it("reads the ordinary forms as node's parseEnv does", () => {
    assert.deepEqual(
      vars(
        "# comment\nA=1\nexport B=two\nC = 3 \nD=plain # c\nE='x\"y'\nF=`q'\"`\n" +
          'G="multi\nline"\nH="a\\nb"\nI=x=y\nJ=\nK=http://x/#frag\n',
      ),
      {
        A: "1",
        B: "two",
        C: "3",
        D: "plain",
        E: 'x"y',
        F: "q'\"",
        G: "multi\nline",
        H: "a\nb",
        I: "x=y",
        J: "",
        K: "http://x/",
      },
    );
  });

  it('unescapes \\\\ and \\" in double quotes, keeps other backslashes', () => {
    assert.deepEqual(vars('A="a\\\\b\\"c"\nB="\\d"\nC=\'\\n\''), {
      A: 'a\\b"c',
      B: "\\d",
      C: "\\n",
    });
  });

  it("reports every line it cannot read, with its number", () => {
    const r = parseDotenv("A=1\nNOEQUALS\nB='open\n");
    assert.deepEqual(r.vars, [["A", "1"]]);
    assert.deepEqual(r.problems.map((p) => p.line), [2, 3]);
    assert.match(r.problems[0]!.message, /"NOEQUALS" is not followed by "="/);
    assert.match(r.problems[1]!.message, /never closed/);
    const after = parseDotenv('T="a"b\n');
    assert.match(after.problems[0]!.message, /text after the closing " quote of T/);
  });
});

describe("dotenvValue() and parseDotenv() are inverse", () => {
  it("round-trips the value of the issue: a'b\"c \\n", () => {
    const v = "a'b\"c \\n";
    assert.deepEqual(parseDotenv(renderExport([["CLEARML_WORKER_NAME", v]], "dotenv")).vars, [
      ["CLEARML_WORKER_NAME", v],
    ]);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`round-trips 2000 random values, one by one and as one file (seed ${seed})`, () => {
      const next = mulberry32(seed);
      const all: Array<[string, string]> = [];
      for (let i = 0; i < 2000; i++) {
        const v = randomValue(next);
        const back = parseDotenv(`K=${dotenvValue(v)}\n`);
        assert.deepEqual(back, { vars: [["K", v]], problems: [] }, JSON.stringify(v));
        all.push([`V${i}`, v]);
      }
      assert.deepEqual(parseDotenv(renderExport(all, "dotenv")), { vars: all, problems: [] });
    });
  }
});

describe("readEnvFile()", () => {
  it("stops on a Latin-1 byte, naming file, line and byte", () => {
    const bytes = new Uint8Array([...Buffer.from("A=1\nB=caf"), 0xe9, 0x0a]);
    assert.throws(() => readEnvFile(bytes, "/x/.env"), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /\/x\/\.env:2: byte 0xe9 \(byte 6 of the line, offset 9\)/);
      return true;
    });
  });

  it("stops on unreadable lines instead of dropping them", () => {
    assert.throws(
      () => readEnvFile(new TextEncoder().encode("A=1\nB\n"), "/x/.env"),
      /\/x\/\.env:2: "B" is not followed by "="/,
    );
  });
});

describe("env export --format dotenv, read back through --env-file", () => {
  it("gives back the exact value", () => {
    const value = "a'b\"c \\n\nline2 # not a comment\t$HOME `x`";
    const out = runCli(["env", "export", "--format", "dotenv"], {
      env: { CLEARML_WORKER_NAME: value },
    });
    assert.equal(out.code, 0, out.stderr);
    const dir = mkdtempSync(join(tmpdir(), "clearml-dotenv-"));
    const file = join(dir, "exported.env");
    writeFileSync(file, out.stdout);
    const back = runCli(["env", "--json", "--env-file", file]);
    assert.equal(back.code, 0, back.stderr);
    const v = JSON.parse(back.stdout).variables.find((x: { name: string }) =>
      x.name === "CLEARML_WORKER_NAME"
    );
    assert.equal(v.consumers.sdk.value, value);
  });
});
