/**
 * Task state changes, each one transaction (server-api.md §2.13–§2.29, §3). Documents are stored
 * as the real server returns them; dates as its ISO-8601 text.
 */
import type { Obj } from "./call_body.ts";
import { callError, errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { deleteTaskEvents } from "./event_tables.ts";
import { isObj, setPath, unsetPath } from "./doc_path.ts";
import { newId } from "./ids.ts";
import type { Identity, Store } from "./store.ts";
import { checkTransition, isTaskStatus } from "./task_status.ts";
import { normalizeArtifacts } from "./artifact_list.ts";
import { newDocStamps } from "./doc_stamps.ts";
import { touchProject } from "./projects_store.ts";

export const TASK_TYPES = [
  "training",
  "testing",
  "inference",
  "data_processing",
  "application",
  "monitor",
  "controller",
  "optimizer",
  "service",
  "qc",
  "custom",
  "report",
] as const;

export interface UpdateResult extends Obj {
  updated: number;
  fields?: Obj;
}

export function loadTask(store: Store, id: string): Obj | undefined {
  const row = store.stmt("SELECT doc FROM tasks WHERE id = ?").get(id) as
    | { doc: string }
    | undefined;
  return row ? JSON.parse(row.doc) as Obj : undefined;
}

/** Tasks by id, in the order given (unknown ids are skipped). */
export function loadTasks(store: Store, ids: readonly string[]): Obj[] {
  const out: Obj[] = [];
  for (const id of new Set(ids)) {
    const t = loadTask(store, id);
    if (t) out.push(t);
  }
  return out;
}

/** Every task, oldest first. */
export function allTasks(store: Store): Obj[] {
  return (store.stmt("SELECT doc FROM tasks ORDER BY seq").all() as { doc: string }[])
    .map((r) => JSON.parse(r.doc) as Obj);
}

export function saveTask(store: Store, doc: Obj): void {
  store.stmt("UPDATE tasks SET doc = ? WHERE id = ?").run(JSON.stringify(doc), doc.id as string);
}

/** The task, or the real server's 400/101 naming the id and company. */
export function mustLoadTask(store: Store, ident: Identity, id: string): Obj {
  const t = loadTask(store, id);
  if (!t) throw errors.invalidTaskId({ id, company: ident.company });
  return t;
}

/**
 * A task that may be changed by the field-level endpoints (artifacts, hyper-parameters,
 * configuration): `created`, or also `in_progress` with `force` (the real server's
 * `get_task_for_update`); `anyStatus` for changes of the `properties` section only.
 */
export function writableTask(
  store: Store,
  ident: Identity,
  id: string,
  force: boolean,
  anyStatus = false,
): Obj {
  const t = mustLoadTask(store, ident, id);
  if (anyStatus) return t;
  const allowed = force ? ["created", "in_progress"] : ["created"];
  if (!allowed.includes(String(t.status))) {
    throw errors.invalidTaskStatus({ expected: "created", status: t.status });
  }
  return t;
}

/**
 * One field-level change of a writable task (see `writableTask`) in one transaction: `change`
 * edits the loaded document, then `last_change`/`last_changed_by` (and `last_update` unless
 * `keepLastUpdate`) are set and the task saved. Returns 1, the real server's update count.
 */
export function changeTaskFields(
  store: Store,
  ident: Identity,
  id: string,
  o: { force: boolean; anyStatus?: boolean; keepLastUpdate?: boolean; now: number },
  change: (t: Obj) => void,
): number {
  return store.tx(() => {
    const t = writableTask(store, ident, id, o.force, o.anyStatus);
    change(t);
    const d = isoDate(o.now);
    t.last_change = d;
    t.last_changed_by = ident.user;
    if (!o.keepLastUpdate) t.last_update = d;
    saveTask(store, t);
    return 1;
  });
}

function stripStrings(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === "string" ? v.trim() : v;
  return out;
}

/** Checks shared by create and edit (server-api.md §2.13). */
function checkTaskInput(store: Store, input: Obj): void {
  if (input.name !== undefined) {
    if (typeof input.name !== "string") throw errors.wrongType("name", "basestring", input.name);
    if (input.name.trim().length < 3) {
      throw errors.dataValidation({ name: "String value is too short" });
    }
  }
  if (input.type !== undefined && !(TASK_TYPES as readonly unknown[]).includes(input.type)) {
    throw errors.validation(`error for field 'type'. value '${input.type}' is not a valid choice.`);
  }
  if (typeof input.project === "string" && input.project) {
    const row = store.stmt("SELECT id FROM projects WHERE id = ?").get(input.project);
    if (!row) {
      throw errors.fieldsValue("expecting Project id", { id: input.project, field: "project" });
    }
  }
  if (typeof input.parent === "string" && input.parent && !loadTask(store, input.parent)) {
    throw errors.fieldsValue("expecting Task id", { id: input.parent, field: "parent" });
  }
  checkInputModels(store, input.models);
  for (
    const k of [
      "script",
      "execution",
      "container",
      "hyperparams",
      "configuration",
      "runtime",
      "models",
    ]
  ) {
    if (input[k] !== undefined && input[k] !== null && !isObj(input[k])) {
      throw errors.wrongType(k, "dict", input[k]);
    }
  }
  for (const k of ["tags", "system_tags"]) {
    const v = input[k];
    if (
      v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
    ) {
      throw errors.wrongType(k, "list", v);
    }
  }
  if (isObj(input.hyperparams)) {
    for (const [section, params] of Object.entries(input.hyperparams)) {
      if (!section) throw errors.validation("Section name cannot be empty");
      if (isObj(params) && Object.keys(params).some((n) => !n)) {
        throw errors.validation("Parameter name cannot be empty");
      }
    }
  }
}

/** Every input model a task names must exist (the real `validate_input_models`: 400/201). */
function checkInputModels(store: Store, models: unknown): void {
  if (!isObj(models) || !Array.isArray(models.input)) return;
  const ids = new Set((models.input as unknown[]).map((m) => isObj(m) ? String(m.model) : ""));
  const missing = [...ids].filter((id) => !store.stmt("SELECT 1 FROM models WHERE id = ?").get(id));
  if (missing.length) throw callError(400, 201, "invalid model id", undefined, { models: missing });
}

/** `tasks.create`: a new task in status `created`. */
export function createTask(store: Store, ident: Identity, input: Obj, now = Date.now()): string {
  checkTaskInput(store, input);
  const id = newId();
  const d = isoDate(now);
  const doc: Obj = {
    id,
    name: (input.name as string).trim(),
    type: input.type,
    status: "created",
    status_reason: "",
    status_message: "",
    ...newDocStamps(ident, d),
    tags: [...(input.tags as string[] ?? [])].sort(),
    system_tags: [...(input.system_tags as string[] ?? [])].sort(),
    last_iteration: 0,
    runtime: isObj(input.runtime) ? input.runtime : {},
    configuration: isObj(input.configuration) ? input.configuration : {},
    output: typeof input.output_dest === "string" ? { destination: input.output_dest } : {},
    models: {
      input: [],
      output: [],
      ...(isObj(input.models) ? input.models : {}),
    },
    script: isObj(input.script) ? stripStrings(input.script) : {},
    execution: {
      test_split: 0,
      parameters: {},
      ...(isObj(input.execution) ? input.execution : {}),
      artifacts: normalizeArtifacts(isObj(input.execution) ? input.execution.artifacts : []),
    },
    container: isObj(input.container) ? input.container : {},
    hyperparams: isObj(input.hyperparams) ? input.hyperparams : {},
  };
  for (const k of ["project", "parent", "comment"]) {
    if (typeof input[k] === "string") doc[k] = input[k];
  }
  store.tx(() => {
    store.stmt("INSERT INTO tasks(id, doc) VALUES (?, ?)").run(id, JSON.stringify(doc));
    if (typeof doc.project === "string") touchProject(store, doc.project, d);
  });
  return id;
}

const MERGED = new Set(["script", "execution", "output", "models"]);
const EDITABLE = [
  "name",
  "tags",
  "system_tags",
  "type",
  "comment",
  "parent",
  "project",
  "execution",
  "script",
  "hyperparams",
  "configuration",
  "models",
  "container",
  "runtime",
  "status",
];
/** Edits of these alone leave `last_update` as it was. */
const NO_LAST_UPDATE = new Set([
  "name",
  "comment",
  "project",
  "tags",
  "system_tags",
  "status_message",
  "created",
]);

/** `tasks.edit`: shallow merge of the embedded objects, replacement of the rest. */
export function editTask(
  store: Store,
  ident: Identity,
  id: string,
  input: Obj,
  force: boolean,
  now = Date.now(),
): UpdateResult {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    if (t.status !== "created" && !force) {
      throw errors.invalidTaskStatus({ expected: "created", status: t.status });
    }
    const changes: Obj = {};
    for (const k of EDITABLE) if (input[k] !== undefined) changes[k] = input[k];
    if (typeof input.output_dest === "string") changes.output = { destination: input.output_dest };
    if (!Object.keys(changes).length) return { updated: 0 };
    checkTaskInput(store, changes);
    const fields: Obj = {};
    for (const [k, v] of Object.entries(changes)) {
      let value = v;
      if (k === "script" && isObj(v)) value = stripStrings(v);
      if (k === "execution" && isObj(v) && v.artifacts !== undefined) {
        value = { ...v, artifacts: normalizeArtifacts(v.artifacts) };
      }
      if (MERGED.has(k) && isObj(value) && isObj(t[k])) value = { ...t[k], ...value };
      if ((k === "tags" || k === "system_tags") && Array.isArray(value)) value = [...value].sort();
      if (k === "name" && typeof value === "string") value = value.trim();
      t[k] = value;
      fields[k] = value;
    }
    const d = isoDate(now);
    t.last_change = fields.last_change = d;
    t.last_changed_by = fields.last_changed_by = ident.user;
    if (Object.keys(changes).some((k) => !NO_LAST_UPDATE.has(k))) {
      t.last_update = fields.last_update = d;
    }
    if (typeof changes.project === "string") touchProject(store, changes.project, d);
    saveTask(store, t);
    return { updated: 1, fields };
  });
}

