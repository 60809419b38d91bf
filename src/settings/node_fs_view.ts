import { readdirSync, readFileSync, statSync } from "node:fs";
import type { FsView } from "./fs_view.ts";

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
      return { kind: "file", text: readFileSync(path, "utf8") };
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
