import { homedir } from "node:os";
import { isatty } from "node:tty";
import { run } from "./cli/run.ts";

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;

const code = await run(process.argv.slice(2), {
  env,
  cwd: process.cwd(),
  home: homedir(),
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  stdoutIsTTY: isatty(1),
});
process.exitCode = code;
