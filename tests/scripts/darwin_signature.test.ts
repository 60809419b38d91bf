import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../_helpers/cli.ts";
import { adhocSign, pageHashErrors } from "../../scripts/_macho_sign.ts";

// scripts/build for the darwin targets (their runtimes come from the npm registry through bun
// build --target): every page hash of every CodeDirectory must be the SHA-256 of its 4 KiB page,
// up to the signature itself, as the kernel checks them when it maps a page
// (<Kernel/kern/cs_blobs.h>: CS_CodeDirectory.codeLimit, nCodeSlots, hashOffset).
describe("the darwin binaries' code signatures", () => {
  const dist = mkdtempSync(join(tmpdir(), "clearml-darwin-"));
  after(() => rmSync(dist, { recursive: true, force: true }));

  it("scripts/build signs darwin-arm64 and darwin-x64 so that every page hash matches", {
    timeout: 600_000,
  }, () => {
    const r = spawnSync(join(ROOT, "scripts", "build"), ["darwin-arm64", "darwin-x64"], {
      cwd: ROOT,
      env: { ...process.env, DIST: dist },
      encoding: "utf8",
      timeout: 600_000,
    });
    assert.equal(r.status, 0, r.stderr);
    for (const target of ["darwin-arm64", "darwin-x64"]) {
      const bytes = readFileSync(join(dist, `clearml-${target}`));
      const check = pageHashErrors(bytes);
      assert.deepEqual(check.blobs, [0], target);
      assert.equal(check.coversFile, true, target);
      assert.equal(check.directories.length, 1, target);
      assert.equal(check.directories[0]!.badPages, 0, target);
      assert.equal(check.directories[0]!.adhoc, true, target);
      assert.ok(check.directories[0]!.nCodeSlots > 1000, target);
    }
  });

  it("pageHashErrors() finds a changed page, and adhocSign() makes it right again", () => {
    const signed = new Uint8Array(readFileSync(join(dist, "clearml-darwin-x64")));
    signed[5 * 4096 + 7] = signed[5 * 4096 + 7]! ^ 0xff;
    signed[9 * 4096] = signed[9 * 4096]! ^ 0xff;
    assert.equal(pageHashErrors(signed).directories[0]!.badPages, 2);
    assert.equal(pageHashErrors(adhocSign(signed)).directories[0]!.badPages, 0);
  });
});
