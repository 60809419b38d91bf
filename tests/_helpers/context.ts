/** An in-process CLI context that records output. */
import type { CliContext } from "../../src/cli/context.ts";
import { run } from "../../src/cli/run.ts";

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function runInProcess(
  argv: string[],
  opts: { env?: Record<string, string>; cwd?: string; home?: string } = {},
): Promise<Captured> {
  let out = "";
  let err = "";
  const ctx: CliContext = {
    env: opts.env ?? {},
    cwd: opts.cwd ?? "/nonexistent-cwd",
    home: opts.home ?? "/nonexistent-home",
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    stdoutIsTTY: false,
  };
  const code = await run(argv, ctx);
  return { code, out, err };
}
