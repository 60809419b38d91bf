/** The compiled binaries the benchmarks time: dist/clearml (built if missing) and the floor. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname ?? ".", "..", "..");

/** scripts/build's `JIT_POLICY=N`: the floor starts with the same tier-up thresholds. */
function jitPolicy(): string {
  const m = /^JIT_POLICY=(\d+)$/m.exec(readFileSync(join(ROOT, "scripts", "build"), "utf8"));
  if (!m) throw new Error("scripts/build: expected a line JIT_POLICY=<number>");
  return m[1]!;
}

/** Build what is missing; the floor is rebuilt each time, with the flags of scripts/build. */
export function benchBinaries(): { bin: string; floor: string } {
  const bin = join(ROOT, "dist", "clearml");
  const floor = join(ROOT, ".tmp", "bench", "hello");
  mkdirSync(join(ROOT, ".tmp", "bench"), { recursive: true });
  if (!existsSync(bin)) {
    execFileSync(join(ROOT, "scripts", "build"), ["host"], { stdio: "inherit" });
  }
  execFileSync("bun", [
    "build",
    "--compile",
    "--minify",
    "--bytecode",
    "--format=esm",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--compile-jit-policy=${jitPolicy()}`,
    join(ROOT, "scripts", "bench", "_hello.ts"),
    "--outfile",
    floor,
  ], { stdio: "ignore" });
  return { bin, floor };
}