/** `tasks.update`: a plain partial update, no status check. */
export function updateTask(
  store: Store,
  ident: Identity,
  id: string,
  input: Obj,
  now = Date.now(),
): UpdateResult {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    const fields: Obj = {};
    for (
      const k of [
        "name",
        "tags",
        "system_tags",
        "comment",
        "project",
        "status",
        "status_reason",
        "status_message",
      ]
    ) {
      if (input[k] !== undefined) fields[k] = input[k];
    }
    if (input.output__error !== undefined) fields["output.error"] = input.output__error;
    if (!Object.keys(fields).length) return { updated: 0 };
    checkTaskInput(store, fields);
    for (const [k, v] of Object.entries(fields)) setPath(t, k, v);
    const d = isoDate(now);
    t.last_change = fields.last_change = d;
    t.last_changed_by = fields.last_changed_by = ident.user;
    if (typeof fields.project === "string") touchProject(store, fields.project, d);
    saveTask(store, t);
    return { updated: 1, fields };
  });
}

export interface StatusChange {
  reason: string;
  message: string;
  force: boolean;
}

/** The fields every status change writes (server-api.md §2.18). */
function statusFields(ident: Identity, status: string, c: StatusChange, now: number): Obj {
  const d = isoDate(now);
  return {
    status,
    status_reason: c.reason,
    status_message: c.message,
    status_changed: d,
    last_update: d,
    last_change: d,
    last_changed_by: ident.user,
  };
}

