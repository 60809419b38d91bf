/**
 * One pulled task, daemon side (agent-exec §5.3-§5.4, §5.9-§5.10): `tasks.started` (forced),
 * the task document, the runner with its output shipped to `events.add_batch`, `tasks.ping` while
 * it runs, the stop signal polled from the task's status, and the final status by the outcome.
 */
import { hostname } from "node:os";
import type { ApiClient } from "../api/client.ts";
import type { TaskDoc } from "./task.ts";
import { fetchTaskDoc } from "../api/task_doc.ts";
import type { LogSink, TaskOutcome } from "./run_types.ts";
import { LogShipper } from "./daemon_log.ts";
import { TaskJournal } from "./daemon_journal.ts";
import { changedBy, reportOutcome } from "./daemon_status.ts";

export type DaemonApi = Pick<ApiClient, "call" | "send" | "host">;

/** Runs one task: the daemon's seam to the runner (plan + runTask in production). */
export type TaskRunner = (
  task: TaskDoc,
  io: { sink: LogSink; signal: AbortSignal; worker: string },
) => Promise<TaskOutcome>;

/** Why the daemon ended a task early (agent-exec §5.10 stop signal). */
export type StopReason = "stopped" | "status_changed" | "reset" | "not_found" | "shutdown";

export interface TaskContext {
  api: DaemonApi;
  worker: string;
  queues: string[];
  runner: TaskRunner;
  stateDir: string;
  /** Stop-signal poll period (the polling interval). */
  statusPollMs: number;
  /** `agent.task_ping_interval_sec` in ms; 0 disables. */
  pingMs: number;
  logFlushMs: number;
  /** Aborts when the daemon is told to stop (SIGTERM). */
  shutdown: AbortSignal;
  say: (line: string) => void;
  /** Services mode: each task runs as worker `<daemon id>:service:<task id>` (agent-exec §5.2). */
  serviceWorkers?: boolean;
}

export interface TaskResult {
  task: string;
  status: TaskOutcome["status"] | "skipped";
  stop?: StopReason;
  outcome?: TaskOutcome;
}

const TERMINAL_OTHER = new Set(["closed", "stopped", "failed", "published", "queued", "completed"]);

