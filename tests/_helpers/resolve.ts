/** Resolve against an in-memory HOME, for table-driven tests of the spec vectors. */
import { memoryFs } from "../../src/settings/fs_view.ts";
import { lookup, type Resolution, resolve } from "../../src/settings/resolve.ts";
import { toPlain } from "../../src/settings/tree.ts";
import type { Plain } from "../../src/settings/tree.ts";
import type { Consumer } from "../../src/settings/variable.ts";

export const HOME = "/home/u";
/** The working directory of the resolved snapshot (a made-up path, not this machine's). */
export const CWD = "/home/u/project";

export function resolveWith(
  consumer: Consumer,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  extra: { configFile?: string; cwd?: string } = {},
): Resolution {
  return resolve({
    consumer,
    env: { HOME, ...env },
    home: HOME,
    cwd: extra.cwd ?? CWD,
    fs: memoryFs(files),
    configFile: extra.configFile,
  });
}

/** The plain value at a dotted key, or undefined. */
export function valueAt(r: Resolution, key: string): Plain | undefined {
  const n = lookup(r, key);
  return n ? toPlain(n) : undefined;
}

export function hosts(r: Resolution): [Plain?, Plain?, Plain?] {
  return [
    valueAt(r, "api.api_server"),
    valueAt(r, "api.web_server"),
    valueAt(r, "api.files_server"),
  ];
}