/**
 * Write a status change (and its extra fields, dotted keys; `undefined` unsets) to a loaded task;
 * its project's `last_update` moves too, as the real server's status changes do.
 */
function applyStatus(store: Store, t: Obj, fields: Obj, unset: readonly string[] = []): void {
  if (typeof t.project === "string") touchProject(store, t.project, String(fields.last_update));
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) unsetPath(t, k);
    else setPath(t, k, v);
  }
  for (const k of unset) unsetPath(t, k);
  if (fields.status === "queued" && Array.isArray(t.system_tags)) {
    t.system_tags = (t.system_tags as string[]).filter((x) => x !== "development");
  }
}

/**
 * `tasks.started|stopped|failed|completed|close`: the state machine unless `force`, then the
 * status fields plus `extra(task, now)`.
 */
export function changeStatus(
  store: Store,
  ident: Identity,
  id: string,
  status: string,
  c: StatusChange,
  extra: (t: Obj, now: number) => Obj = () => ({}),
  now = Date.now(),
): UpdateResult {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    if (!c.force) checkTransition(String(t.status), status);
    const fields = { ...statusFields(ident, status, c, now), ...extra(t, now) };
    applyStatus(store, t, fields);
    saveTask(store, t);
    return { updated: 1, fields };
  });
}

