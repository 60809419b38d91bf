/** `workers.*` (server-api.md §2.30–§2.33). */
import { errors } from "../call_error.ts";
import { endpoint, type Routes } from "../endpoint.ts";
import { matchTags } from "../list_filters.ts";
import {
  listWorkers,
  registerWorker,
  reportWorkerStatus,
  unregisterWorker,
} from "../workers_store.ts";

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll(
    "?",
    ".",
  );
  return new RegExp(`^${body}$`);
}

export const workersRoutes: Routes = {
  "workers.register": endpoint("2.4", (call) => {
    const f = call.fields;
    registerWorker(call.store, call.identity, {
      worker: f.reqStr("worker"),
      timeout: f.int("timeout"),
      queues: f.strList("queues"),
      tags: f.strList("tags"),
      system_tags: f.strList("system_tags"),
      ip: call.ip,
    }, call.now);
    return {};
  }),
  "workers.unregister": endpoint("2.4", (call) => {
    unregisterWorker(call.store, call.fields.reqStr("worker"));
    return {};
  }),
  "workers.status_report": endpoint("2.4", (call) => {
    const f = call.fields;
    const worker = f.reqStr("worker");
    if (f.num("timestamp") === undefined) throw errors.missingField("timestamp");
    reportWorkerStatus(call.store, call.identity, {
      worker,
      task: f.str("task"),
      queue: f.str("queue"),
      queues: f.strList("queues"),
      tags: f.strList("tags"),
      system_tags: f.strList("system_tags"),
      machine_stats: f.obj("machine_stats"),
      ip: call.ip,
    }, call.now);
    return {};
  }),
  "workers.get_all": endpoint("2.4", (call) => {
    const f = call.fields;
    const tags = f.strList("tags");
    const systemTags = f.strList("system_tags");
    const pattern = f.str("worker_pattern");
    const re = pattern ? wildcard(pattern) : undefined;
    const workers = listWorkers(call.store, f.int("last_seen") ?? 3600, call.now).filter((w) =>
      matchTags(w.tags as string[], tags) && matchTags(w.system_tags as string[], systemTags) &&
      (!re || re.test(String(w.id)))
    );
    return { workers };
  }),
};
