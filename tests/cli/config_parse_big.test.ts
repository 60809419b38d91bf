/**
 * `config parse` of a file of 1 MB or more: Bun's compiled binary keeps the parse's hot functions
 * out of JSC's optimizing tier (src/runtime/jit_policy.ts, keepOutOfFtl) instead of starting a
 * second process without it. Output and exit status must be those of a run with the optimizing
 * tier on everywhere (BUN_JSC_useFTLJIT=1) and with it off everywhere (BUN_JSC_useFTLJIT=0).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../_helpers/cli.ts";
import { parserHotPath } from "../../src/settings/hocon/parse.ts";
import { entriesHotPath } from "../../src/settings/entries.ts";

// Under Deno, the bun that scripts/test puts on PATH compiles.
const BUN = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? process.execPath : "bun";

let dir = "";
let bin = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "clearml-parse-big-"));
  bin = join(dir, "clearml");
  const b = spawnSync(BUN, [
    "build",
    "--compile",
    "--format=esm",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    join(ROOT, "src", "main.ts"),
    "--outfile",
    bin,
  ], { encoding: "utf8", timeout: 300_000 });
  assert.equal(b.status, 0, b.stderr);
  const section = (i: number) =>
    `s${i} { url: "https://u:pw${i}@h${i}.example.com/x", secret_key: k${i}, n: ${i}, ` +
    `l: ["-e", "A_TOKEN=t${i}", "--ipc=host"], f: 1.5 }\n`;
  let text = "";
  for (let i = 0; text.length < 1.2 * (1 << 20); i++) text += section(i);
  writeFileSync(join(dir, "big.conf"), text);
  writeFileSync(join(dir, "bad.conf"), text + "broken {\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], ftl?: string, more: Record<string, string> = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
  if (ftl !== undefined) env.BUN_JSC_useFTLJIT = ftl;
  Object.assign(env, more);
  const r = spawnSync(bin, args, { encoding: "utf8", env, cwd: dir, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("config parse of a big file in the compiled binary", () => {
  for (
    const args of [
      ["config", "parse", "big.conf", "--json"],
      ["config", "parse", "big.conf"],
      ["config", "parse", "big.conf", "--show-secrets"],
      ["config", "parse", "bad.conf", "--json"],
      ["config", "parse", "bad.conf"],
    ]
  ) {
    it(`prints and exits as with the optimizing tier on or off: ${args.join(" ")}`, () => {
      const kept = run(args);
      assert.deepEqual(kept, run(args, "1"));
      assert.deepEqual(kept, run(args, "0"));
      assert.ok(kept.stdout.length + kept.stderr.length > 0);
    });
  }

  it("keeps the parse out of the optimizing tier (JSC reports each FTL compilation)", () => {
    const report = { BUN_JSC_reportFTLCompileTimes: "1" };
    // the parse's functions, by name (the test's binary is not minified)
    const kept = new Set(
      [...parserHotPath(), ...entriesHotPath()].map((f) => (f as { name: string }).name),
    );
    // "Optimized parseBody#Ba7ynh:[...] using FTLMode with FTL into ..."
    const compiled = (stderr: string) =>
      stderr.split("\n").filter((l) => /using FTL/.test(l))
        .map((l) => /Optimized ([^#\s]+)#/.exec(l)?.[1] ?? l);
    for (
      const args of [["config", "parse", "big.conf", "--json"], ["config", "parse", "big.conf"]]
    ) {
      const ours = run(args, undefined, report);
      assert.equal(ours.status, 0, ours.stderr);
      assert.deepEqual(compiled(ours.stderr).filter((n) => kept.has(n)), []);
      // With the tier on everywhere (the user decides), the same functions do reach it: the
      // report works. How many depends on the machine's load (15-28 functions seen in all).
      const everywhere = compiled(run(args, "1", report).stderr);
      assert.ok(
        everywhere.some((n) => kept.has(n)),
        `none of the parse's functions compiled with the tier on: ${everywhere.join(" ")}`,
      );
    }
  });

  it("masks the secrets of a big file", () => {
    const r = run(["config", "parse", "big.conf", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /pw17@|"k17"|t17"/);
    assert.match(run(["config", "parse", "big.conf", "--show-secrets"]).stdout, /pw17@/);
  });
});
