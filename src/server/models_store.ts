/**
 * Models (the real server's `models` service and `ModelBLL`): a document per model with its
 * weights' `uri`, `ready` once published, `metadata` keyed by item key, and the task that made
 * it. Each state change is one transaction.
 */
import type { Obj } from "./call_body.ts";
import { callError, errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { newId } from "./ids.ts";
import { newDocStamps } from "./doc_stamps.ts";
import type { Identity, Store } from "./store.ts";
import { loadTask, saveTask } from "./tasks_store.ts";

/** The prefix the real server puts before the id of a deleted model where tasks still name it. */
export const DELETED_PREFIX = "__DELETED__";

export const modelErrors = {
  invalidId: (p: Record<string, unknown>, extra?: string) =>
    callError(400, 201, "invalid model id", extra, p),
  isReady: (p: Record<string, unknown>) => callError(400, 203, "model is ready", undefined, p),
  inUse: (extra: string, p: Record<string, unknown>) =>
    callError(400, 205, "model is used by tasks", extra, p),
  creatingTaskExists: (extra: string, p: Record<string, unknown>) =>
    callError(400, 206, "task that created this model exists", extra, p),
};

export function loadModel(store: Store, id: string): Obj | undefined {
  const row = store.stmt("SELECT doc FROM models WHERE id = ?").get(id) as
    | { doc: string }
    | undefined;
  return row ? JSON.parse(row.doc) as Obj : undefined;
}

/** Every model, oldest first. */
export function allModels(store: Store): Obj[] {
  return (store.stmt("SELECT doc FROM models ORDER BY seq").all() as { doc: string }[])
    .map((r) => JSON.parse(r.doc) as Obj);
}

export function saveModel(store: Store, doc: Obj): void {
  store.stmt("UPDATE models SET doc = ? WHERE id = ?").run(JSON.stringify(doc), String(doc.id));
}

/** The model of the caller's company, or the real server's 400/201. */
export function companyModel(store: Store, ident: Identity, id: string): Obj {
  const m = loadModel(store, id);
  if (!m) throw modelErrors.invalidId({ company: ident.company, id });
  return m;
}

/**
 * One change of a model in one transaction: `change` edits the loaded document, then
 * `last_change`/`last_changed_by` (and `last_update` unless `keepLastUpdate`) are set.
 */
function changeModel<T>(
  store: Store,
  ident: Identity,
  id: string,
  o: { now: number; keepLastUpdate?: boolean },
  change: (m: Obj) => T,
): T {
  return store.tx(() => {
    const m = companyModel(store, ident, id);
    const out = change(m);
    const d = isoDate(o.now);
    Object.assign(m, { last_change: d, last_changed_by: ident.user });
    if (!o.keepLastUpdate) m.last_update = d;
    saveModel(store, m);
    return out;
  });
}

/** Fields a client may set on create/edit/update, with their JSON kinds. */
export const MODEL_FIELDS = {
  name: "string",
  uri: "string",
  comment: "string",
  framework: "string",
  project: "string",
  parent: "string",
  task: "string",
  tags: "list",
  system_tags: "list",
  design: "dict",
  labels: "dict",
  ui_cache: "dict",
  ready: "bool",
} as const;

/** Input fields checked as the real server's data model and references do. */
export function checkModelInput(store: Store, input: Obj): Obj {
  const out: Obj = {};
  for (const [k, kind] of Object.entries(MODEL_FIELDS)) {
    const v = input[k];
    if (v === undefined || v === null) continue;
    const ok = kind === "string"
      ? typeof v === "string"
      : kind === "bool"
      ? typeof v === "boolean"
      : kind === "list"
      ? Array.isArray(v) && v.every((x) => typeof x === "string")
      : isObj(v);
    if (!ok) {
      const expected = { string: "basestring", bool: "bool", list: "list", dict: "dict" }[kind];
      throw errors.wrongType(k, expected, v);
    }
    out[k] = kind === "list" ? [...v as string[]].sort() : v;
  }
  if (typeof out.name === "string") {
    out.name = out.name.trim();
    if ((out.name as string).length < 3) {
      throw errors.dataValidation({ name: "String value is too short" });
    }
  }
  if (typeof out.uri === "string") out.uri = out.uri.trim();
  if (isObj(out.labels)) {
    const bad = Object.values(out.labels).filter((v) => !Number.isInteger(v));
    if (bad.length) {
      throw callError(400, 12, "validation error", "labels values must be integers", {
        values: bad,
      });
    }
  }
  for (const tag of [...(out.tags as string[] ?? []), ...(out.system_tags as string[] ?? [])]) {
    if (tag.startsWith("__$")) {
      throw errors.fieldsValue("unsupported tag prefix", { values: [tag] });
    }
  }
  if (typeof out.project === "string" && out.project) {
    const row = store.stmt("SELECT id FROM projects WHERE id = ?").get(out.project);
    if (!row) {
      throw callError(400, 12, "validation error", "Invalid project ids", {
        project: out.project,
      });
    }
  }
  if (typeof out.task === "string" && !out.task.startsWith(DELETED_PREFIX)) {
    if (!loadTask(store, out.task)) {
      throw errors.invalidTaskId({ id: out.task, company: "" });
    }
  }
  return out;
}

/** Metadata items `[{key, type, value}]` as the stored map keyed by `key`. */
export function metadataMap(items: readonly Obj[]): Obj {
  const out: Obj = {};
  for (const item of items) out[String(item.key)] = { ...item };
  return out;
}

/** `models.create`: a new model (`ready` true unless told). Returns its id. */
export function createModel(
  store: Store,
  ident: Identity,
  input: Obj,
  metadata: readonly Obj[] | undefined,
  now = Date.now(),
): string {
  return store.tx(() => {
    const fields = checkModelInput(store, input);
    const d = isoDate(now);
    const id = newId();
    const doc: Obj = {
      id,
      ...newDocStamps(ident, d),
      uri: "",
      last_iteration: 0,
      ...fields,
      ready: fields.ready ?? true,
    };
    if (metadata) doc.metadata = metadataMap(metadata);
    store.stmt("INSERT INTO models(id, doc) VALUES (?, ?)").run(id, JSON.stringify(doc));
    return id;
  });
}

/** Edits of these fields move `last_update` too. */
const LAST_UPDATE_FIELDS = [
  "uri",
  "framework",
  "design",
  "labels",
  "ready",
  "metadata",
  "system_tags",
  "tags",
];

/**
 * `models.edit` / `models.update`: set the given fields (`design`, `labels` and `ui_cache`
 * replace the stored object), plus `last_change`/`last_changed_by`, and `last_update` when one
 * of the content fields changed; the task's `last_iteration` grows to `iteration`. Returns the
 * response data (`{updated: 0}` with nothing to set).
 */
export function editModel(
  store: Store,
  ident: Identity,
  id: string,
  input: Obj,
  iteration: number | undefined,
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const m = companyModel(store, ident, id);
    const fields = checkModelInput(store, input);
    if ("uri" in fields) fields.ui_cache = fields.ui_cache ?? {};
    const taskId = (m.task as string | undefined) ?? (fields.task as string | undefined);
    if (taskId && iteration !== undefined) raiseLastIteration(store, taskId, iteration);
    if (!Object.keys(fields).length) return { updated: 0 };
    const d = isoDate(now);
    fields.last_change = d;
    fields.last_changed_by = ident.user;
    if (LAST_UPDATE_FIELDS.some((k) => k in fields)) fields.last_update = d;
    Object.assign(m, fields);
    saveModel(store, m);
    return { updated: 1, fields };
  });
}

