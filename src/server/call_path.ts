/**
 * `/<service>.<action>` or `/v<x.y>/<service>.<action>`, as the real server matches it
 * (server-api.md §1.2): the version needs two digits or more, names start with a letter or `_`.
 */
import { MAX_API_VERSION } from "./version.ts";

const PATH = /^\/?(?:v(\d+\.?\d+)\/)?([a-zA-Z_]\w+\.[a-zA-Z_]\w+)\/?$/;

export interface CallPath {
  /** `<service>.<action>` */
  name: string;
  /** The version from the path, or the max version when the path has none. */
  version: string;
}

export function parseCallPath(path: string): CallPath | undefined {
  const m = PATH.exec(path);
  if (!m) return undefined;
  return { name: m[2]!, version: m[1] ?? MAX_API_VERSION };
}
