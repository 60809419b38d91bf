/**
 * The one PATH lookup: find programs the way a shell (`command -v`) or Python's
 * `find_executable` does, without running them. A name with a `/` is a path (relative to
 * `cwd`); any other name is searched in the PATH of the given environment, relative PATH
 * entries against `cwd`, empty entries skipped. `pathCandidates` is the rule; the sync form
 * checks the real file system, the async form asks a `HostFacts` (bounded, fake-able).
 */
import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { HostFacts } from "./host_facts.ts";

export function pathDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.PATH ?? "").split(delimiter).filter((d) => d !== "");
}

/** The paths a name may resolve to, in the order a shell tries them. */
export function pathCandidates(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string[] {
  if (name === "") return [];
  if (name.includes("/")) return [isAbsolute(name) ? name : join(cwd, name)];
  return pathDirs(env).map((dir) => join(isAbsolute(dir) ? dir : join(cwd, dir), name));
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable a name resolves to, or undefined (reads this machine's file system). */
export function findExecutable(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string | undefined {
  return pathCandidates(name, env, cwd).find(isExecutableFile);
}

/** The same lookup through `host` (every check bounded by its timeout). */
export async function findOnPath(
  host: HostFacts,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<string | undefined> {
  for (const candidate of pathCandidates(name, env, cwd)) {
    if (await host.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Every executable in the PATH whose name matches, in PATH order (shadowed ones included). */
export function executablesMatching(
  pattern: RegExp,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Array<{ name: string; path: string }> {
  const out: Array<{ name: string; path: string }> = [];
  for (const dir of pathDirs(env)) {
    const abs = isAbsolute(dir) ? dir : join(cwd, dir);
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      continue;
    }
    // the matching names sorted, not the whole directory (a bin directory holds thousands)
    const matching: string[] = [];
    for (const name of names) if (pattern.test(name)) matching.push(name);
    for (const name of matching.sort()) {
      const path = join(abs, name);
      if (isExecutableFile(path)) out.push({ name, path });
    }
  }
  return out;
}
