/** Run the CLI from source as a subprocess under the current runtime (deno or bun). */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url).href);
export const ROOT = fileURLToPath(new URL("../../", import.meta.url).href);
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): CliResult {
  const argv = isDeno ? ["run", "-A", "--quiet", MAIN, ...args] : ["--no-env-file", MAIN, ...args];
  const r = spawnSync(process.execPath, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", ...opts.env },
    input: opts.input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
