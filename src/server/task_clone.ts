/**
 * `tasks.clone` (the real server's `TaskBLL.clone_task`): a new `created` task from another's
 * definition (script, container, execution without output artifacts and queue, parameters,
 * configuration, input models, output destination), with the overrides of the request.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { newId } from "./ids.ts";
import { newDocStamps } from "./doc_stamps.ts";
import { createProject, projectByName, touchProject } from "./projects_store.ts";
import { DELETED_PREFIX } from "./models_store.ts";
import type { Identity, Store } from "./store.ts";
import { loadTask } from "./tasks_store.ts";

export interface CloneInput {
  name?: string;
  comment?: string;
  parent?: string;
  project?: string;
  projectName?: string;
  tags?: string[];
  systemTags?: string[];
  hyperparams?: Obj;
  configuration?: Obj;
  container?: Obj;
  executionOverrides?: Obj;
  inputModels?: Obj[];
}

const DROPPED_SYSTEM_TAGS = ["development", "archived"];

/** Returns the response data: the new id, and the project made for `new_project_name`. */
export function cloneTask(
  store: Store,
  ident: Identity,
  id: string,
  o: CloneInput,
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const src = loadTask(store, id);
    if (!src) throw errors.invalidTaskId({ id });
    const d = isoDate(now);
    const exec: Obj = isObj(src.execution) ? structuredClone(src.execution) : {};
    let container = o.container;
    let inputModels = o.inputModels?.map((m) => ({ model: m.model, name: m.name, updated: d }));
    if (o.executionOverrides) {
      const over = { ...o.executionOverrides };
      if (!inputModels && typeof over.model === "string" && over.model) {
        inputModels = [{ model: over.model, name: "input", updated: d }];
      }
      delete over.model;
      if (!container && typeof over.docker_cmd === "string" && over.docker_cmd) {
        const cmd = over.docker_cmd;
        const i = cmd.indexOf(" ");
        container = i < 0
          ? { image: cmd, arguments: "" }
          : { image: cmd.slice(0, i), arguments: cmd.slice(i + 1) };
      }
      delete over.docker_cmd;
      Object.assign(exec, over);
    }
    if (Array.isArray(exec.artifacts)) {
      exec.artifacts = (exec.artifacts as Obj[]).filter((a) => (a.mode ?? "output") !== "output");
    }
    delete exec.queue;
    let project = o.project;
    let newProject: Obj | undefined;
    if (!project && o.projectName) {
      project = String(
        projectByName(store, o.projectName)?.id ??
          createProject(store, ident, { name: o.projectName }, now),
      );
      newProject = { id: project, name: o.projectName };
    }
    if (project && !store.stmt("SELECT id FROM projects WHERE id = ?").get(project)) {
      throw errors.fieldsValue("expecting Project id", { id: project, field: "project" });
    }
    const srcParent = typeof src.parent === "string" && !src.parent.startsWith(DELETED_PREFIX)
      ? src.parent
      : src.id;
    const tags = o.tags?.length ? o.tags : (src.tags as string[] ?? []);
    const systemTags = o.systemTags?.length
      ? o.systemTags
      : (src.system_tags as string[] ?? []).filter((t) => !DROPPED_SYSTEM_TAGS.includes(t));
    const srcModels = isObj(src.models) ? src.models : {};
    const output = isObj(src.output) && typeof src.output.destination === "string"
      ? { destination: src.output.destination }
      : {};
    const doc: Obj = {
      id: newId(),
      name: o.name || src.name,
      type: src.type,
      status: "created",
      status_reason: "",
      status_message: "",
      ...newDocStamps(ident, d),
      tags: [...tags].sort(),
      system_tags: [...systemTags].sort(),
      last_iteration: 0,
      runtime: {},
      configuration: o.configuration ?? src.configuration ?? {},
      output,
      models: { input: inputModels ?? (srcModels.input as Obj[] ?? []), output: [] },
      script: isObj(src.script) ? structuredClone(src.script) : {},
      execution: exec,
      container: container && Object.keys(container).length ? container : src.container ?? {},
      hyperparams: o.hyperparams ?? src.hyperparams ?? {},
      parent: o.parent || srcParent,
    };
    const comment = o.comment || src.comment;
    if (typeof comment === "string") doc.comment = comment;
    if (project ?? src.project) doc.project = project ?? src.project;
    store.stmt("INSERT INTO tasks(id, doc) VALUES (?, ?)").run(String(doc.id), JSON.stringify(doc));
    if (typeof doc.project === "string") touchProject(store, doc.project, d);
    return { id: doc.id, ...(newProject ? { new_project: newProject } : {}) };
  });
}
