/**
 * Real-part tests (venv creation, docker) take longer than bun's 5 s per test, and bun ignores
 * node:test's `timeout` option: raise bun's default (Deno has no per-test limit). Call it at the
 * top of each such file: bun keeps one module instance across files, so an import alone would
 * run once.
 */
export async function allowSlowTests(): Promise<void> {
  const spec = "bun:test";
  // deno-lint-ignore no-explicit-any
  if (typeof (globalThis as any).Bun !== "undefined") {
    (await import(spec)).setDefaultTimeout(600_000);
  }
}
