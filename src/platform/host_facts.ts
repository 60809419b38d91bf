/**
 * The small file-system and socket reads the platform adapters (docker, CUDA, container
 * detection) make, behind one interface so that tests can hand in a fake machine. Every call is bounded by a timeout (a hung
 * network mount or a wedged driver must not stall doctor) and never throws.
 */
import { constants } from "node:fs";
import { access, readdir, readFile, stat } from "node:fs/promises";

export type ReadResult = { text: string } | { error: string };

export type StatResult =
  | {
    exists: true;
    kind: "file" | "dir" | "socket" | "other";
    mode: number;
    uid: number;
    gid: number;
  }
  | { exists: false; error: string };

export type ConnectTarget = { path: string } | { host: string; port: number };

/** `refused`: nothing listens (stale socket); `absent`: no such socket file. */
export type ConnectOutcome = "ok" | "refused" | "permission" | "absent" | "timeout" | "error";

export interface ConnectResult {
  outcome: ConnectOutcome;
  error?: string;
}

export interface HostFacts {
  /** A text file's content (at most 1 MiB), or the error code (`ENOENT`, `EACCES`, …). */
  readText(path: string): Promise<ReadResult>;
  stat(path: string): Promise<StatResult>;
  /** A directory's entry names, or undefined when it cannot be listed. */
  list(dir: string): Promise<string[] | undefined>;
  /** A regular file the current user may execute. */
  isExecutable(path: string): Promise<boolean>;
  /** Open (and close) a connection to a unix socket or a TCP port. */
  connect(target: ConnectTarget): Promise<ConnectResult>;
}

const MAX_TEXT = 1024 * 1024;

function code(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : e instanceof Error ? e.message : String(e);
}

/** `promise`, or `fallback` once `ms` have passed. */
function bounded<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function connectOnce(target: ConnectTarget, ms: number): Promise<ConnectResult> {
  // node:net is loaded on first use: statically it would slow every command's startup
  const { connect: netConnect } = await import("node:net");
  return new Promise((resolve) => {
    let settled = false;
    const socket = "path" in target
      ? netConnect({ path: target.path })
      : netConnect({ host: target.host, port: target.port });
    const done = (r: ConnectResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ outcome: "timeout" }), ms);
    socket.once("connect", () => done({ outcome: "ok" }));
    socket.once("error", (e: unknown) => {
      const c = code(e);
      const outcome: ConnectOutcome = c === "ECONNREFUSED"
        ? "refused"
        : c === "EACCES" || c === "EPERM"
        ? "permission"
        : c === "ENOENT"
        ? "absent"
        : c === "ETIMEDOUT"
        ? "timeout"
        : "error";
      done({ outcome, error: c });
    });
  });
}

/** The real machine, every call bounded by `timeoutMs`. */
export function nodeHostFacts(timeoutMs: number): HostFacts {
  return {
    readText: (path) =>
      bounded(
        readFile(path).then(
          (b): ReadResult => ({ text: b.subarray(0, MAX_TEXT).toString("utf8") }),
          (e): ReadResult => ({ error: code(e) }),
        ),
        timeoutMs,
        { error: "ETIMEDOUT" },
      ),
    stat: (path) =>
      bounded(
        stat(path).then(
          (s): StatResult => ({
            exists: true,
            kind: s.isSocket() ? "socket" : s.isDirectory() ? "dir" : s.isFile() ? "file" : "other",
            mode: s.mode & 0o7777,
            uid: s.uid,
            gid: s.gid,
          }),
          (e): StatResult => ({ exists: false, error: code(e) }),
        ),
        timeoutMs,
        { exists: false, error: "ETIMEDOUT" },
      ),
    list: (dir) =>
      bounded(readdir(dir).then((names) => names.sort(), () => undefined), timeoutMs, undefined),
    isExecutable: (path) =>
      bounded(
        stat(path).then(
          (s) => s.isFile() ? access(path, constants.X_OK).then(() => true, () => false) : false,
          () => false,
        ),
        timeoutMs,
        false,
      ),
    connect: (target) => connectOnce(target, timeoutMs),
  };
}
