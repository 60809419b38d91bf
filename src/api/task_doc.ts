/**
 * A task from the server as the agent reads it: `tasks.get_by_id` into a TaskDoc (server-api
 * §2.14; the agent's own call is `/v2.5/…`, whose only difference is the legacy `docker_cmd`,
 * which the TaskDoc reads from `container` anyway). Errors name the task and the server.
 */
import type { ApiClient } from "./client.ts";
import { ApiError } from "./errors.ts";
import { type TaskDoc, taskFromValue } from "../agent/task.ts";
import { UsageError } from "../errors.ts";

export async function fetchTaskDoc(
  api: Pick<ApiClient, "call" | "host">,
  id: string,
): Promise<TaskDoc> {
  try {
    const data = await api.call("tasks", "get_by_id", { task: id });
    return taskFromValue(data.task, `tasks.get_by_id ${id} (${api.host})`);
  } catch (e) {
    if (e instanceof ApiError && e.resultCode === 400 && e.subcode === 101) {
      throw new UsageError(`--id ${id}: Could not find task id=${id} (for host: ${api.host})`);
    }
    throw e;
  }
}
