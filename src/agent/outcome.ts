/**
 * The task's end as clearml-agent reports it (agent-exec §5.10, T82): exit 0 → completed;
 * −2 (254) or ended by our abort → stopped ("user abort"); anything else → failed.
 */
import type { TaskOutcome } from "./run_types.ts";
import type { SpawnResult } from "./spawn_captured.ts";
import type { TaskLog } from "./task_log.ts";

export function outcomeFromExit(
  r: Pick<SpawnResult, "code" | "signal" | "aborted" | "startError">,
  stdoutFile: string,
): TaskOutcome {
  if (r.startError) {
    return { status: "failed", exitCode: null, stdoutFile, reason: r.startError };
  }
  if (r.aborted || r.code === 254) {
    return { status: "stopped", exitCode: r.code, stdoutFile, reason: "user abort" };
  }
  if (r.code === 0) return { status: "completed", exitCode: 0, stdoutFile };
  if (r.code === null) {
    return {
      status: "failed",
      exitCode: null,
      stdoutFile,
      reason: `worker execution killed by ${r.signal ?? "a signal"}`,
    };
  }
  return {
    status: "failed",
    exitCode: r.code,
    stdoutFile,
    reason: `worker execution exit code ${r.code}`,
  };
}

/** The outcome, with the agent's closing log line. */
export function outcomeOf(
  r: Pick<SpawnResult, "code" | "signal" | "aborted" | "startError">,
  stdoutFile: string,
  log: TaskLog,
): TaskOutcome {
  const o = outcomeFromExit(r, stdoutFile);
  if (o.status === "completed") log.write("Process completed successfully");
  else if (o.status === "stopped") log.write("Process terminated by user");
  else if (r.startError) log.write(`Process could not start: ${r.startError}`, "stderr");
  else log.write(`Process failed, exit code ${o.exitCode ?? o.reason}`);
  return o;
}
