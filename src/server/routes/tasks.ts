/** `tasks.*` (server-api.md §2.12–§2.29) and the status changes of §3. */
import type { Obj } from "../call_body.ts";
import { callError, errors } from "../call_error.ts";
import { isoDate } from "../dates.ts";
import { getPath, isObj } from "../doc_path.ts";
import { type Call, endpoint, type Routes } from "../endpoint.ts";
import { matchTags, nameRegex, orderBy } from "../list_filters.ts";
import { itemList, itemStr, optionalStrs, tooShort } from "../call_items.ts";
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
  publishTask,
  resetTask,
  setRequirements,
  type StatusChange,
  stopTask,
  updateTask,
} from "../tasks_store.ts";
import { containerFromDockerCmd, taskView } from "../task_view.ts";
import { atLeast } from "../version.ts";
import { checkArtifact } from "../artifact_list.ts";
import { addOrUpdateArtifacts, deleteArtifacts } from "../task_artifacts.ts";
import {
  configurationList,
  configurationNames,
  deleteConfiguration,
  deleteHyperParams,
  editConfiguration,
  editHyperParams,
  hyperParamList,
  type ReplaceMode,
} from "../task_params.ts";
import { withSubprojects } from "../projects_store.ts";
import { multiFieldTest } from "../multi_field.ts";
import { rangeFiltersTest } from "../range_filters.ts";
import { pageOrScroll } from "../page_or_scroll.ts";
import { markModelReady } from "../models_store.ts";
import { cloneTask } from "../task_clone.ts";
import { cleanupTask, deleteTask } from "../task_cleanup.ts";
import {
  addOrUpdateTaskModel,
  deleteTaskModels,
  TASK_MODEL_TYPES,
  type TaskModelType,
} from "../task_models.ts";
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
/** The real server's date and range fields of a task query. */
const TASK_RANGE_FIELDS = {
  dates: ["status_changed", "last_update", "last_change"],
  ranges: ["created", "started", "active_duration", "last_iteration"],
} as const;

function listTasks(call: Call): Obj[] {
  const f = call.fields;
  const ids = f.strList("id", true);
  const re = nameRegex(f.str("name"));
  const subprojects = f.bool("include_subprojects", false);
  const lists = STRING_LISTS.map((k) => {
    const want = f.strList(k, true);
    const list = k === "project" && want && subprojects ? withSubprojects(call.store, want) : want;
    return [k, list] as const;
  });
  const tags = f.strList("tags");
  const systemTags = f.strList("system_tags");
  const showHidden = f.bool("search_hidden", false) || ids !== undefined;
  const multi = multiFieldTest(call.data);
  const ranges = rangeFiltersTest(call.data, TASK_RANGE_FIELDS);
  const queues = f.strList("execution.queue", true);
  const source = ids ? loadTasks(call.store, ids) : allTasks(call.store);
  const found = source.filter((t) => {
    if (re && !re.test(String(t.name))) return false;
    if (!multi(t) || !ranges(t)) return false;
    if (queues && !queues.includes(String(getPath(t, "execution.queue") ?? ""))) return false;
    for (const [k, want] of lists) if (want && !want.includes(String(t[k] ?? ""))) return false;
    const st = (t.system_tags as string[]) ?? [];
    if (!matchTags((t.tags as string[]) ?? [], tags) || !matchTags(st, systemTags)) return false;
    if (!showHidden && st.includes("hidden")) return false;
    return true;
  });
  return orderBy(found, f.strList("order_by"));
}

function modelType(type: string): TaskModelType {
  if (!(TASK_MODEL_TYPES as readonly string[]).includes(type)) {
    throw errors.validation(`error for field 'type'. value '${type}' is not a valid choice.`);
  }
  return type as TaskModelType;
}

