/**
 * This binary, compiled from the current source for the docker tests (the container runs the
 * build mounted read-only): `bun build --compile` with the flags of scripts/build.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url).href);

/** Build `clearml` (host target, or e.g. `bun-linux-x64-musl`) into `dir`; returns its path. */
export function buildBinary(dir: string, target?: string): string {
  const out = join(dir, target ? `clearml-${target.replace(/^bun-/, "")}` : "clearml");
  execFileSync(join(ROOT, "node_modules", ".bin", "bun"), [
    "build",
    "--compile",
    "--minify",
    "--format=esm",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--compile-jit-policy=32",
    ...(target ? [`--target=${target}`] : []),
    "--define",
    `__CLEARML_TARGET__="${target ? target.replace(/^bun-/, "") : `linux-${process.arch}`}"`,
    join(ROOT, "src", "main.ts"),
    "--outfile",
    out,
  ], { stdio: ["ignore", "ignore", "pipe"], timeout: 300_000 });
  return out;
}
