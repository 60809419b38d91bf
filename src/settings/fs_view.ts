/**
 * The file access the resolver needs, as an interface: commands pass the real file system
 * (`nodeFsView`), tests pass `memoryFs`. Keeps `resolve()` a function of its inputs.
 */
import { decodeUtf8 } from "./decode_utf8.ts";

export type ReadResult =
  | { kind: "file"; text: string }
  | { kind: "missing" }
  | { kind: "not-a-file" }
  | { kind: "unreadable"; error: string };

export interface FsView {
  read(path: string): ReadResult;
  /** Every `*.conf` file below `dir` (relative paths, `/`-separated, sorted), or undefined. */
  listConf(dir: string): string[] | undefined;
}

/**
 * An in-memory view: keys are absolute paths; a key ending in `/` marks a directory. A file given
 * as bytes is decoded as the real one would be (strict UTF-8).
 */
export function memoryFs(files: Record<string, string | Uint8Array>): FsView {
  return {
    read(path) {
      const text = files[path];
      if (typeof text === "string") return { kind: "file", text };
      if (text !== undefined) {
        const d = decodeUtf8(text, path);
        return d.ok ? { kind: "file", text: d.text } : { kind: "unreadable", error: d.error };
      }
      if (files[path.endsWith("/") ? path : path + "/"] !== undefined) {
        return { kind: "not-a-file" };
      }
      return { kind: "missing" };
    },
    listConf(dir) {
      const prefix = dir.endsWith("/") ? dir : dir + "/";
      const found = Object.keys(files).filter((p) => p.startsWith(prefix));
      if (found.length === 0) return undefined;
      return found.filter((p) => p.endsWith(".conf")).map((p) => p.slice(prefix.length)).sort();
    },
  };
}