/** The stop signal from one status poll; `createdPolls` counts consecutive `created` answers. */
export function stopSignal(
  tasks: unknown,
  createdPolls: number,
): { stop?: StopReason; createdPolls: number } {
  const list = Array.isArray(tasks) ? tasks : [];
  const t = list[0] as { status?: unknown; status_message?: unknown } | undefined;
  if (!t) return { stop: "not_found", createdPolls: 0 };
  const status = String(t.status ?? "");
  const message = String(t.status_message ?? "");
  if (status === "in_progress" && message.includes("stopping")) {
    return { stop: "stopped", createdPolls: 0 };
  }
  if (TERMINAL_OTHER.has(status)) return { stop: "status_changed", createdPolls: 0 };
  if (status === "created") {
    return createdPolls + 1 >= 5
      ? { stop: "reset", createdPolls: createdPolls + 1 }
      : { createdPolls: createdPolls + 1 };
  }
  return { createdPolls: 0 };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runPulledTask(
  ctx: TaskContext,
  taskId: string,
  queueId: string,
): Promise<TaskResult> {
  const { api, worker } = ctx;
  const warn = (what: string, e: unknown) => ctx.say(`Warning: ${what} failed: ${errorText(e)}`);
  const report = (extra: Record<string, unknown>) =>
    api.call("workers", "status_report", {
      worker,
      timestamp: Date.now(),
      queues: ctx.queues,
      ...extra,
    }).catch((e) => warn("workers.status_report", e));

  try {
    await api.call("tasks", "started", {
      task: taskId,
      status_message: "pulled by agent",
      force: true,
    });
  } catch (e) {
    warn(`tasks.started for ${taskId}`, e);
  }
  await report({ task: taskId, queue: queueId });

  const journal = TaskJournal.open(ctx.stateDir, {
    task: taskId,
    queue: queueId,
    worker,
    pid: process.pid,
    started: Date.now(),
    shipped: 0,
  });
  const shipper = new LogShipper({
    api,
    task: taskId,
    worker,
    journal,
    onError: (e) => ctx.say(`### Error sending log: ${errorText(e)} ###`),
  });
  shipper.note(`task ${taskId} pulled from ${queueId} by worker ${worker}`);
  ctx.say(`Running task '${taskId}'`);

  const finish = async (result: TaskResult): Promise<TaskResult> => {
    // The log must reach the server: a few more tries, then the journal keeps it for later.
    for (let i = 0; i < 5 && shipper.pending > 0; i++) {
      await shipper.flush();
      if (shipper.pending > 0) await new Promise((r) => setTimeout(r, 500 * (i + 1)));
    }
    journal.close(shipper.pending === 0);
    await report({});
    return result;
  };

  let task: TaskDoc;
  try {
    task = await fetchTaskDoc(api, taskId);
  } catch (e) {
    shipper.note(`Could not read task ${taskId}: ${errorText(e)}`, "ERROR");
    await api.call("tasks", "failed", {
      task: taskId,
      force: true,
      status_reason: `could not read the task: ${errorText(e)}`.slice(0, 250),
      status_message: changedBy(worker),
    }).catch((e2) => warn("tasks.failed", e2));
    return finish({ task: taskId, status: "failed" });
  }

  await api.call("tasks", "edit", {
    task: taskId,
    force: true,
    runtime: { ...task.runtime, _exec_agent_hostname: hostname() },
  }, { version: null }).catch((e) => warn("tasks.edit runtime", e));
  await api.call("tasks", "started", {
    task: taskId,
    status_message: "launch by agent",
    force: true,
  }).catch((e) => warn("tasks.started", e));

  const control = new AbortController();
  let stop: StopReason | undefined;
  const end = (reason: StopReason, signalName: string) => {
    if (stop) return;
    stop = reason;
    if (reason !== "shutdown") {
      shipper.note(`User aborted: stopping task (${reason})`, "ERROR");
    }
    control.abort(signalName);
  };
  const onShutdown = () => end("shutdown", "SIGTERM");
  if (ctx.shutdown.aborted) onShutdown();
  else ctx.shutdown.addEventListener("abort", onShutdown, { once: true });

  let createdPolls = 0;
  let polling = false;
  const poll = setInterval(async () => {
    if (polling || stop) return;
    polling = true;
    try {
      const data = await api.call("tasks", "get_all", {
        id: [taskId],
        only_fields: ["status", "status_message"],
        search_hidden: true,
      });
      const s = stopSignal(data.tasks, createdPolls);
      createdPolls = s.createdPolls;
      if (s.stop) end(s.stop, "SIGKILL");
    } catch (e) {
      warn("the task status poll", e);
    } finally {
      polling = false;
    }
  }, ctx.statusPollMs);
  const ping = ctx.pingMs > 0
    ? setInterval(() => {
      api.call("tasks", "ping", { task: taskId }).catch((e) => warn("tasks.ping", e));
    }, ctx.pingMs)
    : undefined;
  const flusher = setInterval(() => void shipper.flush(), ctx.logFlushMs);

  let outcome: TaskOutcome;
  try {
    const runAs = ctx.serviceWorkers ? `${worker}:service:${taskId}` : worker;
    outcome = await ctx.runner(task, { sink: shipper, signal: control.signal, worker: runAs });
  } catch (e) {
    outcome = { status: "failed", exitCode: null, stdoutFile: "", reason: errorText(e) };
    shipper.note(`Task failed: ${outcome.reason}`, "ERROR");
  } finally {
    clearInterval(poll);
    if (ping) clearInterval(ping);
    clearInterval(flusher);
    ctx.shutdown.removeEventListener("abort", onShutdown);
  }
  ctx.say(`DONE: Running task '${taskId}', exit status ${outcome.exitCode ?? outcome.status}`);

  if (stop === "stopped") {
    shipper.note("Process aborted by user");
    await reportOutcome(api, taskId, worker, outcome, true, warn);
    return finish({ task: taskId, status: "stopped", stop, outcome });
  }
  if (stop && stop !== "shutdown") {
    // Someone else changed the task (reset, dequeued, deleted): leave its status alone.
    return finish({ task: taskId, status: outcome.status, stop, outcome });
  }
  await reportOutcome(api, taskId, worker, outcome, false, warn);
  return finish({ task: taskId, status: outcome.status, ...(stop ? { stop } : {}), outcome });
}
