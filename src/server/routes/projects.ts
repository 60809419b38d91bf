/**
 * `projects.*` (the real server's `services/projects.py`): nested projects by path name, the
 * `get_all` filters the SDK uses (`name` regex, `parent` at any depth unless `shallow_search`,
 * hidden projects only when asked), `update` of the descriptive fields.
 */
import type { Obj } from "../call_body.ts";
import { errors } from "../call_error.ts";
import { project as projectPaths } from "../doc_path.ts";
import { type Call, endpoint, type Routes } from "../endpoint.ts";
import { matchTags, nameRegex, orderBy } from "../list_filters.ts";
import { multiFieldTest } from "../multi_field.ts";
import { rangeFiltersTest } from "../range_filters.ts";
import { pageOrScroll } from "../page_or_scroll.ts";
import {
  allProjects,
  createProject,
  isHiddenProject,
  loadProject,
  projectView,
  updateProject,
} from "../projects_store.ts";

function tagList(call: Call, name: string): string[] | undefined {
  const tags = call.fields.strList(name);
  if (tags?.some((t) => t.startsWith("__$"))) {
    throw errors.fieldsValue("unsupported tag prefix", { values: tags });
  }
  return tags;
}

function listProjects(call: Call): Obj[] {
  const f = call.fields;
  const ids = f.strList("id", true);
  const patterns = (["name", "basename", "description"] as const)
    .map((k) => [k, nameRegex(f.str(k))] as const)
    .filter((x): x is readonly [typeof x[0], RegExp] => x[1] !== undefined);
  const shallow = f.bool("shallow_search", false);
  // `parent: [null]` (or none with `shallow_search`) means top level
  const parentRaw = call.data.parent;
  const parents = parentRaw === undefined
    ? (shallow ? [null] : undefined)
    : (Array.isArray(parentRaw) ? parentRaw : [parentRaw]) as (string | null)[];
  const tags = f.strList("tags");
  const systemTags = f.strList("system_tags");
  const showHidden = f.bool("search_hidden", false) || ids !== undefined;
  const multi = multiFieldTest(call.data);
  // the real server's one range field of a project query
  const ranges = rangeFiltersTest(call.data, { dates: [], ranges: ["last_update"] });
  const found = allProjects(call.store).filter((p) => {
    if (ids && !ids.includes(String(p.id))) return false;
    if (!multi(p) || !ranges(p)) return false;
    for (const [k, re] of patterns) if (!re.test(String(p[k] ?? ""))) return false;
    if (parents) {
      const path = (p.path as string[] | undefined) ?? [];
      const ok = parents.some((want) =>
        want === null
          ? p.parent === undefined || p.parent === null
          : shallow
          ? p.parent === want
          : path.includes(want)
      );
      if (!ok) return false;
    }
    if (!matchTags((p.tags as string[]) ?? [], tags)) return false;
    if (!matchTags((p.system_tags as string[]) ?? [], systemTags)) return false;
    if (!showHidden && isHiddenProject(p)) return false;
    return true;
  });
  return orderBy(found, f.strList("order_by"));
}

export const projectsRoutes: Routes = {
  "projects.create": endpoint("1.0", (call) => {
    const f = call.fields;
    return {
      id: createProject(call.store, call.identity, {
        name: f.reqStr("name"),
        description: f.str("description"),
        tags: tagList(call, "tags"),
        system_tags: tagList(call, "system_tags"),
        default_output_destination: f.str("default_output_destination"),
      }, call.now),
    };
  }),
  "projects.get_all": endpoint("1.0", (call) => {
    const only = call.fields.strList("only_fields");
    return pageOrScroll(
      call,
      "projects",
      listProjects(call),
      (p) => only?.length ? projectPaths(p, only) : projectView(p),
    );
  }),
  "projects.get_by_id": endpoint("1.0", (call) => {
    const id = call.fields.reqStr("project");
    const p = loadProject(call.store, id);
    if (!p) throw errors.invalidProjectId({ id });
    return { project: projectView(p) };
  }),
  "projects.update": endpoint("1.0", (call) => {
    const f = call.fields;
    const id = f.reqStr("project");
    f.str("name");
    f.str("description");
    tagList(call, "tags");
    tagList(call, "system_tags");
    return updateProject(call.store, id, call.data, call.now);
  }),
};
