/**
 * What the fast path loads, read from the split bundle the binary is built from: each start
 * pays for every module it imports (tables built, objects made, Node built-ins loaded), so the
 * common commands import none of the modules they do not use.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleMain } from "../_helpers/bundle.ts";

let dir = "";
let files: string[] = [];
before(() => {
  dir = mkdtempSync(join(tmpdir(), "clearml-split-"));
  bundleMain(["--format=esm", "--splitting", "--outdir", dir]);
  files = readdirSync(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const text = (file: string) => readFileSync(join(dir, file), "utf8");

/** The chunk a dynamic import of `name` (a file of src/cli) starts from. */
function entry(name: string): string {
  const f = files.find((x) => x.startsWith(`${name}-`) && x.endsWith(".js"));
  assert.ok(f, `no chunk for ${name} in ${files.join(", ")}`);
  return f;
}

/** Every chunk loaded with `starts`, through static imports (dynamic ones load on use). */
function loaded(...starts: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of text(f).matchAll(/^(?:import|export)[^;]*? from "\.\/([^"]+)"/gm)) {
      todo.push(m[1]!);
    }
  }
  return [...seen];
}

const sources = (chunks: string[]) =>
  chunks.flatMap((f) =>
    [...text(f).matchAll(/^\/\/ ((?:src|node_modules)\/\S+)/gm)].map((m) => m[1]!)
  );
const builtins = (chunks: string[]) =>
  chunks.flatMap((f) =>
    [...text(f).matchAll(/^(?:import|export)[^;]*? from "([^".][^"]*)"/gm)].map((m) => m[1]!)
  );

describe("the fast path's imports", () => {
  it("--version loads neither the catalogue, the resolver, the masking rules nor the HOCON reader", () => {
    const srcs = sources(loaded("main.js", entry("run_version")));
    assert.ok(srcs.includes("src/version.ts"), srcs.join(", "));
    const unwanted = [
      "src/settings/catalogue.ts",
      "src/settings/resolve.ts",
      "src/settings/mask.ts", // exit_code.ts's, loaded when a command fails
      "src/settings/hocon/parse.ts",
      "src/cli/output.ts", // for --json only
    ];
    for (const s of unwanted) {
      assert.ok(!srcs.includes(s), `${s} in ${srcs.join(", ")}`);
    }
  });

  it("env and config show load no Node built-in, commander, the doctor or the agent", () => {
    const chunks = loaded("main.js", entry("run_fast"));
    assert.deepEqual(builtins(chunks), []);
    const srcs = sources(chunks);
    const unwanted = srcs.filter((s) =>
      s.startsWith("node_modules/") || s.startsWith("src/doctor/") ||
      s.startsWith("src/agent/") || s.startsWith("src/server/")
    );
    assert.deepEqual(unwanted, []);
  });

  // Each chunk a start loads costs module record, source, program and environment cells, each
  // kind in heap blocks of its own; 64 blocks start JavaScriptCore's warm-up thread (README).
  it("env and config show come with main.ts's one dynamic import, in few chunks", () => {
    const chunks = loaded("main.js", entry("run_fast"));
    const srcs = sources(chunks);
    for (const s of ["src/cli/config_show.ts", "src/cli/env_list.ts", "src/settings/resolve.ts"]) {
      assert.ok(srcs.includes(s), `${s} not among the static imports: ${srcs.join(", ")}`);
    }
    // main.js, run_fast and the modules they share with other commands (11 when each command
    // was a dynamic import of its own)
    assert.ok(chunks.length <= 5, `${chunks.length} chunks: ${chunks.join(", ")}`);
  });
});
