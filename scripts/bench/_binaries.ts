/** The compiled binaries the benchmarks time: dist/clearml (built if missing) and the floor. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname ?? ".", "..", "..");

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
    join(ROOT, "scripts", "bench", "_hello.ts"),
    "--outfile",
    floor,
  ], { stdio: "ignore" });
  return { bin, floor };
}
