/** `tasks.*` (server-api.md §2.12–§2.29) and the status changes of §3. */
import type { Obj } from "../call_body.ts";
import { errors } from "../call_error.ts";
import { isoDate } from "../dates.ts";
import { isObj } from "../doc_path.ts";
import { type Call, endpoint, type Routes } from "../endpoint.ts";
import { matchTags, nameRegex, orderBy, page } from "../list_filters.ts";
import { createQueue, defaultQueue, queueByName } from "../queues_store.ts";
import {
  allTasks,
  changeStatus,
  checkStatusName,
  createTask,
  dequeueTask,
  editTask,
  enqueueTask,
  loadTask,
  loadTasks,
  pingTask,
  resetTask,
  setRequirements,
  type StatusChange,
  stopTask,
  updateTask,
} from "../tasks_store.ts";
import { containerFromDockerCmd, taskView } from "../task_view.ts";
import { atLeast } from "../version.ts";
import { listWorkers } from "../workers_store.ts";

function common(call: Call): { task: string } & StatusChange {
  const f = call.fields;
  return {
    task: f.reqStr("task"),
    reason: f.str("status_reason") ?? "",
    message: f.str("status_message") ?? "",
    force: f.bool("force", false),
  };
}

/** Old clients (< 2.13) send the container as `execution.docker_cmd`. */
function legacyInput(call: Call): Obj {
  const data = { ...call.data };
  if (!atLeast(call.version, "2.13") && isObj(data.execution)) {
    const exec = { ...data.execution };
    if (typeof exec.docker_cmd === "string") {
      data.container = containerFromDockerCmd(exec.docker_cmd);
    }
    delete exec.docker_cmd;
    data.execution = exec;
  }
  return data;
}

const STRING_LISTS = ["user", "project", "type", "status", "parent"] as const;

function listTasks(call: Call): Obj[] {
  const f = call.fields;
  const ids = f.strList("id", true);
  const re = nameRegex(f.str("name"));
  const lists = STRING_LISTS.map((k) => [k, f.strList(k, true)] as const);
  const tags = f.strList("tags");
  const systemTags = f.strList("system_tags");
  const showHidden = f.bool("search_hidden", false) || ids !== undefined;
  const source = ids ? loadTasks(call.store, ids) : allTasks(call.store);
  const found = source.filter((t) => {
    if (re && !re.test(String(t.name))) return false;
    for (const [k, want] of lists) if (want && !want.includes(String(t[k] ?? ""))) return false;
    const st = (t.system_tags as string[]) ?? [];
    if (!matchTags((t.tags as string[]) ?? [], tags) || !matchTags(st, systemTags)) return false;
    if (!showHidden && st.includes("hidden")) return false;
    return true;
  });
  return page(orderBy(found, f.strList("order_by")), f);
}

function statusEndpoint(
  status: string,
  extra: (t: Obj, now: number) => Obj = () => ({}),
  decorate: (out: Obj) => Obj = (out) => out,
) {
  return (call: Call) => {
    const c = common(call);
    return decorate(changeStatus(call.store, call.identity, c.task, status, c, extra, call.now));
  };
}

function resolveQueue(call: Call): () => string {
  const f = call.fields;
  const queue = f.str("queue");
  const queueName = f.str("queue_name");
  if (queue && queueName) {
    throw errors.validation("Either queue id or queue name should be provided");
  }
  return () => {
    if (queue) return queue;
    if (queueName) {
      return queueByName(call.store, queueName)?.id ??
        createQueue(call.store, call.identity, { name: queueName }, call.now);
    }
    return defaultQueue(call.store).id;
  };
}

