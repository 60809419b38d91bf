/**
 * `runTask()`: walk a plan's steps with real effects: code (git), Python env (venv, cache, pip),
 * the child environment and user, the task process with its output captured to the temp stdout
 * file, echoed and handed to the sink; in docker mode, the `docker run` argv instead. The exit
 * code maps to completed / failed / stopped as clearml-agent maps it (agent-exec §5.10).
 *
 * A step that cannot run ends the task as failed with a reason naming the setting or input
 * that caused it; nothing here throws for bad input.
 */
import { stdoutFilePath } from "../platform/temp_stdout.ts";
import { existsSync, statSync } from "node:fs";
import { ClearmlError } from "../errors.ts";
import { type HostFacts, type Plan, type PlanSettings, stepOf } from "./plan_types.ts";
import type { LogSink, TaskOutcome } from "./run_types.ts";
import { type EchoStreams, TaskLog } from "./task_log.ts";
import { prepareCode } from "./git_clone.ts";
import { createPythonEnv, installPythonEnv } from "./venv.ts";
import { childEnvironment } from "./child_env.ts";
import { type ExecUser, lookupExecUser } from "./exec_user.ts";
import { spawnCaptured, type SpawnResult } from "./spawn_captured.ts";
import { runDocker } from "./run_docker.ts";
import { relocateForUser } from "./user_home.ts";
import { outcomeOf } from "./outcome.ts";

export interface RunTaskInput {
  plan: Plan;
  settings: PlanSettings;
  host: HostFacts;
  sink: LogSink;
  /** Aborting ends the task: the reason, a signal name (`SIGINT`), is forwarded to it. */
  signal?: AbortSignal;
  /** Live echo of the task output (the agent's console); none when absent. */
  echo?: EchoStreams;
  /** Prepare code and env only (`agent build`): the command step is not run. */
  prepareOnly?: boolean;
  /** Grace between the forwarded signal and SIGKILL (default 3 s). */
  graceMs?: number;
}

function stdoutFileOf(plan: Plan, host: HostFacts): { path: string; dir: string; why: string } {
  const s = stepOf(plan, "stdout-file");
  if (s) return { path: s.path, dir: s.dir, why: s.why };
  const dir = host.tmpdir;
  return { path: stdoutFilePath(dir, host.random.stdout), dir, why: "tmpdir" };
}

function failed(stdoutFile: string, reason: string): TaskOutcome {
  return { status: "failed", exitCode: null, stdoutFile, reason };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function runTask(input: RunTaskInput): Promise<TaskOutcome> {
  const { plan, settings, host, sink } = input;
  const out = stdoutFileOf(plan, host);
  if (!isDir(out.dir)) {
    const reason = `${out.why}=${out.dir}: no such directory (expected an existing directory ` +
      `for the task's stdout file)`;
    sink.line(reason, "stderr");
    await sink.flush();
    return failed(out.path, reason);
  }
  let log: TaskLog;
  try {
    log = TaskLog.open(out.path, sink, input.echo);
  } catch (e: unknown) {
    const reason = `${out.why}=${out.dir}: cannot create ${out.path} (${(e as Error).message})`;
    sink.line(reason, "stderr");
    await sink.flush();
    return failed(out.path, reason);
  }
  log.maskSecrets(plan.secretValues);
  log.write(`Storing stdout and stderr log to '${out.path}', '${out.path}'`);
  try {
    for (const w of plan.warnings) log.write(w);
    if (plan.mode === "docker") {
      const r = await runDocker(plan, settings, host, log, input);
      if (r.startError) {
        r.startError =
          `docker could not start (is the docker CLI installed and on PATH?): ${r.startError}`;
      }
      return outcomeOf(r, out.path, log);
    }
    return await runLocal(input, log, out.path);
  } catch (e: unknown) {
    const reason = e instanceof ClearmlError ? e.message : `internal error: ${String(e)}`;
    log.write(reason, "stderr");
    // A setup step ended by the abort (git, venv, pip) is the user stopping the task, not that
    // step failing: the agent exits −2 on SIGTERM or Ctrl-C at any step, and −2 is stopped
    // (agent-exec §5.10; clearml_agent/__main__.py:68-69)
    if (input.signal?.aborted) {
      return outcomeOf({ code: null, signal: null, aborted: true }, out.path, log);
    }
    return failed(out.path, reason);
  } finally {
    await log.close();
  }
}

async function runLocal(input: RunTaskInput, log: TaskLog, stdoutFile: string) {
  const { plan, settings, host } = input;
  const signal = input.signal;
  const env = { ...settings.env };
  // the agent's order (§5.5 steps 10-12): the venv, the code cloned into it, the installs
  const py = stepOf(plan, "python-env");
  const envOpts = { env, ...(signal ? { signal } : {}) };
  const made = py ? await createPythonEnv(py, log, envOpts) : { cached: false };
  const code = stepOf(plan, "code");
  if (code) {
    for (const m of code.messages) log.write(m);
    await prepareCode(code, log, { env, tmpdir: host.tmpdir, ...(signal ? { signal } : {}) });
  }
  if (py && !made.cached) await installPythonEnv(py, log, envOpts);
  const torch = stepOf(plan, "pytorch");
  for (const m of torch?.messages ?? []) log.write(m);
  if (input.prepareOnly) {
    log.write("Build done: code and environment are ready");
    return { status: "completed", exitCode: 0, stdoutFile } satisfies TaskOutcome;
  }
  const cmd = stepOf(plan, "command");
  if (!cmd) throw new ClearmlError("the plan has no command step: nothing to run", 1);
  const childEnv = stepOf(plan, "child-env");
  let user: ExecUser | undefined;
  let argv = cmd.argv;
  let cwd = cmd.cwd;
  let movePaths = (v: string) => v;
  if (childEnv?.user) {
    user = await lookupExecUser(childEnv.user);
    const moved = await relocateForUser({ argv, cwd, venvDir: py?.venvDir ?? null }, log);
    argv = moved.argv;
    cwd = moved.cwd;
    movePaths = moved.movePaths;
  }
  const envOut = childEnvironment(env, childEnv, user);
  if (user) { for (const e of childEnv?.set ?? []) envOut[e.name] = movePaths(e.value); }
  if (!isDir(cwd)) {
    throw new ClearmlError(
      `working directory ${cwd} does not exist (task script.working_dir / ${cmd.why})`,
      1,
    );
  }
  if (argv[0] && argv[0].includes("/") && !existsSync(argv[0])) {
    throw new ClearmlError(`${argv[0]} does not exist (${cmd.why})`, 1);
  }
  log.write(`Starting Task Execution:\n[${cwd}]$ ${argv.join(" ")}`);
  const r: SpawnResult = await spawnCaptured(argv, log, {
    cwd,
    env: envOut,
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    ...(signal ? { signal } : {}),
    ...(input.graceMs !== undefined ? { graceMs: input.graceMs } : {}),
  });
  if (r.startError) r.startError = `${argv[0]} could not start (${cmd.why}): ${r.startError}`;
  return outcomeOf(r, stdoutFile, log);
}
