/**
 * `docker version --format '{{json .}}'`: the client part is always printed (even when the
 * daemon cannot be reached, with `"Server":null` and exit code 1); the server part only when
 * the daemon answered.
 */

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

type Json = Record<string, unknown>;

const str = (o: Json | undefined, k: string): string | undefined =>
  typeof o?.[k] === "string" && o[k] !== "" ? o[k] as string : undefined;

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? v as Json : undefined;

/** Undefined when the text holds no JSON object (an old CLI, a template error). */
export function dockerVersionJson(text: string): DockerVersionJson | undefined {
  const line = text.split("\n").find((l) => l.trim().startsWith("{"));
  if (line === undefined) return undefined;
  let root: Json | undefined;
  try {
    root = obj(JSON.parse(line));
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  const out: DockerVersionJson = {};
  const client = obj(root.Client);
  const cv = str(client, "Version");
  if (cv !== undefined) {
    out.client = { version: cv };
    const api = str(client, "ApiVersion");
    if (api !== undefined) out.client.apiVersion = api;
    const context = str(client, "Context");
    if (context !== undefined) out.client.context = context;
  }
  const server = obj(root.Server);
  const sv = str(server, "Version");
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
      const v = str(server, from);
      if (v !== undefined) out.server[to] = v;
    }
  }
  return out;
}
