/**
 * `tasks.delete` (the real server's `delete_task` + `cleanup_task`): a task not in `created`
 * (and not archived) needs `force`; its queue entries and events go, its children name it as
 * `__DELETED__<id>`, its draft output models are deleted (unless another task uses them as
 * input) and its published ones (only with `force`) name the deleted task.
 */
import type { Obj } from "./call_body.ts";
import { callError } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { deleteTaskEvents } from "./event_tables.ts";
import { allModels, DELETED_PREFIX } from "./models_store.ts";
import type { Identity, Store } from "./store.ts";
import { allTasks, mustLoadTask, removeFromQueues, saveTask } from "./tasks_store.ts";

const cannotDelete = (extra: string, p: Record<string, unknown>) =>
  callError(400, 123, "task cannot be deleted", extra, p);

export interface DeleteOptions {
  force: boolean;
  deleteOutputModels: boolean;
  returnFileUrls: boolean;
}

/** Returns the response data (`deleted`, the cleanup counts, `urls`). */
export function deleteTask(
  store: Store,
  ident: Identity,
  id: string,
  o: DeleteOptions,
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const t = mustLoadTask(store, ident, id);
    const archived = (t.system_tags as string[] ?? []).includes("archived");
    if (t.status !== "created" && !archived && !o.force) {
      throw cannotDelete("due to status, use force=True", {
        task: id,
        expected: "created",
        current: t.status,
      });
    }
    const tasks = allTasks(store);
    const d = isoDate(now);
    if (!o.force) {
      const published = tasks.filter((x) => x.parent === id && x.status === "published").length;
      if (published) {
        throw cannotDelete("has children, use force=True", { task: id, children: published });
      }
    }
    const outputIds = new Set(
      (isObj(t.models) && Array.isArray(t.models.output) ? t.models.output as Obj[] : [])
        .map((m) => String(m.model)),
    );
    const models = allModels(store).filter((m) => m.task === id || outputIds.has(String(m.id)));
    const ready = models.filter((m) => m.ready === true);
    if (!o.force && ready.length) {
      throw cannotDelete("has output models, use force=True", { task: id, models: ready.length });
    }
    const inputOf = new Set(
      tasks.filter((x) => x.id !== id).flatMap((x) =>
        isObj(x.models) && Array.isArray(x.models.input)
          ? (x.models.input as Obj[]).map((m) => String(m.model))
          : []
      ),
    );
    let deletedModels = 0;
    let updatedModels = 0;
    const modelUrls: string[] = [];
    const touch = (m: Obj) =>
      store.stmt("UPDATE models SET doc = ? WHERE id = ?").run(JSON.stringify(m), String(m.id));
    for (const m of models) {
      const stamp = { last_change: d, last_changed_by: ident.user };
      if (m.ready === true) {
        Object.assign(m, { task: `${DELETED_PREFIX}${id}`, ...stamp });
        touch(m);
        updatedModels++;
      } else if (!o.deleteOutputModels) {
        continue;
      } else if (inputOf.has(String(m.id))) {
        delete m.task;
        Object.assign(m, stamp);
        touch(m);
      } else {
        if (m.uri) modelUrls.push(String(m.uri));
        store.stmt("DELETE FROM models WHERE id = ?").run(String(m.id));
        deletedModels++;
      }
    }
    let updatedChildren = 0;
    for (const child of tasks.filter((x) => x.parent === id)) {
      Object.assign(child, {
        parent: `${DELETED_PREFIX}${id}`,
        last_change: d,
        last_changed_by: ident.user,
      });
      saveTask(store, child);
      updatedChildren++;
    }
    removeFromQueues(store, id);
    deleteTaskEvents(store, id);
    store.stmt("DELETE FROM tasks WHERE id = ?").run(id);
    const artifactUrls = (isObj(t.execution) && Array.isArray(t.execution.artifacts)
      ? t.execution.artifacts as Obj[]
      : []).filter((a) =>
        (a.mode ?? "output") === "output" && a.uri
      ).map((a) => String(a.uri));
    return {
      deleted: true,
      updated_children: updatedChildren,
      updated_models: updatedModels,
      deleted_models: deletedModels,
      urls: o.returnFileUrls
        ? { model_urls: modelUrls, artifact_urls: artifactUrls, event_urls: [] }
        : null,
    };
  });
}
