import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { stampVenv, venvHolds } from "../../../src/agent/venv_stamp.ts";

describe("venv stamps (reuse a restored cache entry in place)", () => {
  function venv(): string {
    const d = mkdtempSync(join(tmpdir(), "stamp-"));
    mkdirSync(join(d, "bin"));
    mkdirSync(join(d, "lib", "python3.11", "site-packages"), { recursive: true });
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(d, "bin"), old, old);
    utimesSync(join(d, "lib", "python3.11", "site-packages"), old, old);
    return d;
  }

  it("holds the entry it was stamped with while bin and site-packages are unchanged", () => {
    const d = venv();
    stampVenv(d, "abc");
    assert.equal(venvHolds(d, "abc"), true);
    assert.equal(venvHolds(d, "other"), false);
    // the task's code next to the venv does not matter
    mkdirSync(join(d, "task_repository"));
    assert.equal(venvHolds(d, "abc"), true);
    rmSync(d, { recursive: true });
  });

  it("no longer holds it once a package was added to site-packages", () => {
    const d = venv();
    stampVenv(d, "abc");
    writeFileSync(join(d, "lib", "python3.11", "site-packages", "extra.py"), "");
    assert.equal(venvHolds(d, "abc"), false);
    rmSync(d, { recursive: true });
  });

  it("an unstamped folder holds nothing", () => {
    const d = venv();
    assert.equal(venvHolds(d, "abc"), false);
    rmSync(d, { recursive: true });
  });
});
