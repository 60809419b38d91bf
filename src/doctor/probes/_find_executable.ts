/**
 * Find programs the way a shell (`command -v`) or Python's `find_executable` does, without
 * running them: a name with a `/` is a path (relative to `cwd`); any other name is searched in
 * the PATH of the given environment. Read-only.
 */
import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export function pathDirs(env: Readonly<Record<string, string>>): string[] {
  return (env.PATH ?? "").split(delimiter).filter((d) => d !== "");
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

/** The executable a name resolves to, or undefined. */
export function findExecutable(
  name: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): string | undefined {
  if (name === "") return undefined;
  if (name.includes("/")) {
    const path = isAbsolute(name) ? name : join(cwd, name);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of pathDirs(env)) {
    const path = join(isAbsolute(dir) ? dir : join(cwd, dir), name);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}

/** Every executable in the PATH whose name matches, in PATH order (shadowed ones included). */
export function executablesMatching(
  pattern: RegExp,
  env: Readonly<Record<string, string>>,
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
    for (const name of names.sort()) {
      if (!pattern.test(name)) continue;
      const path = join(abs, name);
      if (isExecutableFile(path)) out.push({ name, path });
    }
  }
  return out;
}
