/**
 * Projects as the real server keeps them: the full path in `name` (`a/b/c`), the last part in
 * `basename`, the parent's id in `parent` and every ancestor's id in `path`. Creating `a/b/c`
 * creates the missing ancestors first; each one is a project like any other, so each name must
 * be at least 3 characters long (the real server's `Project.name` rule, checked on every save):
 * there `x/yz` fails because the parent `x` is too short, and so it does here.
 */
import type { Obj } from "./call_body.ts";
import { callError, errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { newId } from "./ids.ts";
import type { Identity, Store } from "./store.ts";

const SEPARATOR = "/";
/** `services.projects.sub_projects.max_depth` of the real server. */
export const MAX_PROJECT_DEPTH = 10;
/** The `featured` index every new project gets. */
const FEATURED_DEFAULT = 9999;

export const projectErrors = {
  invalidName: (name: string) => callError(400, 407, "invalid project name", undefined, { name }),
  cannotMove: (name: string) =>
    callError(
      400,
      408,
      "Cannot update project location. Use projects.move instead",
      undefined,
      { name },
    ),
  tooDeep: () =>
    callError(400, 409, "Project path exceed the maximum allowed depth", undefined, {
      max_depth: MAX_PROJECT_DEPTH,
    }),
  exists: (name: string, company: string) =>
    callError(400, 801, "Project with the same name already exists", undefined, {
      name,
      company,
    }),
};

/** Parts stripped, empty parts dropped: `" a//b "` → name `a/b`, location `a`. */
export function splitProjectName(raw: string): { name: string; location: string } {
  const parts = raw.split(SEPARATOR).filter((p) => p).map((p) => p.trim());
  return {
    name: parts.join(SEPARATOR),
    location: parts.slice(0, -1).join(SEPARATOR),
  };
}

function parse(row: { doc: string } | undefined): Obj | undefined {
  return row ? JSON.parse(row.doc) as Obj : undefined;
}

export function loadProject(store: Store, id: string): Obj | undefined {
  return parse(store.stmt("SELECT doc FROM projects WHERE id = ?").get(id) as { doc: string });
}

export function projectByName(store: Store, name: string): Obj | undefined {
  return parse(
    store.stmt("SELECT doc FROM projects WHERE name = ?").get(name) as { doc: string },
  );
}

/** Every project, in creation order. */
export function allProjects(store: Store): Obj[] {
  return (store.stmt("SELECT doc FROM projects ORDER BY rowid").all() as { doc: string }[])
    .map((r) => JSON.parse(r.doc) as Obj);
}

function saveProject(store: Store, doc: Obj): void {
  store.stmt("UPDATE projects SET name = ?, doc = ? WHERE id = ?").run(
    String(doc.name),
    JSON.stringify(doc),
    String(doc.id),
  );
}

function checkNameLength(name: string): void {
  if (name.length < 3) throw errors.dataValidation({ name: "String value is too short" });
}

export interface ProjectInput {
  name: string;
  description?: string;
  tags?: string[];
  system_tags?: string[];
  default_output_destination?: string;
}

function insertProject(
  store: Store,
  ident: Identity,
  input: ProjectInput,
  parent: Obj | undefined,
  d: string,
): Obj {
  checkNameLength(input.name);
  const doc: Obj = {
    id: newId(),
    user: ident.user,
    company: ident.company,
    name: input.name,
    basename: input.name.split(SEPARATOR).pop(),
    description: input.description ?? "",
    created: d,
    tags: [...(input.tags ?? [])].sort(),
    system_tags: [...(input.system_tags ?? [])].sort(),
    last_update: d,
    featured: FEATURED_DEFAULT,
    path: parent ? [...(parent.path as string[] ?? []), parent.id] : [],
  };
  if (input.default_output_destination !== undefined) {
    doc.default_output_destination = input.default_output_destination.trim();
  }
  if (parent) doc.parent = parent.id;
  store.stmt("INSERT INTO projects(id, name, doc) VALUES (?, ?, ?)").run(
    String(doc.id),
    input.name,
    JSON.stringify(doc),
  );
  if (parent) {
    parent.last_update = d;
    saveProject(store, parent);
  }
  return doc;
}

/** The project of a cleaned name, created with its missing ancestors (`_ensure_project`). */
function ensureProject(store: Store, ident: Identity, name: string, d: string): Obj | undefined {
  if (!name) return undefined;
  const found = projectByName(store, name);
  if (found) return found;
  const { location } = splitProjectName(name);
  const parent = ensureProject(store, ident, location, d);
  return insertProject(store, ident, { name }, parent, d);
}

/** `projects.create`: a new project under its (created when missing) ancestors. Returns its id. */
export function createProject(
  store: Store,
  ident: Identity,
  input: ProjectInput,
  now = Date.now(),
): string {
  const depth = input.name.split(SEPARATOR).filter((p) => p).length;
  if (depth > MAX_PROJECT_DEPTH) throw projectErrors.tooDeep();
  const { name, location } = splitProjectName(input.name);
  if (!name) throw projectErrors.invalidName(input.name);
  return store.tx(() => {
    if (projectByName(store, name)) throw projectErrors.exists(name, ident.company);
    const d = isoDate(now);
    const parent = ensureProject(store, ident, location, d);
    return String(insertProject(store, ident, { ...input, name }, parent, d).id);
  });
}

/** A project's `last_update` (`update_project_time`: a task in it was created or changed status). */
export function touchProject(store: Store, id: string, d: string): void {
  const p = loadProject(store, id);
  if (!p) return;
  p.last_update = d;
  saveProject(store, p);
}

/** Descendants of a project at any depth. */
export function subProjects(store: Store, id: string): Obj[] {
  return allProjects(store).filter((p) => (p.path as string[] ?? []).includes(id));
}

/** `include_subprojects` (2.26): the projects and all their descendants. */
export function withSubprojects(store: Store, ids: readonly string[]): string[] {
  const all = allProjects(store);
  const out = new Set(ids);
  for (const p of all) {
    if ((p.path as string[] ?? []).some((a) => ids.includes(a))) out.add(String(p.id));
  }
  return [...out];
}

/**
 * `projects.update`: description, tags, output destination and the name (only within the same
 * parent; the descendants' names follow). Returns the response data.
 */
export function updateProject(
  store: Store,
  id: string,
  input: Obj,
  now = Date.now(),
): Obj {
  return store.tx(() => {
    const p = loadProject(store, id);
    if (!p) throw errors.invalidProjectId({ id });
    const fields: Obj = {};
    for (const k of ["description", "tags", "system_tags", "default_output_destination"]) {
      if (k in input) fields[k] = input[k];
    }
    for (const k of ["tags", "system_tags"]) {
      if (Array.isArray(fields[k])) fields[k] = [...fields[k] as string[]].sort();
    }
    const oldName = String(p.name);
    let newName: string | undefined;
    if (typeof input.name === "string" && input.name) {
      const next = splitProjectName(input.name);
      if (!next.name) throw projectErrors.invalidName(input.name);
      if (next.location !== splitProjectName(oldName).location) {
        throw projectErrors.cannotMove(next.name);
      }
      checkNameLength(next.name);
      const clash = projectByName(store, next.name);
      if (clash && clash.id !== id) throw projectErrors.exists(next.name, String(p.company));
      newName = next.name;
      fields.name = newName;
      fields.basename = newName.split(SEPARATOR).pop();
    }
    const d = isoDate(now);
    fields.last_update = d;
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) delete p[k];
      else p[k] = v;
    }
    saveProject(store, p);
    if (newName !== undefined && newName !== oldName) {
      for (const child of subProjects(store, id)) {
        child.name = `${newName}${String(child.name).slice(oldName.length)}`;
        child.last_update = d;
        saveProject(store, child);
      }
    }
    return { updated: 1, fields };
  });
}

/** A project as `get_by_id`/`get_all` return it: `path` only when projected. */
export function projectView(p: Obj): Obj {
  const out = { ...p };
  delete out.path;
  return out;
}

export function isHiddenProject(p: Obj): boolean {
  return isObj(p) && Array.isArray(p.system_tags) && p.system_tags.includes("hidden");
}
