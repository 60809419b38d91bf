import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUN, bundleMain } from "../_helpers/bundle.ts";

// scripts/build bakes the target in with --define; a musl build on a glibc-looking kernel must
// still say linux-x64-musl. A bundle built the same way shows what the binary shows.
describe("the build's own target", () => {
  it("doctor's header and --version show the target the build was made for", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-target-"));
    try {
      const out = join(dir, "main.js");
      bundleMain(["--define", '__CLEARML_TARGET__="linux-x64-musl"', "--outfile", out]);
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
      const run = (args: string[]) =>
        spawnSync(BUN, ["--no-env-file", out, ...args], {
          encoding: "utf8",
          env,
          cwd: dir,
        });
      const doctor = run(["doctor", "--offline", "--check", "env.names", "--json"]);
      assert.equal(JSON.parse(doctor.stdout).platform, "linux-x64-musl", doctor.stderr);
      const text = run(["doctor", "--offline", "--check", "env.names"]);
      assert.match(text.stdout, /^ClearML doctor \S+ \(linux-x64-musl\)/);
      assert.match(run(["--version"]).stdout, /, linux-x64-musl\)$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
