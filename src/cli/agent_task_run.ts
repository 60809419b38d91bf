/**
 * What `agent execute` and `agent build` share: read the task file, resolve the agent's
 * settings, run the task with the console as echo and the signals forwarded, and end with the
 * exit code of the outcome (0 completed, 1 otherwise) after a closing line on stderr.
 */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { type Snapshot, takeSnapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import type { TaskDoc } from "../agent/task.ts";
import { readTaskFile } from "./agent_plan_input.ts";
import type { Resolution } from "../settings/resolve.ts";
import type { PlanOptions } from "../agent/plan_types.ts";
import { executeTaskDoc } from "../agent/execute_task.ts";
import { ExitStatus } from "../errors.ts";
import type { EchoStreams } from "../agent/task_log.ts";
import type { Writable } from "node:stream";
import { useNormalJit } from "../runtime/jit_policy.ts";

export interface AgentTaskRun {
  /**
   * Where the task comes from: `taskFromFile(ctx, F)` for `--task-file`; the hook for `--id`
   * (fetch it with the resolved settings' API client).
   */
  loadTask: (snap: Snapshot, resolution: Resolution) => Promise<TaskDoc> | TaskDoc;
  options: PlanOptions;
  buildTarget?: string;
}

/** The task of `--task-file F` (a relative path is from the working directory). */
export function taskFromFile(ctx: CliContext, file: string): TaskDoc {
  return readTaskFile(file, ctx.cwd).task;
}

/**
 * The console as the task's echo: the process streams when the context has them (backpressure
 * pauses the task instead of buffering), else the context's writers (tests).
 */
function consoleEcho(ctx: CliContext): EchoStreams {
  if (ctx.streams) return ctx.streams;
  const writer = (write: (s: string) => void) => {
    const decoder = new TextDecoder();
    return {
      write(chunk: Uint8Array) {
        write(decoder.decode(chunk, { stream: true }));
        return true;
      },
    } as unknown as Writable;
  };
  return { stdout: writer(ctx.out), stderr: writer(ctx.err) };
}

export async function runAgentTask(
  ctx: CliContext,
  g: GlobalOptions,
  run: AgentTaskRun,
): Promise<void> {
  const snap = takeSnapshot(ctx, g);
  // as `agent plan` resolves: with the start-up values the agent's session derives
  const resolution = await resolveAsStarted(snap, "agent");
  const task = await run.loadTask(snap, resolution);
  useNormalJit(); // the task's log capture keeps running: the normal JIT pays back
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => () => controller.abort(sig);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    const { outcome } = await executeTaskDoc({
      task,
      resolution,
      env: snap.env,
      home: snap.home,
      cwd: snap.cwd,
      options: run.options,
      echo: consoleEcho(ctx),
      signal: controller.signal,
      ...(run.buildTarget ? { buildTarget: run.buildTarget } : {}),
      say: (l) => ctx.err(l + "\n"),
    });
    const what = run.buildTarget ? "build" : "task";
    if (outcome.status === "completed") {
      ctx.err(`clearml: ${what} ${task.id} completed (log: ${outcome.stdoutFile})\n`);
      return;
    }
    ctx.err(
      `clearml: ${what} ${task.id} ${outcome.status}: ${outcome.reason ?? "see the log"} ` +
        `(log: ${outcome.stdoutFile})\n`,
    );
    throw new ExitStatus(1);
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}

export interface AgentExecuteOptions {
  taskFile: string;
  docker?: string | true;
  cpuOnly?: boolean;
  gpus?: string;
}

/** The command's work, also reached by the fast path (fast_path.ts) without commander. */
export function agentExecute(ctx: CliContext, g: GlobalOptions, opts: AgentExecuteOptions) {
  return runAgentTask(ctx, g, {
    loadTask: () => taskFromFile(ctx, opts.taskFile),
    options: {
      command: "execute",
      ...(opts.docker !== undefined
        ? { docker: typeof opts.docker === "string" ? [opts.docker] : [] }
        : {}),
      ...(opts.cpuOnly ? { cpuOnly: true } : {}),
      ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
    },
  });
}
