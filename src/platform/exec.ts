/**
 * Run a program and capture its output, with a timeout: the probes' one way to call git,
 * docker, nvidia-smi, python… Never throws: a missing program, a timeout or a non-zero exit
 * are all in the result. node:child_process works the same on Bun and Deno for this use.
 */

export interface ExecResult {
  /** Exit code; null when killed (timeout) or not started. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The program was not found (ENOENT) or could not be started (EACCES). */
  notFound: boolean;
  durationMs: number;
  /** Start error message, when it did not start. */
  error?: string;
}

export function exec(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string; signal?: AbortSignal } =
    {},
): Promise<ExecResult> {
  // node:child_process on first use, not at every command's startup; loaded synchronously, so
  // that the program starts within the caller's synchronous turn (doctor's probes start theirs
  // before the in-process probes run)
  const { execFile } = process.getBuiltinModule("node:child_process");
  const t0 = performance.now();
  return new Promise((resolve) => {
    let child;
    try {
      child = execFile(cmd, [...args], {
        timeout: opts.timeoutMs ?? 5000,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
        env: opts.env,
        cwd: opts.cwd,
        signal: opts.signal,
        encoding: "utf8",
        windowsHide: true,
      }, (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
        const notFound = e?.code === "ENOENT" || e?.code === "EACCES";
        const timedOut = Boolean(e?.killed) && !notFound;
        resolve({
          code: e ? (typeof e.code === "number" ? e.code : null) : 0,
          stdout: String(stdout ?? ""),
          stderr: String(stderr ?? ""),
          timedOut,
          notFound,
          durationMs: performance.now() - t0,
          ...(notFound || (e && typeof e.code !== "number" && !timedOut)
            ? { error: e?.message }
            : {}),
        });
      });
      child.stdin?.end();
    } catch (e: unknown) {
      resolve({
        code: null,
        stdout: "",
        stderr: "",
        timedOut: false,
        notFound: true,
        durationMs: performance.now() - t0,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  });
}
