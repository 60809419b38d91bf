import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runInProcess } from "../_helpers/context.ts";
import { runCli } from "../_helpers/cli.ts";

describe("clearml --version", () => {
  it("prints the version line in-process", async () => {
    const r = await runInProcess(["--version"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^clearml \d+\.\d+\.\d+ \(commit \S+, built \S+, (bun|deno) /);
  });

  it("prints JSON with a schema, runtime and target", async () => {
    const r = await runInProcess(["--version", "--json"]);
    const info = JSON.parse(r.out);
    assert.equal(info.schema, "clearml.version/v1");
    assert.match(info.runtime, /^(bun|deno) \d/);
    assert.equal(info.target, `${process.platform}-${process.arch}`);
  });

  it("exits 2 on an unknown option, without a stack trace", async () => {
    const r = await runInProcess(["--bogus"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown option '--bogus'/);
    assert.doesNotMatch(r.err, /\bat .*\.ts:\d+/);
  });

  it("runs as a subprocess from source", () => {
    const r = runCli(["--version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^clearml /);
  });
});

describe("clearml --version --json (subprocess)", () => {
  it("prints the version record as JSON from the program's own entry", () => {
    // main.ts sends --version straight to its own module: the in-process runs above bypass it
    const r = runCli(["--version", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).schema, "clearml.version/v1");
  });
});
