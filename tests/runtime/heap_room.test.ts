/**
 * makeHeapRoom(): after it, Bun's collector lets a pass allocate tens of megabytes without a
 * collection. Counted in a Bun child with JavaScriptCore's GC log (`BUN_JSC_logGC=1` prints
 * "Requesting GC because bytes allocated this cycle…" for each collection the allocation starts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { BUN } from "../_helpers/bundle.ts";
import { ROOT } from "../_helpers/cli.ts";
import { makeHeapRoom } from "../../src/runtime/heap_room.ts";

/** Collections that ~50 MB of live small objects start in a Bun child, with or without room. */
function collections(withRoom: boolean): number {
  const module = JSON.stringify(join(ROOT, "src", "runtime", "heap_room.ts"));
  const script = `
    import { makeHeapRoom } from ${module};
    // the same start either way: one full collection
    if (process.argv.includes("room")) makeHeapRoom(256 << 20); else Bun.gc(true);
    const keep = [];
    for (let i = 0; i < 600000; i++) keep.push({ n: i, s: "item " + i });
    console.log(keep.length);
  `;
  const r = spawnSync(BUN, ["--no-env-file", "-e", script, withRoom ? "room" : "none"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", BUN_JSC_logGC: "1" },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "600000");
  return r.stderr.match(/Requesting GC because/g)?.length ?? 0;
}

describe("makeHeapRoom()", () => {
  it("lets Bun allocate ~50 MB of small objects without a collection, which runs without it", () => {
    assert.ok(collections(false) >= 1, "without room the allocation starts a collection");
    assert.equal(collections(true), 0);
  });

  it("runs without error where Bun.gc is absent (Deno), doing nothing", () => {
    assert.equal(makeHeapRoom(1 << 20), undefined);
  });
});
