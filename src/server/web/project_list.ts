/**
 * The projects with how many tasks each holds, in name order (nested names sort together); a
 * project `a` counts the tasks of `a/b` too, as the real web app's project cards do.
 */
import type { Obj } from "../call_body.ts";
import type { Store } from "../store.ts";

export interface ProjectEntry {
  id: string;
  name: string;
  /** Tasks in this project itself. */
  tasks: number;
  /** Tasks in it and in its subprojects. */
  allTasks: number;
  running: number;
  lastUpdate?: string;
}

export function projectList(store: Store, tasks: readonly Obj[]): ProjectEntry[] {
  const rows = store.stmt("SELECT id, name FROM projects").all() as { id: string; name: string }[];
  const byId = new Map<string, ProjectEntry>();
  for (const r of rows) {
    byId.set(r.id, { id: r.id, name: r.name, tasks: 0, allTasks: 0, running: 0 });
  }
  for (const t of tasks) {
    const p = typeof t.project === "string" ? byId.get(t.project) : undefined;
    if (!p) continue;
    p.tasks++;
    if (t.status === "in_progress") p.running++;
    const u = typeof t.last_update === "string" ? t.last_update : undefined;
    if (u && (!p.lastUpdate || u > p.lastUpdate)) p.lastUpdate = u;
  }
  const list = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map(list.map((p) => [p.name, p]));
  for (const p of list) {
    // every ancestor by name: `a/b/c` counts in `a/b` and in `a`
    for (let cut = p.name.lastIndexOf("/"); cut > 0; cut = p.name.lastIndexOf("/", cut - 1)) {
      const parent = byName.get(p.name.slice(0, cut));
      if (parent) parent.allTasks += p.tasks;
    }
    p.allTasks += p.tasks;
  }
  return list;
}

/** The direct subprojects of a project name (`a` → `a/b`, not `a/b/c`), in name order. */
export function subprojects(
  list: readonly ProjectEntry[],
  name: string,
): ProjectEntry[] {
  const prefix = `${name}/`;
  return list.filter((p) =>
    p.name.startsWith(prefix) && !p.name.slice(prefix.length).includes("/")
  );
}

export function projectName(store: Store, id: string): string | undefined {
  const r = store.stmt("SELECT name FROM projects WHERE id = ?").get(id) as
    | { name: string }
    | undefined;
  return r?.name;
}
