/**
 * Bun's compiled binary, for a job that makes one pass over a large input: JavaScriptCore's
 * optimizing tier (FTL) compiles the job's hot functions in background threads, at a cost the
 * rest of the job does not win back (a 5 MB `config parse`: 38 FTL compilations for about 0.9 s
 * of CPU; on the shared 2-core machine the run took a third less time without them). JSC reads
 * that option only at start (`BUN_JSC_useFTLJIT`), so the binary starts itself again with it off
 * and passes the output through. The lower tiers (baseline, DFG) stay on.
 */
import { spawnSync } from "node:child_process";
import { constants } from "node:os";
import { isCompiled, runtimeName } from "./info.ts";

const FTL = "BUN_JSC_useFTLJIT";

/**
 * Run this same command again without FTL and return its exit status, or undefined when this
 * process should do the work itself: not Bun's compiled binary, or the option already decided
 * (by us, or by the user's environment).
 */
export function rerunWithoutFtl(env: Readonly<Record<string, string>>): number | undefined {
  if (runtimeName() !== "bun" || !isCompiled() || env[FTL] !== undefined) return undefined;
  // a compiled binary's argv is ["bun", "/$bunfs/root/<name>", ...arguments]
  const r = spawnSync(process.execPath, process.argv.slice(2), {
    stdio: "inherit",
    env: { ...env, [FTL]: "0" },
  });
  if (r.error) return undefined; // could not start: do the work here
  if (r.status !== null) return r.status;
  const signo = r.signal ? constants.signals[r.signal] : undefined;
  return signo ? 128 + signo : 1;
}
