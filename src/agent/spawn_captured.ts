/**
 * Run one process with its output captured into the task log: the setup commands (git, venv,
 * pip) and the task itself. stdin is /dev/null, as clearml-agent gives it. With `detached` the
 * process leads its own group so that an abort can end the whole tree.
 */
import type { TaskLog } from "./task_log.ts";
import { captureStreams } from "./capture.ts";
import { spawnProcess } from "../runtime/spawn.ts";
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
  if (opts.signal?.aborted) {
    return { code: null, signal: null, aborted: true, bytes: 0, lines: 0 };
  }
  const child = await spawnProcess(argv, {
    env: opts.env,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  const pid = child.pid;
  // from its exit on, the pid may be another process's: the tree is ended through its group
  let reaped = false;
  const exited = child.exited.then((end) => {
    reaped = true;
    return end;
  });
  let aborted = false;
  let ending: Promise<void> | undefined;
  const onAbort = () => {
    if (aborted || pid === undefined) return;
    aborted = true;
    ending = endProcessTree(pid, exited, {
      signal: abortSignalName(opts.signal!),
      graceMs: opts.graceMs,
      reaped: () => reaped,
    });
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  // An abort while the process was starting (the await above) found no listener: end it now
  if (opts.signal?.aborted) onAbort();
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
    if (!drained && pid !== undefined) {
      ending ??= endProcessTree(pid, exited, { signal: "SIGKILL", reaped: () => reaped });
    }
    const stats = await capture;
    if (ending) await ending;
    return {
      code: end.code,
      signal: end.signal,
      aborted,
      bytes: stats.bytes,
      lines: stats.lines,
      ...(end.error ? { startError: end.error } : {}),
    };
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
