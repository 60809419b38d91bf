import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dirFacts } from "../../src/doctor/probes/fs_probe.ts";
import { canCreateFile } from "../../src/platform/temp_stdout.ts";

let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "clearml-fsprobe-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe("dirFacts()", () => {
  it("dirFacts() calls a directory writable when a file can be created in it, and leaves none", () => {
    const f = dirFacts(root, []);
    assert.equal(f.writable, true);
    assert.deepEqual(readdirSync(root), []);
  });

  it("dirFacts() says what canCreateFile says where access(2) would let root write", () => {
    // /proc/self is mode 555 on a read-write mount: access(W_OK) succeeds for root, yet no file
    // can be created there, and the agent's tempfile would pass it over
    const f = dirFacts("/proc/self", []);
    assert.equal(f.writable, canCreateFile("/proc/self"));
    assert.equal(f.writable, false);
  });

  it("dirFacts() of a missing directory asks whether its parent can take a new entry", () => {
    const f = dirFacts(join(root, "a", "b"), []);
    assert.equal(f.exists, false);
    assert.equal(f.ancestor, root);
    assert.equal(f.ancestorWritable, true);
  });

  it("dirFacts() of a directory without write permission is not writable (unless root)", () => {
    const ro = join(root, "ro");
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(ro, 0o555);
    assert.equal(dirFacts(ro, []).writable, process.getuid?.() === 0);
    chmodSync(ro, 0o755);
  });
});