export const tasksRoutes: Routes = {
  "tasks.create": endpoint("1.0", (call) => {
    call.fields.reqStr("name");
    call.fields.reqStr("type");
    return { id: createTask(call.store, call.identity, legacyInput(call), call.now) };
  }),
  "tasks.get_by_id": endpoint("1.0", (call) => {
    const id = call.fields.reqStr("task");
    const t = loadTask(call.store, id);
    if (!t) throw errors.invalidTaskId({ ids: [id] });
    return { task: taskView(t, call.version) };
  }),
  "tasks.get_all": endpoint("1.0", (call) => {
    const only = call.fields.strList("only_fields");
    return { tasks: listTasks(call).map((t) => taskView(t, call.version, only)) };
  }),
  "tasks.edit": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    return editTask(
      call.store,
      call.identity,
      task,
      legacyInput(call),
      f.bool("force", false),
      call.now,
    );
  }),
  "tasks.update": endpoint("1.0", (call) => {
    const task = call.fields.reqStr("task");
    return updateTask(call.store, call.identity, task, call.data, call.now);
  }),
  "tasks.started": endpoint(
    "1.0",
    statusEndpoint(
      "in_progress",
      (t, now) => (t.started ? {} : { started: isoDate(now) }),
      (out) => ({ ...out, started: out.updated }),
    ),
  ),
  "tasks.stopped": endpoint(
    "1.0",
    statusEndpoint("stopped", (_t, now) => ({ completed: isoDate(now) })),
  ),
  "tasks.failed": endpoint("1.0", statusEndpoint("failed")),
  "tasks.close": endpoint("1.0", statusEndpoint("closed")),
  "tasks.completed": endpoint(
    "2.2",
    statusEndpoint("completed", (_t, now) => ({ completed: isoDate(now) }), (out) => ({
      ...out,
      published: 0,
    })),
  ),
  "tasks.stop": endpoint("1.0", (call) => {
    const c = common(call);
    return stopTask(call.store, call.identity, c.task, c, call.now);
  }),
  "tasks.enqueue": endpoint("1.0", (call) => {
    const f = call.fields;
    const c = common(call);
    const verify = f.bool("verify_watched_queue", false);
    const updateExecutionQueue = f.bool("update_execution_queue", true);
    if (verify && !updateExecutionQueue) {
      throw errors.validation(
        "verify_watched_queue cannot be used together with update_execution_queue=false",
      );
    }
    const resolve = resolveQueue(call);
    const out = enqueueTask(call.store, call.identity, c.task, c, {
      resolve,
      updateExecutionQueue,
    }, call.now);
    if (verify) {
      const q = resolve();
      out.queue_watched = listWorkers(call.store, 0, call.now).some((w) =>
        (w.queues as Obj[]).some((x) => x.id === q)
      );
    }
    return out;
  }),
  "tasks.dequeue": endpoint("1.0", (call) => {
    const f = call.fields;
    const newStatus = f.str("new_status");
    if (newStatus !== undefined) checkStatusName(newStatus);
    return dequeueTask(call.store, call.identity, f.reqStr("task"), {
      reason: f.str("status_reason") ?? "",
      message: f.str("status_message") ?? "",
      newStatus,
      allQueues: f.bool("remove_from_all_queues", false),
    }, call.now);
  }),
  "tasks.reset": endpoint("1.0", (call) => {
    const c = common(call);
    return resetTask(call.store, call.identity, c.task, {
      force: c.force,
      clearAll: call.fields.bool("clear_all", false),
    }, call.now);
  }),
  "tasks.ping": endpoint("1.0", (call) => {
    pingTask(call.store, call.identity, call.fields.reqStr("task"), call.now);
    return {};
  }),
  "tasks.set_requirements": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const req = f.obj("requirements");
    if (!req) throw errors.missingField("requirements");
    return setRequirements(call.store, call.identity, task, req, call.now);
  }),
  "tasks.get_hyper_params": endpoint("1.0", (call) => {
    const ids = call.fields.strList("tasks");
    if (!ids) throw errors.missingField("tasks");
    const found = loadTasks(call.store, ids);
    const missing = ids.filter((id) => !found.some((t) => t.id === id));
    if (missing.length) throw errors.invalidTaskId({ ids: missing });
    const params = found.map((t) => {
      const items: Obj[] = [];
      const hp = isObj(t.hyperparams) ? t.hyperparams : {};
      for (const [section, ps] of Object.entries(hp)) {
        if (!isObj(ps)) continue;
        for (const [name, p] of Object.entries(ps)) {
          items.push({ section, name, ...(isObj(p) ? p : { value: p }) });
        }
      }
      items.sort((a, b) =>
        String(a.section).localeCompare(String(b.section)) ||
        String(a.name).localeCompare(String(b.name))
      );
      return { task: t.id, hyperparams: items };
    });
    return { params };
  }),
};
