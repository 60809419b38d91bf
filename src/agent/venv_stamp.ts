/**
 * Ours (a speed-up over clearml-agent, which copies the cached venv over the build folder on
 * every task): the build folder remembers which cache entry it holds and the modification times
 * of its `bin` and `site-packages` folders. When the same entry is wanted again and those times
 * are unchanged (no package was installed or removed since), the copy is skipped.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MARKER = ".clearml_cache_entry.json";

interface Stamp {
  entry: string;
  times: Record<string, number>;
}

/** The folders whose entries change when packages are installed or removed. */
function watched(venv: string): string[] {
  const out = ["bin"];
  for (const lib of ["lib", "lib64"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(venv, lib));
    } catch {
      continue;
    }
    for (const n of names) if (n.startsWith("python")) out.push(join(lib, n, "site-packages"));
  }
  return out;
}

function times(venv: string): Record<string, number> {
  const t: Record<string, number> = {};
  for (const rel of watched(venv)) {
    try {
      t[rel] = statSync(join(venv, rel)).mtimeMs;
    } catch {
      // absent: not recorded
    }
  }
  return t;
}

/** Record that `venv` now holds cache entry `entry`, as it is. */
export function stampVenv(venv: string, entry: string): void {
  const s: Stamp = { entry, times: times(venv) };
  writeFileSync(join(venv, MARKER), JSON.stringify(s));
}

/** `venv` holds `entry` unchanged since it was stamped. */
export function venvHolds(venv: string, entry: string): boolean {
  let s: Stamp;
  try {
    s = JSON.parse(readFileSync(join(venv, MARKER), "utf8"));
  } catch {
    return false;
  }
  if (s.entry !== entry) return false;
  const now = times(venv);
  const keys = Object.keys(s.times);
  return keys.length > 0 && keys.length === Object.keys(now).length &&
    keys.every((k) => now[k] === s.times[k]);
}

/** The marker is not part of a cached copy. */
export const STAMP_FILE = MARKER;
