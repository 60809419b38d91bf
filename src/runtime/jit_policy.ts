/**
 * The compiled binary starts with JavaScriptCore's tier-up thresholds scaled up (scripts/build,
 * `--compile-jit-policy`): a command that runs once and exits spends more on compiling its
 * warm functions (and the JIT's threads and memory) than the compiled code wins back. A command
 * that keeps running (a server, the daemon, a task's log capture, a parse of a large file) goes
 * back to the normal thresholds here.
 */

// deno-lint-ignore no-explicit-any
const bun = (globalThis as any).Bun as
  | { unsafe?: { setJITPolicy?: (scale: number) => void } }
  | undefined;

/** JSC's normal tier-up thresholds from now on; nothing on other runtimes. */
export function useNormalJit(): void {
  bun?.unsafe?.setJITPolicy?.(1);
}

/** `bun:jsc`'s `noFTL`, or undefined on other runtimes. */
function noFtl(): ((fn: unknown) => void) | undefined {
  if (bun === undefined) return undefined;
  const jsc = process.getBuiltinModule?.("bun:jsc") as
    | { noFTL?: (fn: unknown) => void }
    | undefined;
  return typeof jsc?.noFTL === "function" ? jsc.noFTL : undefined;
}

/**
 * Keep `fns` (the hot functions of a job that makes one pass over a large input) out of JSC's
 * optimizing tier (FTL), whose compile time such a job never wins back (a 5 MB `config parse`:
 * about 0.3-0.9 s of compiler CPU for 17-38 functions, a third of the run on a shared 2-core
 * machine); the lower tiers stay on. The engine reads `BUN_JSC_useFTLJIT` only at start, so this
 * marks the functions one by one instead. Items that are not functions are skipped; nothing
 * happens on other runtimes, nor when `env` sets `BUN_JSC_useFTLJIT` (the user decided).
 */
export function keepOutOfFtl(
  fns: Iterable<unknown>,
  env: Readonly<Record<string, string | undefined>>,
): void {
  if (env.BUN_JSC_useFTLJIT !== undefined) return;
  const mark = noFtl();
  if (mark === undefined) return;
  for (const fn of fns) if (typeof fn === "function") mark(fn);
}
