/**
 * `models.*` (the real server's `services/models.py`): what the SDK's `OutputModel`,
 * `InputModel`, `Model.query_models` and task cleanup call, and the legacy task-model calls of
 * clients before API 2.13 (`update_for_task`, `get_by_task_id`; 301 for newer requests).
 */
import type { Obj } from "../call_body.ts";
import { callError, errors } from "../call_error.ts";
import { itemList, itemStr, tooShort } from "../call_items.ts";
import { project as projectPaths } from "../doc_path.ts";
import { type Call, endpoint, type Routes } from "../endpoint.ts";
import { matchTags, nameRegex, orderBy } from "../list_filters.ts";
import { multiFieldTest } from "../multi_field.ts";
import { rangeFiltersTest } from "../range_filters.ts";
import { pageOrScroll } from "../page_or_scroll.ts";
import {
  allModels,
  createModel,
  deleteModel,
  deleteModelMetadata,
  editModel,
  editModelMetadata,
  loadModel,
  modelErrors,
  setModelArchived,
  setModelReady,
} from "../models_store.ts";
import { withSubprojects } from "../projects_store.ts";
import { mustLoadTask, publishTask } from "../tasks_store.ts";
import { compareVersion, parseVersion } from "../version.ts";
import { modelForTask } from "../models_store.ts";

const LIST_FIELDS = ["id", "framework", "uri", "user", "project", "task", "parent"] as const;

function listModels(call: Call): Obj[] {
  const f = call.fields;
  const subprojects = f.bool("include_subprojects", false);
  const lists = LIST_FIELDS.map((k) => {
    const want = f.strList(k, true);
    const list = k === "project" && want && subprojects ? withSubprojects(call.store, want) : want;
    return [k, list] as const;
  });
  const patterns = (["name", "comment"] as const)
    .map((k) => [k, nameRegex(f.str(k))] as const)
    .filter((x): x is readonly [typeof x[0], RegExp] => x[1] !== undefined);
  const ready = call.data.ready;
  const tags = f.strList("tags");
  const systemTags = f.strList("system_tags");
  const multi = multiFieldTest(call.data);
  const ranges = rangeFiltersTest(call.data, {
    dates: ["last_update", "last_change"],
    ranges: ["created", "last_iteration"],
  });
  const found = allModels(call.store).filter((m) => {
    if (!multi(m) || !ranges(m)) return false;
    for (const [k, want] of lists) if (want && !want.includes(String(m[k] ?? ""))) return false;
    for (const [k, re] of patterns) if (!re.test(String(m[k] ?? ""))) return false;
    if (typeof ready === "boolean" && m.ready !== ready) return false;
    if (!matchTags((m.tags as string[]) ?? [], tags)) return false;
    if (!matchTags((m.system_tags as string[]) ?? [], systemTags)) return false;
    return true;
  });
  return orderBy(found, f.strList("order_by"));
}

/** Metadata as the create call may give it: a list of items or a map keyed by item key. */
function metadataItems(data: Obj, required: boolean): Obj[] | undefined {
  const v = data.metadata;
  if (!required && (v === undefined || v === null)) return undefined;
  const list = v !== null && typeof v === "object" && !Array.isArray(v) ? Object.values(v) : v;
  return itemList({ metadata: list }, "metadata", (o) => ({
    key: itemStr(o, "key", true)!,
    type: itemStr(o, "type", true)!,
    value: itemStr(o, "value", true)!,
  }));
}

/** The legacy task-model endpoints end at 2.13: newer requests get the real server's 301/1. */
function legacyOnly(call: Call, instead: string): void {
  if (compareVersion(call.version, parseVersion("2.13")) > 0) {
    throw callError(
      301,
      1,
      "this endpoint is no longer supported for the requested API version",
      instead,
    );
  }
}

function ids(call: Call): string[] {
  const list = call.fields.strList("ids");
  if (!list) throw errors.missingField("ids");
  if (!list.length) throw tooShort("ids");
  return list;
}

/** `run_batch_operation`: per id, the result or the error as `{codes, msg, data}`. */
function batch(list: string[], one: (id: string) => Obj): Obj {
  const succeeded: Obj[] = [];
  const failed: Obj[] = [];
  for (const id of list) {
    try {
      succeeded.push({ id, ...one(id) });
    } catch (e) {
      if (!(e instanceof Error && "subcode" in e)) throw e;
      const err = e as Error & { code: number; subcode: number };
      failed.push({ id, error: { codes: [err.code, err.subcode], msg: err.message, data: {} } });
    }
  }
  return { succeeded, failed };
}

