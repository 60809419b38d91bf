import { isAbsolute, join } from "./path.ts";

/** Python's os.path.expanduser for `~` and `~/…` (not `~user`). */
export function expandUser(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}

/** expanduser, then relative to `cwd`, as Python's open() would see it. */
export function absoluteFrom(path: string, home: string, cwd: string): string {
  const p = expandUser(path, home);
  return isAbsolute(p) ? p : join(cwd, p);
}