/** A task's `last_iteration` becomes at least `iteration` (the real `update_statistics`). */
export function raiseLastIteration(store: Store, taskId: string, iteration: number): void {
  const t = loadTask(store, taskId);
  if (!t) return;
  if (typeof t.last_iteration !== "number" || t.last_iteration < iteration) {
    t.last_iteration = iteration;
    saveTask(store, t);
  }
}

/**
 * `models.set_ready` (`ModelBLL.publish_model`): a model not yet ready becomes ready, and the
 * task that made it is published first (through `publishTask`) unless it already is.
 */
export function setModelReady(
  store: Store,
  ident: Identity,
  id: string,
  publishTask: ((taskId: string) => Obj) | undefined,
  now = Date.now(),
): Obj {
  return changeModel(store, ident, id, { now }, (m) => {
    if (m.ready === true) throw modelErrors.isReady({ company: ident.company, model: id });
    let published: Obj | undefined;
    if (typeof m.task === "string" && publishTask) {
      const t = loadTask(store, m.task);
      if (t && t.status !== "published") published = { id: m.task, data: publishTask(m.task) };
    }
    m.ready = true;
    return { updated: 1, ...(published ? { published_task: published } : {}) };
  });
}

/** Mark a model ready without touching its task (a task's publication publishes its model). */
export function markModelReady(store: Store, ident: Identity, id: string, now: number): void {
  const m = loadModel(store, id);
  if (!m || m.ready === true) return;
  const d = isoDate(now);
  Object.assign(m, { ready: true, last_update: d, last_change: d, last_changed_by: ident.user });
  saveModel(store, m);
}

