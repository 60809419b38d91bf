/** Run the CLI from source as a subprocess under the current runtime (deno or bun). */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url).href);
export const ROOT = fileURLToPath(new URL("../../", import.meta.url).href);
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The current runtime's arguments that run `file` (the CLI by default) from source with `args`. */
export function cliArgv(args: string[], file = MAIN): string[] {
  return isDeno ? ["run", "-A", "--quiet", file, ...args] : ["--no-env-file", file, ...args];
}

export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): CliResult {
  const r = spawnSync(process.execPath, cliArgv(args), {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", ...opts.env },
    input: opts.input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export interface Collected {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Start `cmd args` with exactly `env`, its output collected until it ends; `onStart` gets its
 * pid and a view of the stdout so far (to act while it runs: a signal once a line shows).
 */
export function spawnCollected(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  onStart?: (pid: number, stdout: () => string) => void,
): Promise<Collected> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => stdout += d);
    child.stderr.on("data", (d) => stderr += d);
    onStart?.(child.pid!, () => stdout);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
