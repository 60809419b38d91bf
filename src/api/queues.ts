/**
 * Queue names and ids for `agent daemon --queue` and `task create|enqueue --queue` (agent-exec
 * §5.3 step 5): a string matching `^[-a-f0-9]{30,}$` is an id; a name is looked up with `queues.get_all` and matched exactly,
 * case-insensitively; `--create-queue` creates missing ones; no `--queue` means the server's
 * default queue, else the queue named `default`.
 */
import type { ApiClient } from "./client.ts";
import { ApiError } from "./errors.ts";
import { UsageError } from "../errors.ts";

export interface QueueRef {
  id: string;
  name: string;
}

export const QUEUE_ID = /^[-a-f0-9]{30,}$/;

type Api = Pick<ApiClient, "call">;

function queuesOf(data: Record<string, unknown>): QueueRef[] {
  const list = Array.isArray(data.queues) ? data.queues : [];
  return list.flatMap((q) => {
    const o = q as { id?: unknown; name?: unknown };
    return typeof o.id === "string" ? [{ id: o.id, name: String(o.name ?? o.id) }] : [];
  });
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

async function byName(api: Api, name: string): Promise<QueueRef | undefined> {
  const want = name.toLowerCase();
  const match = (qs: QueueRef[]) => qs.find((q) => q.name.toLowerCase() === want);
  const found = match(queuesOf(
    await api.call("queues", "get_all", {
      name: escapeRegex(name),
      only_fields: ["name", "id"],
      search_hidden: true,
    }),
  ));
  if (found) return found;
  // A server that compares names literally does not match the escaped text: list them all.
  return match(queuesOf(
    await api.call("queues", "get_all", { only_fields: ["name", "id"], search_hidden: true }),
  ));
}

export async function resolveQueue(
  api: Api,
  nameOrId: string,
  create: boolean,
): Promise<QueueRef> {
  if (QUEUE_ID.test(nameOrId)) {
    const data = await api.call("queues", "get_all", {
      id: [nameOrId],
      only_fields: ["id", "name"],
    });
    return queuesOf(data)[0] ?? { id: nameOrId, name: nameOrId };
  }
  const found = await byName(api, nameOrId);
  if (found) return found;
  if (!create) {
    throw new UsageError(
      `--queue ${nameOrId}: no queue of that name on the server (add --create-queue to create it)`,
    );
  }
  const data = await api.call("queues", "create", { name: nameOrId });
  return { id: String(data.id), name: nameOrId };
}

export async function resolveQueues(
  api: Api,
  names: readonly string[],
  create: boolean,
): Promise<QueueRef[]> {
  if (names.length === 0) {
    try {
      const d = await api.call("queues", "get_default", {});
      if (typeof d.id === "string") return [{ id: d.id, name: String(d.name ?? "default") }];
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    return [await resolveQueue(api, "default", create)];
  }
  const out: QueueRef[] = [];
  for (const n of names) {
    const q = await resolveQueue(api, n, create);
    if (!out.some((x) => x.id === q.id)) out.push(q);
  }
  return out;
}
