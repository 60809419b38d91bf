/**
 * `tasks.add_or_update_artifacts` and `tasks.delete_artifacts`: change a task's artifact list
 * (see `artifact_list.ts`) on a task in `created` or `in_progress` only, as the real server does.
 */
import type { Obj } from "./call_body.ts";
import { isObj } from "./doc_path.ts";
import { artifactId, mergeArtifacts } from "./artifact_list.ts";
import type { Identity, Store } from "./store.ts";
import { changeTaskFields } from "./tasks_store.ts";

function current(t: Obj): Obj[] {
  return isObj(t.execution) && Array.isArray(t.execution.artifacts)
    ? t.execution.artifacts as Obj[]
    : [];
}

function setArtifacts(t: Obj, list: Obj[]): void {
  if (!isObj(t.execution)) t.execution = {};
  (t.execution as Obj).artifacts = list;
}

/** `tasks.add_or_update_artifacts`: returns `updated` (1). */
export function addOrUpdateArtifacts(
  store: Store,
  ident: Identity,
  id: string,
  artifacts: readonly Obj[],
  now = Date.now(),
): number {
  return changeTaskFields(store, ident, id, { force: true, now }, (t) => {
    setArtifacts(t, mergeArtifacts(current(t), artifacts));
  });
}

/** `tasks.delete_artifacts` by (key, mode): returns `deleted` (1 when the task was written). */
export function deleteArtifacts(
  store: Store,
  ident: Identity,
  id: string,
  keys: readonly Obj[],
  now = Date.now(),
): number {
  const gone = new Set(keys.map(artifactId));
  return changeTaskFields(store, ident, id, { force: true, now }, (t) => {
    setArtifacts(t, current(t).filter((a) => !gone.has(artifactId(a))));
  });
}