/** Remove every entry of a task from every queue but `keep`; returns how many were removed. */
export function removeFromQueues(store: Store, task: string, only?: string, keep?: string): number {
  if (only) {
    return Number(
      store.stmt("DELETE FROM queue_entries WHERE task = ? AND queue = ?").run(task, only).changes,
    );
  }
  return Number(
    store.stmt("DELETE FROM queue_entries WHERE task = ? AND queue != ?").run(task, keep ?? "")
      .changes,
  );
}

export interface EnqueueTarget {
  /** Resolves the queue id inside the transaction (may create a queue, may throw 707/708). */
  resolve: () => string;
  updateExecutionQueue: boolean;
}

/** `tasks.enqueue` (server-api.md §2.24). Returns the response data. */
export function enqueueTask(
  store: Store,
  ident: Identity,
  id: string,
  c: StatusChange,
  target: EnqueueTarget,
  now = Date.now(),
): Obj {
  let failure: Error | undefined;
  const out = store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    const queue = target.resolve();
    const previous = String(t.status);
    if (!c.force) checkTransition(previous, "queued");
    const queueRow = store.stmt("SELECT id FROM queues WHERE id = ?").get(queue);
    const already = store.stmt("SELECT 1 FROM queue_entries WHERE queue = ? AND task = ?").get(
      queue,
      id,
    );
    if (!queueRow || already) {
      // The real server sets `queued`, fails to add, and forces the old status back.
      applyStatus(store, t, {
        ...statusFields(ident, previous, { ...c, reason: "failed enqueueing" }, now),
      });
      saveTask(store, t);
      failure = !queueRow
        ? errors.invalidQueueId({ id: queue, company: ident.company })
        : errors.alreadyQueued({ task: id });
      return undefined;
    }
    const enqueueStatus = previous === "queued" && typeof t.enqueue_status === "string"
      ? t.enqueue_status
      : previous;
    const fields: Obj = { ...statusFields(ident, "queued", c, now), enqueue_status: enqueueStatus };
    if (target.updateExecutionQueue) fields["execution.queue"] = queue;
    applyStatus(store, t, fields);
    saveTask(store, t);
    store.stmt("INSERT INTO queue_entries(queue, task, added) VALUES (?, ?, ?)").run(
      queue,
      id,
      now,
    );
    touchQueue(store, queue, now);
    removeFromQueues(store, id, undefined, queue);
    return { updated: 1, queued: 1, fields };
  });
  if (failure) throw failure;
  return out!;
}

export function touchQueue(store: Store, queue: string, now: number): void {
  const row = store.stmt("SELECT doc FROM queues WHERE id = ?").get(queue) as
    | { doc: string }
    | undefined;
  if (!row) return;
  const doc = JSON.parse(row.doc) as Obj;
  doc.last_update = now;
  store.stmt("UPDATE queues SET doc = ? WHERE id = ?").run(JSON.stringify(doc), queue);
}

