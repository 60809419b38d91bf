/**
 * Run one process with its output captured into the task log: the setup commands (git, venv,
 * pip) and the task itself. stdin is /dev/null, as clearml-agent gives it. With `detached` the
 * process leads its own group so that an abort can end the whole tree.
 */
import type { TaskLog } from "./task_log.ts";
import { captureStreams } from "./capture.ts";
import { endProcessTree } from "./process_tree.ts";

export interface SpawnOptions {
  cwd?: string;
  /** The whole environment of the process. */
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Ends the process tree: its reason is the signal name forwarded (default SIGTERM). */
  signal?: AbortSignal;
  /** Grace between the forwarded signal and SIGKILL. */
  graceMs?: number;
  /** Data written to stdin instead of /dev/null (e.g. a diff for `git apply`). */
  input?: string;
}

export interface SpawnResult {
  /** Exit code, null when ended by a signal or not started. */
  code: number | null;
  /** The signal that ended it. */
  signal: NodeJS.Signals | null;
  /** We ended it because `signal` aborted. */
  aborted: boolean;
  /** It could not start: the reason (ENOENT, EACCES…). */
  startError?: string;
  bytes: number;
  lines: number;
}

/** How long the pipes may stay open after the task exited before leftovers are killed. */
const LEFTOVER_MS = 2000;

function abortSignalName(s: AbortSignal): NodeJS.Signals {
  const r = s.reason;
  return typeof r === "string" && /^SIG[A-Z0-9]+$/.test(r) ? r as NodeJS.Signals : "SIGTERM";
}

export async function spawnCaptured(
  argv: readonly string[],
  log: TaskLog,
  opts: SpawnOptions,
): Promise<SpawnResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error("spawnCaptured: empty argv");
  const { spawn } = await import("node:child_process");
  if (opts.signal?.aborted) {
    return { code: null, signal: null, aborted: true, bytes: 0, lines: 0 };
  }
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [opts.input !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  let startError: string | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => {
      child.once("error", (e: NodeJS.ErrnoException) => {
        startError = e.code ? `${e.code}: ${e.message}` : e.message;
        resolve({ code: null, signal: null });
      });
      child.once("exit", (code, signal) => resolve({ code, signal }));
    },
  );
  if (opts.input !== undefined && child.stdin) {
    child.stdin.on("error", () => {}); // the process may exit without reading it all
    child.stdin.end(opts.input);
  }
  let aborted = false;
  let ending: Promise<void> | undefined;
  const onAbort = () => {
    if (aborted || child.pid === undefined) return;
    aborted = true;
    ending = endProcessTree(child.pid, exited, {
      signal: abortSignalName(opts.signal!),
      graceMs: opts.graceMs,
    });
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const capture = captureStreams({ stdout: child.stdout, stderr: child.stderr }, log.target);
    const end = await exited;
    // A leftover descendant may hold the pipes open: give it a moment, then end it (§5.5 step 20)
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drained = await Promise.race([
      capture.then(() => true),
      new Promise<false>((r) => timer = setTimeout(() => r(false), LEFTOVER_MS)),
    ]);
    clearTimeout(timer);
    if (!drained && child.pid !== undefined) {
      ending ??= endProcessTree(child.pid, Promise.resolve(), { signal: "SIGKILL", graceMs: 0 });
    }
    const stats = await capture;
    if (ending) await ending;
    return {
      code: end.code,
      signal: end.signal,
      aborted,
      bytes: stats.bytes,
      lines: stats.lines,
      ...(startError ? { startError } : {}),
    };
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