function tasksUsingAsInput(store: Store, id: string): Obj[] {
  const like = `%${id}%`;
  return (store.stmt("SELECT doc FROM tasks WHERE doc LIKE ?").all(like) as { doc: string }[])
    .map((r) => JSON.parse(r.doc) as Obj)
    .filter((t) =>
      isObj(t.models) && Array.isArray(t.models.input) &&
      (t.models.input as Obj[]).some((x) => x.model === id)
    );
}

function renameModelRefs(items: unknown, id: string): void {
  if (!Array.isArray(items)) return;
  for (const x of items as Obj[]) if (x.model === id) x.model = `${DELETED_PREFIX}${id}`;
}

/**
 * `models.delete` (`ModelBLL.delete_model`): tasks that use the model as input (only with
 * `force`) and a published task that made it (only with `force`) keep a `__DELETED__` id.
 */
export function deleteModel(
  store: Store,
  ident: Identity,
  id: string,
  force: boolean,
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const m = companyModel(store, ident, id);
    const using = tasksUsingAsInput(store, id);
    if (using.length && !force) {
      throw modelErrors.inUse("as execution model, use force=True to delete", {
        num_tasks: using.length,
      });
    }
    for (const t of using) {
      renameModelRefs((t.models as Obj).input, id);
      saveTask(store, t);
    }
    const d = isoDate(now);
    if (typeof m.task === "string") {
      const t = loadTask(store, m.task);
      if (t?.status === "published") {
        if (!force) {
          throw modelErrors.creatingTaskExists("and published, use force=True to delete", {
            task: m.task,
          });
        }
        if (isObj(t.models)) renameModelRefs(t.models.output, id);
        t.output = { ...(isObj(t.output) ? t.output : {}), error: `model deleted on ${d}` };
        Object.assign(t, { last_change: d, last_changed_by: ident.user });
        saveTask(store, t);
      } else if (t && isObj(t.models) && Array.isArray(t.models.output)) {
        t.models.output = (t.models.output as Obj[]).filter((x) => x.model !== id);
        Object.assign(t, { last_change: d, last_changed_by: ident.user });
        saveTask(store, t);
      }
    }
    store.stmt("DELETE FROM models WHERE id = ?").run(id);
    return { deleted: true, url: m.uri ?? "" };
  });
}

