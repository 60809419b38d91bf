import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  findPython,
  gatherHostFacts,
  pythonTempDir,
  randomName,
} from "../../../src/agent/host_probe.ts";

describe("host facts for plan()", () => {
  it("pythonTempDir() takes TMPDIR, TEMP, TMP in that order when they exist, else /tmp", () => {
    const d = mkdtempSync(join(tmpdir(), "hp-"));
    const missing = join(d, "missing");
    assert.equal(pythonTempDir({ TMPDIR: d, TEMP: missing }), d);
    assert.equal(pythonTempDir({ TMPDIR: missing, TMP: d }), d);
    assert.equal(pythonTempDir({}), "/tmp");
    rmSync(d, { recursive: true });
  });

  it("randomName() is 8 characters of [a-z0-9_], like Python's tempfile names", () => {
    for (let i = 0; i < 50; i++) assert.match(randomName(), /^[a-z0-9_]{8}$/);
  });

  it("findPython() reads the version from the file a name resolves to, without running it", () => {
    const d = mkdtempSync(join(tmpdir(), "hp-"));
    const bin = join(d, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "python3.9"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    symlinkSync("python3.9", join(bin, "python3"));
    const p = findPython("python3", { PATH: bin }, d);
    assert.deepEqual(p, { command: "python3", path: join(bin, "python3"), version: "3.9" });
    assert.equal(findPython("python3.12", { PATH: bin }, d), null);
    rmSync(d, { recursive: true });
  });

  it("findPython() follows a pyenv shim to the active version's binary", () => {
    const root = mkdtempSync(join(tmpdir(), "hp-pyenv-"));
    mkdirSync(join(root, "shims"));
    mkdirSync(join(root, "versions", "3.10.4", "bin"), { recursive: true });
    writeFileSync(join(root, "shims", "python3.10"), "#!/bin/sh\n", { mode: 0o755 });
    writeFileSync(join(root, "shims", "python3.8"), "#!/bin/sh\n", { mode: 0o755 });
    writeFileSync(join(root, "versions", "3.10.4", "bin", "python3.10"), "", { mode: 0o755 });
    writeFileSync(join(root, "version"), "3.10.4\n");
    const env = { PATH: join(root, "shims"), PYENV_ROOT: root };
    const p = findPython("python3.10", env, root);
    assert.deepEqual(p, {
      command: "python3.10",
      path: join(root, "versions", "3.10.4", "bin", "python3.10"),
      version: "3.10.4",
    });
    assert.equal(findPython("python3.8", env, root), null, "a shim of no active version");
    rmSync(root, { recursive: true });
  });

  it("gatherHostFacts() lists the interpreters in the agent's order and the paths that exist", () => {
    const home = mkdtempSync(join(tmpdir(), "hp-home-"));
    mkdirSync(join(home, ".ssh"));
    const h = gatherHostFacts({ env: { PATH: "/usr/bin:/bin" }, home, cwd: home });
    assert.deepEqual(h.existing, [join(home, ".ssh")]);
    const names = h.pythons.map((p) => p.command);
    assert.ok(names.includes("python3"), names.join(","));
    assert.ok(names.indexOf("python3") > names.findIndex((n) => /^python3\.\d+$/.test(n)));
    assert.notEqual(h.random.stdout, h.random.config);
    rmSync(home, { recursive: true });
  });
});
