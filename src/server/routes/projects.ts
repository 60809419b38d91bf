/**
 * `projects.create|get_all|get_by_id`: the minimum for tasks that name a project (a task's
 * `project` must be a known project id, as on the real server).
 */
import type { Obj } from "../call_body.ts";
import { errors } from "../call_error.ts";
import { isoDate } from "../dates.ts";
import { project } from "../doc_path.ts";
import { endpoint, type Routes } from "../endpoint.ts";
import { newId } from "../ids.ts";
import { nameRegex, page } from "../list_filters.ts";
import type { Store } from "../store.ts";

function allProjects(store: Store): Obj[] {
  return (store.stmt("SELECT doc FROM projects ORDER BY rowid").all() as { doc: string }[])
    .map((r) => JSON.parse(r.doc) as Obj);
}

export const projectsRoutes: Routes = {
  "projects.create": endpoint("1.0", (call) => {
    const f = call.fields;
    const name = f.reqStr("name").trim();
    if (name.length < 3) throw errors.dataValidation({ name: "String value is too short" });
    return call.store.tx(() => {
      if (call.store.stmt("SELECT 1 FROM projects WHERE name = ?").get(name)) {
        throw errors.notUnique({ name, company: call.identity.company });
      }
      const id = newId();
      const d = isoDate(call.now);
      const doc = {
        id,
        name,
        basename: name.split("/").pop(),
        description: f.str("description") ?? "",
        company: call.identity.company,
        user: call.identity.user,
        created: d,
        last_update: d,
        tags: f.strList("tags") ?? [],
        system_tags: f.strList("system_tags") ?? [],
      };
      call.store.stmt("INSERT INTO projects(id, name, doc) VALUES (?, ?, ?)").run(
        id,
        name,
        JSON.stringify(doc),
      );
      return { id };
    });
  }),
  "projects.get_all": endpoint("1.0", (call) => {
    const f = call.fields;
    const ids = f.strList("id", true);
    const re = nameRegex(f.str("name"));
    const only = f.strList("only_fields");
    const found = allProjects(call.store).filter((p) =>
      (!ids || ids.includes(String(p.id))) && (!re || re.test(String(p.name)))
    );
    return { projects: page(found, f).map((p) => only?.length ? project(p, only) : p) };
  }),
  "projects.get_by_id": endpoint("1.0", (call) => {
    const id = call.fields.reqStr("project");
    const p = allProjects(call.store).find((x) => x.id === id);
    if (!p) throw errors.invalidProjectId({ id });
    return { project: p };
  }),
};