/** `models.add_or_update_metadata`: returns `updated`. */
export function editModelMetadata(
  store: Store,
  ident: Identity,
  id: string,
  items: readonly Obj[],
  replace: boolean,
  now = Date.now(),
): number {
  const given = metadataMap(items);
  return changeModel(store, ident, id, { now }, (m) => {
    m.metadata = replace ? given : { ...(isObj(m.metadata) ? m.metadata : {}), ...given };
    return 1;
  });
}

/** `models.delete_metadata`: returns `updated`. */
export function deleteModelMetadata(
  store: Store,
  ident: Identity,
  id: string,
  keys: readonly string[],
  now = Date.now(),
): number {
  return changeModel(store, ident, id, { now }, (m) => {
    if (isObj(m.metadata)) { for (const k of keys) delete m.metadata[k]; }
    return 1;
  });
}

/**
 * `models.archive_many` / `unarchive_many` of one model: add or remove the `archived` system
 * tag (the real server counts the model as changed either way).
 */
export function setModelArchived(
  store: Store,
  ident: Identity,
  id: string,
  archived: boolean,
  now = Date.now(),
): boolean {
  return changeModel(store, ident, id, { now, keepLastUpdate: true }, (m) => {
    const tags = new Set(m.system_tags as string[] ?? []);
    if (archived) tags.add("archived");
    else tags.delete("archived");
    m.system_tags = [...tags].sort();
    return true;
  });
}

/**
 * `models.update_for_task` (clients before API 2.13): the task (in `created` or `in_progress`)
 * gets `override` as its output model, or its last output model is updated with `input`, or a
 * new model is made from the task (its project, framework, first input model as parent, model
 * description and labels), named after the task unless `input` names it. The task's output
 * list becomes that one model; `last_iteration` grows to `iteration`.
 */
export function modelForTask(
  store: Store,
  ident: Identity,
  taskId: string,
  o: { override?: string; input: Obj; iteration?: number },
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const t = loadTask(store, taskId);
    if (!t) throw errors.invalidTaskId({ id: taskId, company: ident.company });
    if (t.status !== "created" && t.status !== "in_progress") {
      throw errors.invalidTaskStatus(
        { id: taskId, company: ident.company },
        "model can only be updated for tasks in the ['created', 'in_progress'] states",
      );
    }
    const input: Obj = {
      name: t.name,
      comment: `Created by task \`${t.name}\` (${t.id})`,
      ...o.input,
    };
    delete input.override_model_id;
    delete input.iteration;
    const outputs = isObj(t.models) && Array.isArray(t.models.output)
      ? t.models.output as Obj[]
      : [];
    let modelId = o.override;
    if (modelId) {
      companyModel(store, ident, modelId);
    } else if (outputs.length) {
      const last = String(outputs[outputs.length - 1]!.model);
      const res = editModel(store, ident, last, input, o.iteration, now);
      return { ...res, id: last, created: false };
    } else {
      const exec = isObj(t.execution) ? t.execution : {};
      const inputs = isObj(t.models) && Array.isArray(t.models.input)
        ? t.models.input as Obj[]
        : [];
      modelId = createModel(
        store,
        ident,
        {
          project: t.project,
          framework: exec.framework,
          parent: inputs[0]?.model,
          design: exec.model_desc,
          labels: exec.model_labels,
          ...input,
          // ready only for a published task, which cannot get here
          ready: false,
        },
        undefined,
        now,
      );
    }
    const fresh = loadTask(store, taskId)!;
    if (o.iteration !== undefined) {
      const last = typeof fresh.last_iteration === "number" ? fresh.last_iteration : 0;
      if (o.iteration > last) fresh.last_iteration = o.iteration;
    }
    const d = isoDate(now);
    fresh.models = {
      ...(isObj(fresh.models) ? fresh.models : {}),
      output: [{ model: modelId, name: "output", updated: d }],
    };
    Object.assign(fresh, { last_update: d, last_change: d, last_changed_by: ident.user });
    saveTask(store, fresh);
    return { id: modelId, created: true };
  });
}
