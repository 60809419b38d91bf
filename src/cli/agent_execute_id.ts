/**
 * `clearml agent execute --id T`: the task from the server (`tasks.get_by_id`), the status
 * changes of clearml-agent's execute (dequeue, started ×2, agent-exec §5.5), the run through
 * `executeTaskDoc()` with the console as echo, and — unless `--disable-monitoring` — its log
 * shipped and its final status reported. Exit 0 when completed, 1 otherwise.
 */
import { hostname } from "node:os";
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { apiClientFrom } from "../api/from_settings.ts";
import { executeFromServer } from "../agent/daemon_execute.ts";
import { executeTaskDoc } from "../agent/execute_task.ts";
import { workerId } from "../agent/worker_id.ts";
import { lookup, type Resolution } from "../settings/resolve.ts";
import { ExitStatus } from "../errors.ts";

export interface ExecuteByIdOptions {
  id: string;
  docker?: string | true;
  cpuOnly?: boolean;
  gpus?: string;
  disableMonitoring?: boolean;
}

function text(r: Resolution, key: string): string {
  const n = lookup(r, key);
  return n?.type === "scalar" && n.value !== null ? String(n.value).trim() : "";
}

export async function agentExecuteById(
  ctx: CliContext,
  g: GlobalOptions,
  opts: ExecuteByIdOptions,
): Promise<void> {
  const snap = takeSnapshot(ctx, g);
  const resolution = await resolveAsStarted(snap, "agent");
  const api = await apiClientFrom(resolution, { env: snap.env, cwd: snap.cwd, command: "execute" });
  // Plain execute: agent.worker_id (CLEARML_WORKER_ID from a daemon) or <name>:<pid> (§5.2).
  const worker = workerId({
    name: text(resolution, "agent.worker_name") || hostname(),
    configuredId: text(resolution, "agent.worker_id") || null,
    mode: "execute",
    pid: process.pid,
  }).id;
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => () => controller.abort(sig);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    const say = (l: string) => ctx.err(`${l}\n`);
    const outcome = await executeFromServer({
      api,
      taskId: opts.id,
      worker,
      monitoring: !opts.disableMonitoring,
      say,
      run: async (task, sink) =>
        (await executeTaskDoc({
          task,
          resolution,
          env: snap.env,
          home: snap.home,
          cwd: snap.cwd,
          options: {
            command: "execute",
            workerId: worker,
            ...(opts.docker !== undefined
              ? { docker: typeof opts.docker === "string" ? [opts.docker] : [] }
              : {}),
            ...(opts.cpuOnly ? { cpuOnly: true } : {}),
            ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
          },
          sink,
          echo: ctx.streams ?? { stdout: process.stdout, stderr: process.stderr },
          signal: controller.signal,
          say,
        })).outcome,
    });
    if (outcome.status === "completed") {
      ctx.err(`clearml: task ${opts.id} completed (log: ${outcome.stdoutFile})\n`);
      return;
    }
    ctx.err(
      `clearml: task ${opts.id} ${outcome.status}: ${outcome.reason ?? "see the log"} ` +
        `(log: ${outcome.stdoutFile})\n`,
    );
    throw new ExitStatus(1);
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}
