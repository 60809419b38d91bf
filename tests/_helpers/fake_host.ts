/** A fake machine for the platform adapters' HostFacts: files, stats, directories, executables. */
import type { ConnectResult, HostFacts, StatResult } from "../../src/platform/host_facts.ts";

export interface FakeMachine {
  files?: Record<string, string>;
  executables?: string[];
  stats?: Record<string, StatResult>;
  dirs?: Record<string, string[]>;
  /** What connecting to a socket path or `host:port` does (default: ok). */
  connects?: Record<string, ConnectResult>;
}

export function fakeHost(m: FakeMachine): HostFacts {
  return {
    readText: (p) =>
      Promise.resolve(m.files?.[p] !== undefined ? { text: m.files[p]! } : { error: "ENOENT" }),
    stat: (p) =>
      Promise.resolve(
        m.stats?.[p] ??
          (m.files?.[p] !== undefined
            ? { exists: true, kind: "file", mode: 0o644, uid: 0, gid: 0 }
            : { exists: false, error: "ENOENT" }),
      ),
    list: (d) => Promise.resolve(m.dirs?.[d]),
    isExecutable: (p) => Promise.resolve(m.executables?.includes(p) ?? false),
    connect: (t) =>
      Promise.resolve(
        m.connects?.["path" in t ? t.path : `${t.host}:${t.port}`] ?? { outcome: "ok" },
      ),
  };
}
