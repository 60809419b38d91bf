/**
 * Task requests of `clearml task`: the `tasks.create` body from the command's flags
 * (server-api §2.13, E20), the terminal statuses, and paging through `events.get_task_log` (E40).
 */
import type { ApiClient } from "./client.ts";

export interface CreateTaskInput {
  name: string;
  project?: string;
  repo: string;
  branch?: string;
  /** The entry point: a script path in the repository (or `-m module`). */
  script: string;
  workingDir?: string;
  /** Text of a requirements file: `script.requirements.pip`. */
  requirements?: string;
  docker?: string;
  dockerArgs?: string;
  binary?: string;
  type?: string;
}

export function createTaskBody(i: CreateTaskInput): Record<string, unknown> {
  return {
    name: i.name,
    type: i.type ?? "training",
    ...(i.project ? { project: i.project } : {}),
    script: {
      binary: i.binary ?? "python",
      repository: i.repo,
      ...(i.branch ? { branch: i.branch } : {}),
      entry_point: i.script,
      working_dir: i.workingDir ?? ".",
      ...(i.requirements !== undefined ? { requirements: { pip: i.requirements } } : {}),
    },
    ...(i.docker
      ? { container: { image: i.docker, arguments: i.dockerArgs ?? "", setup_shell_script: "" } }
      : {}),
  };
}

/** Statuses after which a task's log does not grow. */
export const FINAL_STATUSES = new Set(["completed", "failed", "stopped", "closed", "published"]);

export interface LogLine {
  timestamp: number;
  level: string;
  msg: string;
}

/**
 * Log events after `from` (epoch ms), oldest first, every page. A server that answers
 * `from_timestamp` inclusively repeats the boundary event: those are dropped.
 */
export async function taskLogAfter(
  api: Pick<ApiClient, "call">,
  task: string,
  from?: number,
  batch = 500,
): Promise<LogLine[]> {
  const out: LogLine[] = [];
  let cursor = from;
  for (;;) {
    const data = await api.call("events", "get_task_log", {
      task,
      navigate_earlier: false,
      batch_size: batch,
      ...(cursor !== undefined ? { from_timestamp: cursor } : {}),
    });
    const events = Array.isArray(data.events) ? data.events : [];
    let added = 0;
    for (const e of events as Array<Record<string, unknown>>) {
      const ts = typeof e.timestamp === "number" ? e.timestamp : 0;
      if (cursor !== undefined && ts <= cursor) continue;
      out.push({ timestamp: ts, level: String(e.level ?? ""), msg: String(e.msg ?? "") });
      cursor = ts;
      added++;
    }
    if (added === 0 || events.length < batch) return out;
  }
}
