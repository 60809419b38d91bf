/**
 * `docker version --format '{{json .}}'`: the client part is always printed (even when the
 * daemon cannot be reached, with `"Server":null` and exit code 1); the server part only when
 * the daemon answered.
 */
import { jsonObject, jsonObjectLine, jsonString } from "./json_object_line.ts";

export interface DockerVersionJson {
  client?: { version: string; apiVersion?: string; context?: string };
  server?: {
    version: string;
    apiVersion?: string;
    minApiVersion?: string;
    os?: string;
    arch?: string;
  };
}

/** Undefined when the text holds no JSON object (an old CLI, a template error). */
export function dockerVersionJson(text: string): DockerVersionJson | undefined {
  const root = jsonObjectLine(text);
  if (!root) return undefined;
  const out: DockerVersionJson = {};
  const client = jsonObject(root.Client);
  const cv = jsonString(client, "Version");
  if (cv !== undefined) {
    out.client = { version: cv };
    const api = jsonString(client, "ApiVersion");
    if (api !== undefined) out.client.apiVersion = api;
    const context = jsonString(client, "Context");
    if (context !== undefined) out.client.context = context;
  }
  const server = jsonObject(root.Server);
  const sv = jsonString(server, "Version");
  if (sv !== undefined) {
    out.server = { version: sv };
    for (
      const [from, to] of [
        ["ApiVersion", "apiVersion"],
        ["MinAPIVersion", "minApiVersion"],
        ["Os", "os"],
        ["Arch", "arch"],
      ] as const
    ) {
      const v = jsonString(server, from);
      if (v !== undefined) out.server[to] = v;
    }
  }
  return out;
}
