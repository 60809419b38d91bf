import type { FsView, ReadResult } from "./fs_view.ts";
import { decodeUtf8 } from "./decode_utf8.ts";
import { mapFile } from "../runtime/map_file.ts";

/** node:fs on first use: most runs read their few files through mapFile and never load it. */
const fs = () => process.getBuiltinModule("node:fs");

function decoded(bytes: Uint8Array, path: string): ReadResult {
  const d = decodeUtf8(bytes, path);
  return d.ok ? { kind: "file", text: d.text } : { kind: "unreadable", error: d.error };
}

/** The real file system, read synchronously (config files are small and few). */
export const nodeFsView: FsView = {
  read(path) {
    const mapped = mapFile(path);
    if (mapped === "missing") return { kind: "missing" };
    if (mapped !== undefined) return decoded(mapped, path);
    const { readFileSync, statSync } = fs();
    let st;
    try {
      st = statSync(path);
    } catch {
      return { kind: "missing" };
    }
    if (!st.isFile()) return { kind: "not-a-file" };
    try {
      return decoded(readFileSync(path), path);
    } catch (e: unknown) {
      return { kind: "unreadable", error: e instanceof Error ? e.message : String(e) };
    }
  },
  listConf(dir) {
    const { readdirSync, statSync } = fs();
    try {
      if (!statSync(dir).isDirectory()) return undefined;
      const all = readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[];
      return all.map((p) => p.split("\\").join("/")).filter((p) => p.endsWith(".conf")).sort();
    } catch {
      return undefined;
    }
  },
};
