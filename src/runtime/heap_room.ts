/**
 * Heap room for a one-shot pass over a large input (a `config parse` of megabytes). Bun's
 * collector (JavaScriptCore) starts a collection each time a few megabytes have been allocated
 * since the last one, and sets that allowance, at a full collection, in proportion to the heap
 * that survived it. A pass that builds a tree of tens of megabytes from a small start therefore
 * runs two or three collections while it builds, each marking the whole young tree on helper
 * threads and pausing the main thread to meet them: on a shared 2-core machine the 5 MB parse
 * spent a quarter of its time waiting on them (370 vs 280 ms with the collector off, load 3).
 *
 * `makeHeapRoom(bytes)` runs one full collection while an untouched buffer of `bytes` is alive:
 * the heap then counts as that much larger, so the allowance until the next collection grows by
 * about `bytes`, and the buffer (never written, so never in memory: its pages are not touched) is
 * dropped at once. The collection itself is of a heap of about a megabyte (a few ms). Nothing
 * happens on other runtimes.
 */

// deno-lint-ignore no-explicit-any
const bun = (globalThis as any).Bun as { gc?: (sync: boolean) => void } | undefined;

export function makeHeapRoom(bytes: number): void {
  if (typeof bun?.gc !== "function") return;
  const ballast = new ArrayBuffer(bytes);
  bun.gc(true); // synchronous and full: the allowance is set from the heap it leaves
  // the buffer must be alive during the collection, and nothing needs it after
  void ballast.byteLength;
}
