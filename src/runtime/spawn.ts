/**
 * Start a process with piped output, as its own group leader, optionally as another user: the
 * runner's one way to run setup commands and tasks. Bun: `Bun.spawn` (its node:child_process
 * layer buffers more: a 1 GB capture peaked near the 100 MB budget); elsewhere
 * node:child_process. Never throws: a process that cannot start resolves `exited` with `error`.
 */
import type { Readable } from "node:stream";

export interface SpawnRequest {
  cwd?: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Written to stdin, then closed; stdin is /dev/null when absent. */
  input?: string;
}

export interface ProcessEnd {
  /** Exit code; null when ended by a signal or not started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it did not start (`ENOENT: …`). */
  error?: string;
}

export interface Spawned {
  /** Undefined when it did not start. */
  pid: number | undefined;
  stdout: AsyncIterable<Uint8Array>;
  stderr: AsyncIterable<Uint8Array>;
  exited: Promise<ProcessEnd>;
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

const EMPTY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

function notStarted(e: unknown): Spawned {
  const err = e as NodeJS.ErrnoException;
  const error = err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
  return {
    pid: undefined,
    stdout: EMPTY,
    stderr: EMPTY,
    exited: Promise.resolve({ code: null, signal: null, error }),
  };
}

function spawnBun(argv: readonly string[], req: SpawnRequest): Spawned {
  let proc;
  try {
    proc = g.Bun.spawn([...argv], {
      cwd: req.cwd,
      env: req.env,
      stdin: req.input !== undefined ? new TextEncoder().encode(req.input) : "ignore",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
      ...(req.uid !== undefined ? { uid: req.uid } : {}),
      ...(req.gid !== undefined ? { gid: req.gid } : {}),
    });
  } catch (e: unknown) {
    return notStarted(e);
  }
  const exited = (proc.exited as Promise<number>).then((): ProcessEnd => ({
    code: proc.signalCode ? null : proc.exitCode,
    signal: proc.signalCode ?? null,
  }));
  return { pid: proc.pid, stdout: proc.stdout, stderr: proc.stderr, exited };
}

async function spawnNode(argv: readonly string[], req: SpawnRequest): Promise<Spawned> {
  const { spawn } = await import("node:child_process");
  const [cmd, ...args] = argv;
  const child = spawn(cmd!, args, {
    cwd: req.cwd,
    env: req.env,
    stdio: [req.input !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
    ...(req.uid !== undefined ? { uid: req.uid } : {}),
    ...(req.gid !== undefined ? { gid: req.gid } : {}),
  });
  const exited = new Promise<ProcessEnd>((resolve) => {
    child.once("error", (e: NodeJS.ErrnoException) => {
      resolve({ code: null, signal: null, error: e.code ? `${e.code}: ${e.message}` : e.message });
    });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  if (req.input !== undefined && child.stdin) {
    child.stdin.on("error", () => {}); // the process may exit without reading it all
    child.stdin.end(req.input);
  }
  const stream = (s: Readable | null) => s ?? EMPTY;
  return { pid: child.pid, stdout: stream(child.stdout), stderr: stream(child.stderr), exited };
}

export function spawnProcess(argv: readonly string[], req: SpawnRequest): Promise<Spawned> {
  if (argv.length === 0) return Promise.resolve(notStarted(new Error("empty command")));
  if (typeof g.Bun !== "undefined") return Promise.resolve(spawnBun(argv, req));
  return spawnNode(argv, req);
}
