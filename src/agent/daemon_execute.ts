/**
 * `agent execute --id T`, the server side (agent-exec §5.5): the task from `tasks.get_by_id`,
 * `tasks.dequeue {new_status: in_progress}` (+ "starting execution soon" when it was queued),
 * `tasks.started` "worker started execution" and "worker starting task execution", then the run.
 * With monitoring (a user's `execute --id`, not the daemon's child, which is started with
 * `--disable-monitoring`), the output goes to `events.add_batch` and the outcome is reported.
 */
import type { ApiClient } from "../api/client.ts";
import { fetchTaskDoc } from "../api/task_doc.ts";
import type { TaskDoc } from "./task.ts";
import { type LogSink, NULL_SINK, type TaskOutcome } from "./run_types.ts";
import { LogShipper } from "./daemon_log.ts";
import { changedBy, reportOutcome } from "./daemon_status.ts";

export interface ExecuteFromServer {
  api: Pick<ApiClient, "call" | "send" | "host">;
  taskId: string;
  worker: string;
  /** Ship the log and report the final status (not for the daemon's child). */
  monitoring: boolean;
  /** Plan and run the task. */
  run: (task: TaskDoc, sink: LogSink) => Promise<TaskOutcome>;
  say: (line: string) => void;
  logFlushMs?: number;
}

export async function executeFromServer(o: ExecuteFromServer): Promise<TaskOutcome> {
  const { api, taskId } = o;
  const warn = (what: string, e: unknown) =>
    o.say(`Warning: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  const task = await fetchTaskDoc(api, taskId);
  const started = (reason: string, message: string) =>
    api.call("tasks", "started", {
      task: taskId,
      status_reason: reason,
      status_message: message,
      force: true,
    }).catch((e) => warn("tasks.started", e));
  const dq = await api.call("tasks", "dequeue", { task: taskId, new_status: "in_progress" }, {
    version: null,
  }).catch((e) => {
    warn("tasks.dequeue", e);
    return {} as Record<string, unknown>;
  });
  if (typeof dq.updated === "number" && dq.updated >= 1) {
    await started("starting execution soon", "");
  }
  await started("worker started execution", changedBy(o.worker));

  const shipper = o.monitoring
    ? new LogShipper({
      api,
      task: taskId,
      worker: o.worker,
      onError: (e) => warn("sending the log", e),
    })
    : undefined;
  const flusher = shipper
    ? setInterval(() => void shipper.flush(), o.logFlushMs ?? 1000)
    : undefined;
  await started("worker starting task execution", changedBy(o.worker));
  let outcome: TaskOutcome;
  try {
    outcome = await o.run(task, shipper ?? NULL_SINK);
  } finally {
    if (flusher) clearInterval(flusher);
  }
  if (shipper) {
    for (let i = 0; i < 5 && shipper.pending > 0; i++) await shipper.flush();
    await reportOutcome(api, taskId, o.worker, outcome, false, warn);
  }
  return outcome;
}
