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
