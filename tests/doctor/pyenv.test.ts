import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pyenvVersions, shimTarget } from "../../src/doctor/probes/_pyenv.ts";

let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "clearml-pyenv-"));
  mkdirSync(join(root, "shims"));
  writeFileSync(join(root, "shims", "python3"), "#!/bin/sh\n");
  writeFileSync(join(root, "shims", "python3.12"), "#!/bin/sh\n");
  mkdirSync(join(root, "versions", "3.11.7", "bin"), { recursive: true });
  writeFileSync(join(root, "versions", "3.11.7", "bin", "python3"), "");
  writeFileSync(join(root, "version"), "3.11.7\n");
  mkdirSync(join(root, "proj", "sub"), { recursive: true });
  writeFileSync(join(root, "proj", ".python-version"), "3.12.1\n");
});
after(() => rmSync(root, { recursive: true, force: true }));

describe("pyenv shim resolution", () => {
  it("pyenvVersions() prefers PYENV_VERSION, then the nearest .python-version, then the global file", () => {
    assert.deepEqual(pyenvVersions(root, { PYENV_VERSION: "3.9.1:3.11.7" }, "/"), [
      "3.9.1",
      "3.11.7",
    ]);
    assert.deepEqual(pyenvVersions(root, {}, join(root, "proj", "sub")), ["3.12.1"]);
    assert.deepEqual(pyenvVersions(root, {}, "/"), ["3.11.7"]);
  });

  it("shimTarget() finds the version's binary, or says the shim is inactive", () => {
    const env = { PYENV_ROOT: root };
    assert.deepEqual(shimTarget(join(root, "shims", "python3"), env, "/"), {
      kind: "binary",
      path: join(root, "versions", "3.11.7", "bin", "python3"),
      version: "3.11.7",
    });
    assert.deepEqual(shimTarget(join(root, "shims", "python3.12"), env, "/"), {
      kind: "inactive",
      versions: ["3.11.7"],
    });
    assert.deepEqual(
      shimTarget(join(root, "shims", "python3"), { ...env, PYENV_VERSION: "system" }, "/"),
      {
        kind: "unknown",
      },
    );
  });
});
