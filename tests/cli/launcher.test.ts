import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ROOT } from "../_helpers/cli.ts";

describe("scripts/run", () => {
  for (const runtime of ["bun", "deno"]) {
    it(`scripts/run keeps CLEARML_RUNTIME=${runtime} out of the program's environment`, () => {
      // `env -i`: Deno's spawnSync adds the parent's environment to the one it is given.
      const r = spawnSync("/usr/bin/env", [
        "-i",
        `PATH=${process.env.PATH ?? "/usr/bin:/bin"}`,
        "HOME=/nonexistent",
        `CLEARML_RUNTIME=${runtime}`,
        `${ROOT}scripts/run`,
        "env",
        "check",
        "--strict",
        "--json",
      ], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.findings, [], r.stdout);
      assert.equal(r.status, 0, r.stderr);
    });
  }
});
