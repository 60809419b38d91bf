import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeFsView } from "../../src/settings/node_fs_view.ts";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "clearml-fsview-"));
  writeFileSync(join(dir, "a.conf"), "api { host: é }\n");
  writeFileSync(join(dir, "empty.conf"), "");
  writeFileSync(join(dir, "latin1.conf"), new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  mkdirSync(join(dir, "sub.conf"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Bun reads through Bun.mmap, Deno through node:fs: each case must read the same on both.
describe("nodeFsView.read()", () => {
  it("reads a file as UTF-8 text", () => {
    assert.deepEqual(nodeFsView.read(join(dir, "a.conf")), {
      kind: "file",
      text: "api { host: é }\n",
    });
  });

  it("reads an empty file as an empty text", () => {
    assert.deepEqual(nodeFsView.read(join(dir, "empty.conf")), { kind: "file", text: "" });
  });

  it("calls a path that does not exist, or lies below a file, missing", () => {
    assert.deepEqual(nodeFsView.read(join(dir, "none.conf")), { kind: "missing" });
    assert.deepEqual(nodeFsView.read(join(dir, "a.conf", "x.conf")), { kind: "missing" });
  });

  it("calls a directory and a device not a file", () => {
    assert.deepEqual(nodeFsView.read(join(dir, "sub.conf")), { kind: "not-a-file" });
    assert.deepEqual(nodeFsView.read("/dev/null"), { kind: "not-a-file" });
  });

  it("names the byte of a file that is not UTF-8", () => {
    const r = nodeFsView.read(join(dir, "latin1.conf"));
    assert.equal(r.kind, "unreadable");
    assert.match(r.kind === "unreadable" ? r.error : "", /:1: byte 0xe9 \(byte 4 of the line/);
  });
});
