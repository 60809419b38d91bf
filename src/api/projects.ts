/**
 * A project id for a project name: `projects.get_all` (exact name), else `projects.create`. A
 * server without the projects service (the local `clearml serve` implements only what agents
 * need) answers 404: the task is then created without a project, and the caller is told.
 */
import type { ApiClient } from "./client.ts";
import { ApiError } from "./errors.ts";

export async function projectId(
  api: Pick<ApiClient, "call">,
  name: string,
  warn: (text: string) => void,
): Promise<string | undefined> {
  try {
    const data = await api.call("projects", "get_all", {
      name: `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
      only_fields: ["id", "name"],
      search_hidden: true,
    });
    const list = (Array.isArray(data.projects) ? data.projects : []) as Array<
      { id?: string; name?: string }
    >;
    const found = list.find((p) => p.name === name && typeof p.id === "string");
    if (found) return found.id;
    const created = await api.call("projects", "create", { name, description: "" });
    return String(created.id);
  } catch (e) {
    if (e instanceof ApiError && e.resultCode === 404) {
      warn(`The server has no projects service: the task is created without project ${name}\n`);
      return undefined;
    }
    throw e;
  }
}
