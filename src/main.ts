import type { CliContext } from "./cli/context.ts";
import { isPlainDoctor, parseFast } from "./cli/fast_path.ts";
import { writeFd } from "./runtime/write_fd.ts";

const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;

const argv = process.argv.slice(2);
const fast = parseFast(argv);
const ctx: CliContext = {
  env,
  cwd: process.cwd(),
  // node:os on first use (its loading costs startup time): HOME is set almost everywhere, and
  // os.homedir() is HOME when it is set
  get home() {
    return process.getBuiltinModule("node:os").homedir();
  },
  // The fast-path commands print once, synchronously: a plain write spares building the
  // process.stdout stream. The others (doctor, agent, serve) keep the streams.
  out: fast ? (s) => writeFd(1, s) : (s) => void process.stdout.write(s),
  err: fast ? (s) => writeFd(2, s) : (s) => void process.stderr.write(s),
  // a getter: the stream objects are made on first use, only by commands that echo a task
  get streams() {
    return { stdout: process.stdout, stderr: process.stderr };
  },
  // node:tty on first use: loading it costs milliseconds, and only doctor's text output asks
  get stdoutIsTTY() {
    return process.getBuiltinModule("node:tty").isatty(1);
  },
};
// A plain `clearml doctor` waits longest for the interpreters it asks: they start before the rest
// of the program loads (python_probe.ts takes their answers; on any failure it asks again).
if (!fast && isPlainDoctor(argv)) await prestartDoctor().catch(() => undefined);
async function prestartDoctor(): Promise<void> {
  // python_ask.ts shares no module with the fast commands: loading it here splits no chunk of theirs
  (await import("./doctor/probes/python_ask.ts")).prestartPython({ env, cwd: ctx.cwd });
}
// The common commands skip loading commander (see fast_path.ts); everything else uses it.
// `--version` loads only its own small module; the others their commands (see run_fast.ts).
const code = fast === undefined
  ? await (await import("./cli/run.ts")).run(argv, ctx)
  : fast.kind === "version"
  ? await (await import("./cli/run_version.ts")).runVersion(fast.json, ctx)
  : await (await import("./cli/run_fast.ts")).runFast(fast, ctx);
process.exitCode = code;
