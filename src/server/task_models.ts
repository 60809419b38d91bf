/**
 * A task's model lists (`models.input` / `models.output`: `{name, model, updated}` entries, one
 * per name): `tasks.add_or_update_model` and `tasks.delete_models`, on a task in `created` or
 * `in_progress`, as the real server does them.
 */
import type { Obj } from "./call_body.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import type { Identity, Store } from "./store.ts";
import { changeTaskFields } from "./tasks_store.ts";

export const TASK_MODEL_TYPES = ["input", "output"] as const;
export type TaskModelType = typeof TASK_MODEL_TYPES[number];

function listOf(t: Obj, type: TaskModelType): Obj[] {
  if (!isObj(t.models)) t.models = {};
  const models = t.models as Obj;
  if (!Array.isArray(models[type])) models[type] = [];
  return models[type] as Obj[];
}

/**
 * `tasks.add_or_update_model`: the entry of that name is replaced, or a new one appended; the
 * task's `last_iteration` grows to `iteration`, and a running task's `active_duration` is
 * refreshed (the real `update_statistics`). Returns `updated` (1).
 */
export function addOrUpdateTaskModel(
  store: Store,
  ident: Identity,
  id: string,
  item: { name: string; model: string; type: TaskModelType; iteration?: number },
  now = Date.now(),
): number {
  return changeTaskFields(store, ident, id, { force: true, now }, (t) => {
    const list = listOf(t, item.type);
    const entry = { name: item.name, model: item.model, updated: isoDate(now) };
    const i = list.findIndex((x) => x.name === item.name);
    if (i >= 0) list[i] = entry;
    else list.push(entry);
    const last = typeof t.last_iteration === "number" ? t.last_iteration : 0;
    if (item.iteration !== undefined && item.iteration > last) t.last_iteration = item.iteration;
    if (t.status === "in_progress" && typeof t.started === "string") {
      t.active_duration = Math.max(0, (now - Date.parse(t.started)) / 1000);
    }
  });
}

/** `tasks.delete_models` by (name, type): returns `updated` (1). `last_update` stays. */
export function deleteTaskModels(
  store: Store,
  ident: Identity,
  id: string,
  keys: readonly { name: string; type: TaskModelType }[],
  now = Date.now(),
): number {
  return changeTaskFields(store, ident, id, { force: true, keepLastUpdate: true, now }, (t) => {
    for (const type of TASK_MODEL_TYPES) {
      const names = new Set(keys.filter((k) => k.type === type).map((k) => k.name));
      if (!names.size) continue;
      (t.models as Obj)[type] = listOf(t, type).filter((x) => !names.has(String(x.name)));
    }
  });
}