/** `tasks.dequeue` (server-api.md §2.25): always forced, acts on queued/in_progress only. */
export function dequeueTask(
  store: Store,
  ident: Identity,
  id: string,
  c: { reason: string; message: string; newStatus?: string; allQueues: boolean },
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const t = loadTask(store, id);
    if (!t) {
      removeFromQueues(store, id);
      return { dequeued: 1, updated: 0 };
    }
    const execQueue = isObj(t.execution) && typeof t.execution.queue === "string"
      ? t.execution.queue
      : undefined;
    if (t.status === "queued" && execQueue) removeFromQueues(store, id, execQueue);
    if (c.allQueues) removeFromQueues(store, id);
    if (t.status !== "queued" && t.status !== "in_progress") return { dequeued: 1, updated: 0 };
    const status = c.newStatus || (typeof t.enqueue_status === "string" && t.enqueue_status) ||
      "created";
    const fields: Obj = {
      ...statusFields(ident, status, { reason: c.reason, message: c.message, force: true }, now),
      enqueue_status: null,
    };
    applyStatus(store, t, fields, ["enqueue_status"]);
    saveTask(store, t);
    return { dequeued: 1, updated: 1, fields };
  });
}

/**
 * `tasks.reset` (server-api.md §2.26): back to `created`, run data and events cleared.
 * `cleanup` (the task's output models, see `task_cleanup.ts`) runs after the status checks
 * and before the reset, in the same transaction; its result is merged into the response.
 */
export function resetTask(
  store: Store,
  ident: Identity,
  id: string,
  c: { force: boolean; clearAll: boolean; cleanup?: (t: Obj) => Obj },
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    if (t.status === "published" && !c.force) {
      throw errors.invalidTaskStatus({ task_id: id, status: "published" });
    }
    if (!c.force) checkTransition(String(t.status), "created");
    const out: Obj = { updated: 1, deleted_models: 0, ...c.cleanup?.(t) };
    const wasQueued = t.status === "queued";
    const removed = removeFromQueues(store, id);
    if (wasQueued) out.dequeued = { removed };
    deleteTaskEvents(store, id);
    const fields = statusFields(ident, "created", {
      reason: "reset",
      message: "reset",
      force: true,
    }, now);
    applyStatus(store, t, fields, [
      "output.result",
      "output.error",
      "last_worker",
      "last_worker_report",
      "started",
      "completed",
      "published",
      "active_duration",
      "enqueue_status",
      "execution.queue",
    ]);
    t.last_iteration = 0;
    t.last_metrics = {};
    t.metric_stats = {};
    delete t.unique_metrics;
    t.runtime = {};
    t.models = { ...(isObj(t.models) ? t.models : {}), output: [] };
    if (isObj(t.execution) && Array.isArray(t.execution.artifacts)) {
      t.execution.artifacts = (t.execution.artifacts as Obj[]).filter((a) => a.mode === "input");
    }
    if (c.clearAll) {
      t.execution = {};
      delete t.script;
    }
    saveTask(store, t);
    out.fields = fields;
    return out;
  });
}

/** Seconds: `tasks.stop` treats a task as run by a worker when reported on within this window. */
export const TASK_UPDATE_TIMEOUT_S = 600;

/** `tasks.stop` (server-api.md §2.27): `stopping` for a task a worker runs, else `stopped`. */
export function stopTask(
  store: Store,
  ident: Identity,
  id: string,
  c: StatusChange,
  now = Date.now(),
): UpdateResult {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    const status = String(t.status);
    if (status === "queued") removeFromQueues(store, id);
    const lastUpdate = Date.parse(String(t.last_update ?? ""));
    const runByWorker = typeof t.last_worker === "string" && t.last_worker !== "" &&
      now - lastUpdate < TASK_UPDATE_TIMEOUT_S * 1000;
    const development = Array.isArray(t.system_tags) && t.system_tags.includes("development");
    if (status !== "queued" && runByWorker && !development) {
      const fields = statusFields(ident, status, { ...c, message: "stopping" }, now);
      applyStatus(store, t, fields);
      saveTask(store, t);
      return { updated: 1, fields };
    }
    if (!c.force) checkTransition(status, "stopped");
    const fields = {
      ...statusFields(ident, "stopped", { ...c, message: `Stopped by ${ident.userName}` }, now),
      completed: isoDate(now),
    };
    applyStatus(store, t, fields);
    saveTask(store, t);
    return { updated: 1, fields };
  });
}