export const modelsRoutes: Routes = {
  "models.create": endpoint("1.0", (call) => {
    const f = call.fields;
    f.reqStr("name");
    f.reqStr("uri");
    f.bool("public", false);
    const id = createModel(
      call.store,
      call.identity,
      call.data,
      metadataItems(call.data, false),
      call.now,
    );
    return { id, created: true };
  }),
  "models.get_by_id": endpoint("1.0", (call) => {
    const id = call.fields.reqStr("model");
    const m = loadModel(call.store, id);
    if (!m) {
      throw modelErrors.invalidId(
        { id, company: call.identity.company },
        "no such public or company model",
      );
    }
    return { model: m };
  }),
  "models.get_all": endpoint("1.0", (call) => {
    const only = call.fields.strList("only_fields");
    return pageOrScroll(
      call,
      "models",
      listModels(call),
      (m) => only?.length ? projectPaths(m, only) : m,
    );
  }),
  "models.edit": endpoint("1.0", (call) => {
    const f = call.fields;
    const id = f.reqStr("model");
    const input = { ...call.data };
    if (input.metadata !== undefined) input.metadata = metadataItems(call.data, false);
    return editModel(call.store, call.identity, id, input, f.int("iteration"), call.now);
  }),
  "models.update": endpoint("1.0", (call) => {
    const f = call.fields;
    const id = f.reqStr("model");
    return editModel(call.store, call.identity, id, call.data, f.int("iteration"), call.now);
  }),
  "models.set_ready": endpoint("1.0", (call) => {
    const f = call.fields;
    const id = f.reqStr("model");
    const force = f.bool("force_publish_task", false);
    const withTask = f.bool("publish_task", true);
    const publish = (task: string) =>
      publishTask(
        call.store,
        call.identity,
        task,
        { reason: "", message: "", force },
        undefined,
        call.now,
      );
    return setModelReady(call.store, call.identity, id, withTask ? publish : undefined, call.now);
  }),
  "models.delete": endpoint("1.0", (call) => {
    const f = call.fields;
    const id = f.reqStr("model");
    f.bool("delete_external_artifacts", true);
    return deleteModel(call.store, call.identity, id, f.bool("force", false), call.now);
  }),
  "models.add_or_update_metadata": endpoint("2.13", (call) => {
    const f = call.fields;
    const id = f.reqStr("model");
    const items = metadataItems(call.data, true)!;
    const replace = f.bool("replace_metadata", false);
    return {
      updated: editModelMetadata(call.store, call.identity, id, items, replace, call.now),
    };
  }),
  "models.delete_metadata": endpoint("2.13", (call) => {
    const f = call.fields;
    const id = f.reqStr("model");
    const keys = f.strList("keys");
    if (!keys) throw errors.missingField("keys");
    if (!keys.length) throw tooShort("keys");
    return { updated: deleteModelMetadata(call.store, call.identity, id, keys, call.now) };
  }),
  "models.update_for_task": endpoint("1.0", (call) => {
    legacyOnly(call, "use tasks.add_or_update_model");
    const f = call.fields;
    const task = f.reqStr("task");
    const uri = f.str("uri");
    const override = f.str("override_model_id");
    if (!(uri || override) || (uri && override)) {
      throw callError(400, 11, "missing required fields", "exactly one field is required", {
        fields: ["uri", "override_model_id"],
      });
    }
    return modelForTask(call.store, call.identity, task, {
      override,
      input: call.data,
      iteration: f.int("iteration"),
    }, call.now);
  }),
  "models.get_by_task_id": endpoint("1.0", (call) => {
    legacyOnly(call, "use models.get_by_id/get_all apis");
    const id = call.fields.reqStr("task");
    const t = mustLoadTask(call.store, call.identity, id);
    const outputs = (t.models as { output?: Obj[] } | undefined)?.output ?? [];
    const last = outputs[outputs.length - 1];
    if (!last) throw errors.missingTaskFields({ field: "models.output" });
    const m = loadModel(call.store, String(last.model));
    if (!m) {
      throw modelErrors.invalidId(
        { id: last.model, company: call.identity.company },
        "no such public or company model",
      );
    }
    return { model: m };
  }),
  "models.archive_many": endpoint("1.0", (call) =>
    batch(ids(call), (id) => ({
      archived: setModelArchived(call.store, call.identity, id, true, call.now),
    }))),
  "models.unarchive_many": endpoint("1.0", (call) =>
    batch(ids(call), (id) => ({
      unarchived: setModelArchived(call.store, call.identity, id, false, call.now),
    }))),
};