/** The tasks of a `tasks` list; unknown ids are a 400/101 naming them. */
function existingTasks(call: Call): Obj[] {
  const ids = call.fields.strList("tasks");
  if (!ids) throw errors.missingField("tasks");
  const found = loadTasks(call.store, ids);
  const missing = ids.filter((id) => !found.some((t) => t.id === id));
  if (missing.length) throw errors.invalidTaskId({ ids: missing });
  return found;
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
    return pageOrScroll(call, "tasks", listTasks(call), (t) => taskView(t, call.version, only));
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
  "tasks.completed": endpoint("2.2", (call) => {
    const c = common(call);
    const out: Obj = changeStatus(
      call.store,
      call.identity,
      c.task,
      "completed",
      c,
      (_t, now) => ({ completed: isoDate(now) }),
      call.now,
    );
    out.published = 0;
    if (out.updated && call.fields.bool("publish", false)) {
      const model = (m: string) => markModelReady(call.store, call.identity, m, call.now);
      const pub = publishTask(call.store, call.identity, c.task, c, model, call.now);
      out.published = pub.updated;
      if (isObj(out.fields) && isObj(pub.fields)) out.fields.status = pub.fields.status;
    }
    return out;
  }),
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
    const f = call.fields;
    const cleanup = {
      force: c.force,
      updateChildren: false,
      deleteOutputModels: f.bool("delete_output_models", true),
      returnFileUrls: f.bool("return_file_urls", false),
    };
    const out = resetTask(call.store, call.identity, c.task, {
      force: c.force,
      clearAll: f.bool("clear_all", false),
      cleanup: (t) => cleanupTask(call.store, call.identity, t, cleanup, call.now),
    }, call.now);
    // the reset response carries only these of the cleanup's counts
    delete out.updated_children;
    delete out.updated_models;
    if (out.urls === null) delete out.urls;
    return out;
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
    return {
      params: existingTasks(call).map((t) => ({ task: t.id, hyperparams: hyperParamList(t) })),
    };
  }),
  "tasks.edit_hyper_params": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const items = itemList(call.data, "hyperparams", (o) => ({
      section: itemStr(o, "section", true, 1)!,
      name: itemStr(o, "name", true, 1)!,
      value: itemStr(o, "value", true)!,
      ...optionalStrs(o, ["type", "description"]),
    }));
    const replace = f.str("replace_hyperparams") ?? "none";
    if (!["none", "section", "all"].includes(replace)) {
      throw errors.validation(
        `error for field 'replace_hyperparams'. value '${replace}' is not a valid choice.`,
      );
    }
    const force = f.bool("force", false);
    return {
      updated: editHyperParams(
        call.store,
        call.identity,
        task,
        items,
        replace as ReplaceMode,
        force,
        call.now,
      ),
    };
  }),
  "tasks.delete_hyper_params": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const keys = itemList(call.data, "hyperparams", (o) => ({
      section: itemStr(o, "section", true, 1)!,
      name: itemStr(o, "name", false),
    }));
    const sections = new Set(keys.filter((k) => !k.name).map((k) => k.section));
    if (keys.some((k) => k.name && sections.has(k.section))) {
      throw callError(
        400,
        15,
        "conflicting fields",
        "Cannot delete section field if the whole section was scheduled for deletion",
      );
    }
    const force = f.bool("force", false);
    return { deleted: deleteHyperParams(call.store, call.identity, task, keys, force, call.now) };
  }),
  "tasks.get_configurations": endpoint("1.0", (call) => {
    const names = call.fields.strList("names");
    return {
      configurations: existingTasks(call).map((t) => ({
        task: t.id,
        configuration: configurationList(t, names),
      })),
    };
  }),
  "tasks.get_configuration_names": endpoint("1.0", (call) => {
    const ids = call.fields.strList("tasks");
    if (!ids) throw errors.missingField("tasks");
    const skipEmpty = call.fields.bool("skip_empty", true);
    // tasks without (non-empty) items are left out, as the real server's aggregation does
    return {
      configurations: loadTasks(call.store, ids)
        .map((t) => ({ task: t.id, names: configurationNames(t, skipEmpty) }))
        .filter((c) => c.names.length > 0),
    };
  }),
  "tasks.edit_configuration": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const items = itemList(call.data, "configuration", (o) => ({
      name: itemStr(o, "name", true, 1)!,
      value: itemStr(o, "value", true)!,
      ...optionalStrs(o, ["type", "description"]),
    }));
    const replace = f.bool("replace_configuration", false);
    const force = f.bool("force", false);
    return {
      updated: editConfiguration(call.store, call.identity, task, items, replace, force, call.now),
    };
  }),
  "tasks.delete_configuration": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const names = f.strList("configuration");
    if (!names) throw errors.missingField("configuration");
    if (!names.length) throw tooShort("configuration");
    const force = f.bool("force", false);
    return {
      deleted: deleteConfiguration(call.store, call.identity, task, names, force, call.now),
    };
  }),
  "tasks.add_or_update_artifacts": endpoint("2.10", (call) => {
    const task = call.fields.reqStr("task");
    const artifacts = itemList(call.data, "artifacts", checkArtifact);
    return { updated: addOrUpdateArtifacts(call.store, call.identity, task, artifacts, call.now) };
  }),
  "tasks.delete_artifacts": endpoint("2.10", (call) => {
    const task = call.fields.reqStr("task");
    const keys = itemList(call.data, "artifacts", (o) => {
      const key = itemStr(o, "key", true)!;
      const mode = itemStr(o, "mode", false) ?? "output";
      if (mode !== "input" && mode !== "output") {
        throw errors.validation(`error for field 'mode'. value '${mode}' is not a valid choice.`);
      }
      return { key, mode };
    });
    return { deleted: deleteArtifacts(call.store, call.identity, task, keys, call.now) };
  }),
  "tasks.add_or_update_model": endpoint("2.13", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const item = {
      name: f.reqStr("name"),
      model: f.reqStr("model"),
      type: modelType(f.reqStr("type")),
      iteration: f.int("iteration"),
    };
    return { updated: addOrUpdateTaskModel(call.store, call.identity, task, item, call.now) };
  }),
  "tasks.delete_models": endpoint("2.13", (call) => {
    const task = call.fields.reqStr("task");
    const keys = itemList(call.data, "models", (o) => ({
      name: itemStr(o, "name", true)!,
      type: modelType(itemStr(o, "type", true)!),
    }));
    return { updated: deleteTaskModels(call.store, call.identity, task, keys, call.now) };
  }),
  "tasks.clone": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = f.reqStr("task");
    const models = call.data.new_task_input_models === undefined
      ? undefined
      : itemList(call.data, "new_task_input_models", (o) => ({
        model: itemStr(o, "model", true)!,
        name: itemStr(o, "name", false),
      }));
    f.bool("validate_references", false);
    return cloneTask(call.store, call.identity, task, {
      name: f.str("new_task_name"),
      comment: f.str("new_task_comment"),
      parent: f.str("new_task_parent"),
      project: f.str("new_task_project"),
      projectName: f.str("new_project_name"),
      tags: f.strList("new_task_tags"),
      systemTags: f.strList("new_task_system_tags"),
      hyperparams: f.obj("new_task_hyperparams"),
      configuration: f.obj("new_task_configuration"),
      container: f.obj("new_task_container"),
      executionOverrides: f.obj("execution_overrides"),
      inputModels: models,
    }, call.now);
  }),
  "tasks.delete": endpoint("1.0", (call) => {
    const c = common(call);
    const f = call.fields;
    f.bool("move_to_trash", true);
    f.bool("delete_external_artifacts", true);
    f.bool("include_pipeline_steps", false);
    return deleteTask(call.store, call.identity, c.task, {
      force: c.force,
      deleteOutputModels: f.bool("delete_output_models", true),
      returnFileUrls: f.bool("return_file_urls", false),
    }, call.now);
  }),
  "tasks.publish": endpoint("1.0", (call) => {
    const c = common(call);
    const publishModel = call.fields.bool("publish_model", true)
      ? (model: string) => markModelReady(call.store, call.identity, model, call.now)
      : undefined;
    return publishTask(call.store, call.identity, c.task, c, publishModel, call.now);
  }),
};
