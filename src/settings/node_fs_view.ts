import { readdirSync, readFileSync, statSync } from "node:fs";
import type { FsView } from "./fs_view.ts";
import { decodeUtf8 } from "./decode_utf8.ts";

/** The real file system, read synchronously (config files are small and few). */
export const nodeFsView: FsView = {
  read(path) {
    let st;
    try {
      st = statSync(path);
    } catch {
      return { kind: "missing" };
    }
    if (!st.isFile()) return { kind: "not-a-file" };
    try {
      const decoded = decodeUtf8(readFileSync(path), path);
      return decoded.ok
        ? { kind: "file", text: decoded.text }
        : { kind: "unreadable", error: decoded.error };
    } catch (e: unknown) {
      return { kind: "unreadable", error: e instanceof Error ? e.message : String(e) };
    }
  },
  listConf(dir) {
    try {
      if (!statSync(dir).isDirectory()) return undefined;
      const all = readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[];
      return all.map((p) => p.split("\\").join("/")).filter((p) => p.endsWith(".conf")).sort();
    } catch {
      return undefined;
    }
  },
};
