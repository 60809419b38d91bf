import { homedir } from "node:os";
import type { CliContext } from "./cli/context.ts";
import { parseFast } from "./cli/fast_path.ts";

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;

const ctx: CliContext = {
  env,
  cwd: process.cwd(),
  home: homedir(),
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  // a getter: the stream objects are made on first use, only by commands that echo a task
  get streams() {
    return { stdout: process.stdout, stderr: process.stderr };
  },
  // node:tty on first use: loading it costs milliseconds, and only doctor's text output asks
  get stdoutIsTTY() {
    return process.getBuiltinModule("node:tty").isatty(1);
  },
};
const argv = process.argv.slice(2);
const fast = parseFast(argv);
// The common commands skip loading commander (see fast_path.ts); everything else uses it.
const code = fast
  ? await (await import("./cli/run_fast.ts")).runFast(fast, ctx)
  : await (await import("./cli/run.ts")).run(argv, ctx);
process.exitCode = code;
