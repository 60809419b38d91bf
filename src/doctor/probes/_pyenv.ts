/**
 * What a pyenv shim would run, worked out the way pyenv does (PYENV_VERSION, else the nearest
 * `.python-version`, else `<root>/version`) without running the shim: each shim start is a
 * shell script that costs a large share of the doctor's budget.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export type ShimTarget =
  | { kind: "binary"; path: string; version: string }
  | { kind: "inactive"; versions: string[] }
  | { kind: "unknown" }; // "system" or unreadable: run the shim itself

function readVersionFile(path: string): string[] | undefined {
  try {
    return readFileSync(path, "utf8").split(/\s+/).filter((v) => v && !v.startsWith("#"));
  } catch {
    return undefined;
  }
}

export function pyenvVersions(
  root: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): string[] {
  if (env.PYENV_VERSION) return env.PYENV_VERSION.split(":").filter(Boolean);
  for (let dir = cwd;; dir = dirname(dir)) {
    const v = readVersionFile(join(dir, ".python-version"));
    if (v) return v;
    if (dirname(dir) === dir) break;
  }
  return readVersionFile(join(root, "version")) ?? ["system"];
}

export function shimTarget(
  shim: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): ShimTarget {
  let real = shim;
  try {
    real = realpathSync(shim);
  } catch { /* a dangling link: use the path as given */ }
  const root = env.PYENV_ROOT || dirname(dirname(real));
  const name = basename(shim);
  const versions = pyenvVersions(root, env, cwd);
  for (const v of versions) {
    if (v === "system") return { kind: "unknown" };
    const bin = join(root, "versions", v, "bin", name);
    if (existsSync(bin)) return { kind: "binary", path: bin, version: v };
  }
  return { kind: "inactive", versions };
}
