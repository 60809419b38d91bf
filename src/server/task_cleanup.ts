/**
 * What deleting or resetting a task does to what it made (the real server's `cleanup_task`),
 * and `tasks.delete` (`delete_task`): a task not in `created` (and not archived) needs `force`;
 * its queue entries, events and document go.
 */
import type { Obj } from "./call_body.ts";
import { callError } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { deleteTaskEvents } from "./event_tables.ts";
import { allModels, DELETED_PREFIX } from "./models_store.ts";
import type { Identity, Store } from "./store.ts";
import { touchProject } from "./projects_store.ts";
import { allTasks, mustLoadTask, removeFromQueues, saveTask } from "./tasks_store.ts";

const cannotDelete = (extra: string, p: Record<string, unknown>) =>
  callError(400, 123, "task cannot be deleted", extra, p);

export interface CleanupOptions {
  force: boolean;
  /** Children name the task as `__DELETED__<id>` and so do its published models (delete). */
  updateChildren: boolean;
  deleteOutputModels: boolean;
  returnFileUrls: boolean;
}

/**
 * The real server's `cleanup_task`: without `force`, published children or published output
 * models stop it (400/123); draft output models are deleted unless another task uses them as
 * input (then they only lose their task); published ones name the deleted task (or lose it when
 * children are not updated). Returns the counts and, when asked, the file URLs.
 */
export function cleanupTask(
  store: Store,
  ident: Identity,
  t: Obj,
  o: CleanupOptions,
  now: number,
): Obj {
  const id = String(t.id);
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
  const save = (m: Obj) => {
    Object.assign(m, { last_change: d, last_changed_by: ident.user });
    store.stmt("UPDATE models SET doc = ? WHERE id = ?").run(JSON.stringify(m), String(m.id));
  };
  for (const m of models) {
    if (m.ready === true) {
      if (o.updateChildren) {
        m.task = `${DELETED_PREFIX}${id}`;
        updatedModels++;
      } else {
        delete m.task;
      }
      save(m);
    } else if (!o.deleteOutputModels) {
      continue;
    } else if (inputOf.has(String(m.id))) {
      delete m.task;
      save(m);
    } else {
      if (m.uri) modelUrls.push(String(m.uri));
      store.stmt("DELETE FROM models WHERE id = ?").run(String(m.id));
      deletedModels++;
    }
  }
  let updatedChildren = 0;
  if (o.updateChildren) {
    for (const child of tasks.filter((x) => x.parent === id)) {
      Object.assign(child, {
        parent: `${DELETED_PREFIX}${id}`,
        last_change: d,
        last_changed_by: ident.user,
      });
      saveTask(store, child);
      updatedChildren++;
    }
  }
  const artifactUrls =
    (isObj(t.execution) && Array.isArray(t.execution.artifacts)
      ? t.execution.artifacts as Obj[]
      : []).filter((a) => (a.mode ?? "output") === "output" && a.uri).map((a) => String(a.uri));
  return {
    updated_children: updatedChildren,
    updated_models: updatedModels,
    deleted_models: deletedModels,
    urls: o.returnFileUrls
      ? { model_urls: modelUrls, artifact_urls: artifactUrls, event_urls: [] }
      : null,
  };
}

/** `tasks.delete`: returns `deleted` and the cleanup's counts and URLs. */
export function deleteTask(
  store: Store,
  ident: Identity,
  id: string,
  o: Omit<CleanupOptions, "updateChildren">,
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
    const cleaned = cleanupTask(store, ident, t, { ...o, updateChildren: true }, now);
    removeFromQueues(store, id);
    deleteTaskEvents(store, id);
    store.stmt("DELETE FROM tasks WHERE id = ?").run(id);
    if (typeof t.project === "string") touchProject(store, t.project, isoDate(now));
    return { deleted: true, ...cleaned };
  });
}
