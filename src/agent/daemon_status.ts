/**
 * The status a task's run is reported with (agent-exec §5.10): exit 0 → `tasks.completed`
 * ("worker execution done"), an abort → `tasks.stopped`, anything else → `tasks.failed` with the
 * exit code; every change says `Changed by clearml-agent <worker>`. Shared by the daemon and by
 * `agent execute --id` in monitoring mode.
 */
import type { ApiClient } from "../api/client.ts";
import type { TaskOutcome } from "./run_types.ts";

export function changedBy(worker: string): string {
  return `Changed by clearml-agent ${worker}`;
}

/** The endpoint and reason for an outcome. Pure. */
export function finalStatus(
  outcome: TaskOutcome,
  abortedByServer: boolean,
): { action: "completed" | "failed" | "stopped"; reason: string } {
  if (abortedByServer) return { action: "stopped", reason: "task was stopped by tasks.stop" };
  if (outcome.status === "completed") {
    return { action: "completed", reason: "worker execution done" };
  }
  if (outcome.status === "stopped") return { action: "stopped", reason: "user abort" };
  return {
    action: "failed",
    reason: outcome.reason ?? `worker execution exit code ${outcome.exitCode ?? "unknown"}`,
  };
}

/** Report the outcome; a refusal (the task changed meanwhile) is passed to `warn`, not thrown. */
export async function reportOutcome(
  api: Pick<ApiClient, "call">,
  task: string,
  worker: string,
  outcome: TaskOutcome,
  abortedByServer: boolean,
  warn: (what: string, e: unknown) => void,
): Promise<void> {
  const { action, reason } = finalStatus(outcome, abortedByServer);
  await api.call("tasks", action, {
    task,
    status_reason: reason.slice(0, 250),
    status_message: changedBy(worker),
    ...(action === "completed" ? {} : { force: true }),
  }).catch((e) => warn(`tasks.${action}`, e));
}
