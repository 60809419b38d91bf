/**
 * The daemon's runner, as clearml-agent's daemon does it (agent-exec §5.4 step 5): each task runs
 * in a child `clearml agent execute --id <task>` (this same program), whose output the daemon
 * captures into the temp stdout file and ships; the child's environment carries the worker id.
 * The child reads the settings itself, so a daemon and `agent execute` run a task the same way.
 */
import { canCreateFile, chooseTempStdoutDir, stdoutFilePath } from "../platform/temp_stdout.ts";
import { tmpdir } from "node:os";
import type { Resolution } from "../settings/resolve.ts";
import type { TaskRunner } from "./daemon_task.ts";
import { TaskLog } from "./task_log.ts";
import { spawnCaptured } from "./spawn_captured.ts";
import { outcomeOf } from "./outcome.ts";
import { selfCommand } from "./self_command.ts";

export interface DaemonRunnerOptions {
  resolution: Resolution;
  /** The daemon's environment (after --env-file). */
  env: Readonly<Record<string, string>>;
  worker: string;
  cpuOnly: boolean;
  gpus?: string;
  /** `--docker [IMAGE]`: [] for the default image. */
  docker?: string[];
  servicesMode: number;
  /** `--config-file` of the daemon, passed on. */
  configFile?: string;
  /** Echo task output on the console (`--foreground`). */
  echo?: boolean;
}

/** The `agent execute` argv for one task. Pure. */
export function executeArgv(o: DaemonRunnerOptions, task: string, self: string[]): string[] {
  return [
    ...self,
    "agent",
    "execute",
    "--id",
    task,
    ...(o.configFile ? ["--config-file", o.configFile] : []),
    ...(o.cpuOnly ? ["--cpu-only"] : []),
    ...(o.gpus !== undefined ? ["--gpus", o.gpus] : []),
    ...(o.docker ? ["--docker", ...o.docker] : []),
  ];
}

export function daemonRunner(o: DaemonRunnerOptions): TaskRunner {
  return async (task, io) => {
    // the agent's rule: the variable, else tempfile's directory (src/platform/temp_stdout.ts)
    const dir = chooseTempStdoutDir(o.env, process.cwd(), canCreateFile)?.dir ?? tmpdir();
    const stdoutFile = stdoutFilePath(dir);
    const log = TaskLog.open(
      stdoutFile,
      io.sink,
      o.echo ? { stdout: process.stdout, stderr: process.stderr } : undefined,
    );
    try {
      const argv = executeArgv(o, task.id, selfCommand());
      const r = await spawnCaptured(argv, log, {
        env: { ...o.env, CLEARML_WORKER_ID: io.worker, TRAINS_WORKER_ID: io.worker },
        signal: io.signal,
      });
      return outcomeOf(r, stdoutFile, log);
    } finally {
      await log.close();
    }
  };
}
