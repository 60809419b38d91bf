import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnProcess } from "../../../src/runtime/spawn.ts";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { captureStreams, LineSplitter } from "../../../src/agent/capture.ts";
import { memorySink, PY } from "./_plan.ts";

const enc = new TextEncoder();

function split(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe("LineSplitter", () => {
  it("keeps a line split across chunks whole", () => {
    assert.deepEqual(split([enc.encode("ab"), enc.encode("c\nde"), enc.encode("f\n")]), [
      "abc",
      "def",
    ]);
  });

  it("sends a trailing partial line at the end, and no empty line after a final newline", () => {
    assert.deepEqual(split([enc.encode("a\nb")]), ["a", "b"]);
    assert.deepEqual(split([enc.encode("a\n")]), ["a"]);
  });

  it("drops the \\r of \\r\\n endings (a container run with -t)", () => {
    assert.deepEqual(split([enc.encode("a\r\nb\r"), enc.encode("\n")]), ["a", "b"]);
  });

  it("decodes a multi-byte character split between chunks", () => {
    const bytes = enc.encode("héllo\n");
    assert.deepEqual(split([bytes.slice(0, 2), bytes.slice(2)]), ["héllo"]);
  });

  it("replaces invalid UTF-8 instead of failing", () => {
    assert.deepEqual(split([new Uint8Array([0x61, 0xff, 0x0a])]), ["a\uFFFD"]);
  });

  it("keeps empty lines", () => {
    assert.deepEqual(split([enc.encode("\n\nx\n")]), ["", "", "x"]);
  });
});

describe("captureStreams()", () => {
  it("writes every byte to the file and every line to the sink, per stream", async () => {
    const dir = mkdtempSync(join(tmpdir(), "capture-"));
    const path = join(dir, "out.txt");
    const fd = openSync(path, "w");
    const sink = memorySink();
    const child = await spawnProcess([
      PY,
      "-c",
      "import sys\nfor i in range(20000):\n  (sys.stdout if i % 3 else sys.stderr).write(f'line {i}\\n')",
    ], { env: {} });
    const stats = await captureStreams({ stdout: child.stdout, stderr: child.stderr }, {
      fd,
      sink,
    });
    closeSync(fd);
    const file = readFileSync(path, "utf8");
    assert.equal(file.split("\n").length - 1, 20000);
    assert.equal(stats.lines, 20000);
    assert.equal(stats.bytes, Buffer.byteLength(file));
    const err = sink.lines.filter(([, s]) => s === "stderr").map(([t]) => t);
    assert.equal(err.length, Math.ceil(20000 / 3));
    assert.equal(err[1], "line 3", "stderr lines keep their order");
    rmSync(dir, { recursive: true });
  });
});
