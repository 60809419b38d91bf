/**
 * The daemon's runner: each pulled task goes through `executeTaskDoc()` in the daemon's own
 * process — the same settings, host facts, plan and run as `agent execute` — its output to the
 * daemon's sink (shipped to the server) and, with `--foreground`, echoed on the console. The task
 * runs as the daemon's worker (agent-exec §5.4 step 6: the child's CLEARML_WORKER_ID).
 */
import type { Resolution } from "../settings/resolve.ts";
import type { TaskRunner } from "./daemon_task.ts";
import { executeTaskDoc } from "./execute_task.ts";
import type { PlanOptions } from "./plan_types.ts";

export interface DaemonRunnerOptions {
  /** The agent's settings as started (`resolveAsStarted`). */
  resolution: Resolution;
  /** The daemon's environment (after --env-file). */
  env: Readonly<Record<string, string>>;
  home: string;
  cwd: string;
  cpuOnly: boolean;
  gpus?: string;
  /** `--docker [IMAGE]`: [] for the default image. */
  docker?: string[];
  /** `--services-mode [N]`: 0 off. */
  servicesMode: number;
  /** Echo task output on the console (`--foreground`). */
  echo?: boolean;
  say: (line: string) => void;
}

/** The plan options of one task run by the daemon. Pure. */
export function runOptions(o: DaemonRunnerOptions, worker: string): PlanOptions {
  return {
    command: "execute",
    workerId: worker,
    ...(o.cpuOnly ? { cpuOnly: true } : {}),
    ...(o.gpus !== undefined ? { gpus: o.gpus } : {}),
    ...(o.docker ? { docker: o.docker } : {}),
    ...(o.servicesMode !== 0 ? { servicesMode: o.servicesMode } : {}),
  };
}

export function daemonRunner(o: DaemonRunnerOptions): TaskRunner {
  return async (task, io) => {
    const { outcome } = await executeTaskDoc({
      task,
      resolution: o.resolution,
      env: { ...o.env, CLEARML_WORKER_ID: io.worker, TRAINS_WORKER_ID: io.worker },
      home: o.home,
      cwd: o.cwd,
      options: runOptions(o, io.worker),
      sink: io.sink,
      signal: io.signal,
      ...(o.echo ? { echo: { stdout: process.stdout, stderr: process.stderr } } : {}),
      say: o.say,
    });
    return outcome;
  };
}