/** `tasks.ping`: keep-alive; `active_duration` while running. Unknown tasks are ignored. */
export function pingTask(store: Store, ident: Identity, id: string, now = Date.now()): void {
  store.tx(() => {
    const t = loadTask(store, id);
    if (!t) return;
    const d = isoDate(now);
    t.last_update = d;
    t.last_change = d;
    t.last_changed_by = ident.user;
    if (t.status === "in_progress" && typeof t.started === "string") {
      t.active_duration = Math.max(0, Math.round((now - Date.parse(t.started)) / 1000));
    }
    saveTask(store, t);
  });
}

/** `tasks.set_requirements`: replaces `script.requirements` in any status. */
export function setRequirements(
  store: Store,
  ident: Identity,
  id: string,
  requirements: Obj,
  now = Date.now(),
): UpdateResult {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    if (!isObj(t.script)) throw errors.missingTaskFields({ task: id, fields: "script" });
    t.script.requirements = requirements;
    const d = isoDate(now);
    t.last_change = d;
    t.last_update = d;
    t.last_changed_by = ident.user;
    saveTask(store, t);
    return { updated: 1, fields: { "script.requirements": requirements } };
  });
}

/** Status checks used by handlers that take a status from the client. */
export function checkStatusName(s: string): void {
  if (!isTaskStatus(s)) throw errors.validation(`Invalid task status: ${s}`);
}

/** The real server's watchdog (services.tasks.non_responsive_tasks_watchdog): 2 h without news. */
export const NON_RESPONSIVE_S = 7200;
export const NON_RESPONSIVE_SWEEP_S = 900;

/**
 * Set `in_progress` tasks whose `last_update` is older than `thresholdS` to `stopped`, as the
 * real server does (reason and message `Forced stop (non-responsive)`, changed by
 * `__apiserver__`). A task whose agent was killed ends here instead of running forever.
 */
export function stopNonResponsiveTasks(
  store: Store,
  now = Date.now(),
  thresholdS = NON_RESPONSIVE_S,
): string[] {
  return store.tx(() => {
    const stopped: string[] = [];
    for (const t of allTasks(store)) {
      if (t.status !== "in_progress") continue;
      const last = Date.parse(String(t.last_update ?? ""));
      if (!(now - last > thresholdS * 1000)) continue;
      const reason = "Forced stop (non-responsive)";
      const d = isoDate(now);
      applyStatus(store, t, {
        status: "stopped",
        status_reason: reason,
        status_message: reason,
        status_changed: d,
        last_update: d,
        last_change: d,
        last_changed_by: "__apiserver__",
      });
      saveTask(store, t);
      stopped.push(String(t.id));
    }
    return stopped;
  });
}

/**
 * `tasks.publish` (the real server's `publish_task`): the state machine unless `force` (a
 * `completed`, `stopped`, `closed` or `failed` task may be published), then `published` with
 * the publication time and the task's output; `publishModel` is called with the last output
 * model's id first, when there is one.
 */
export function publishTask(
  store: Store,
  ident: Identity,
  id: string,
  c: StatusChange,
  publishModel?: (modelId: string) => void,
  now = Date.now(),
): UpdateResult {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    if (!c.force) checkTransition(String(t.status), "published");
    const outputs = isObj(t.models) && Array.isArray(t.models.output) ? t.models.output : [];
    const last = outputs[outputs.length - 1] as Obj | undefined;
    if (publishModel && last && typeof last.model === "string") publishModel(last.model);
    const fields: Obj = {
      ...statusFields(ident, "published", c, now),
      published: isoDate(now),
      output: isObj(t.output) ? t.output : {},
    };
    applyStatus(store, t, fields);
    saveTask(store, t);
    return { updated: 1, fields };
  });
}
