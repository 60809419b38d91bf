import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url).href);

/** Every .ts file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []
  );
}

/**
 * The relative modules a file imports statically, type-only imports included (data flows one
 * way: a probe fills a snapshot type that a check reads; neither imports the other back).
 * `await import()` is left out: it is how a module loads another lazily, on purpose.
 */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^\s*(?:(?:import|export)\b[^;]*?\bfrom\s+|import\s+)"(\.{1,2}\/[^"]+)"/gm;
  for (const m of text.matchAll(re)) out.push(resolve(dirname(file), m[1]!));
  return out;
}

/** The cycles of the import graph: one per strongly connected component (Tarjan). */
export function importCycles(root: string): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of files(root)) graph.set(f, imports(f).filter((t) => t !== f));
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(relative(root, w));
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe("src/ imports", () => {
  it("src/ has no import cycle", () => {
    assert.deepEqual(importCycles(SRC).map((c) => c.join(" ")), []);
  });

  it("importCycles() finds a cycle of two modules and one of three", () => {
    const dir = fileURLToPath(new URL("./testdata/cycles/", import.meta.url).href);
    assert.deepEqual(importCycles(dir).map((c) => c.join(" ")).sort(), [
      "a.ts b.ts",
      "c.ts d.ts e.ts",
    ]);
  });
});
