/** The projects with how many tasks each holds, in name order (nested names sort together). */
import type { Obj } from "../call_body.ts";
import type { Store } from "../store.ts";

export interface ProjectEntry {
  id: string;
  name: string;
  tasks: number;
  running: number;
  lastUpdate?: string;
}

export function projectList(store: Store, tasks: readonly Obj[]): ProjectEntry[] {
  const rows = store.stmt("SELECT id, name FROM projects").all() as { id: string; name: string }[];
  const byId = new Map<string, ProjectEntry>();
  for (const r of rows) byId.set(r.id, { id: r.id, name: r.name, tasks: 0, running: 0 });
  for (const t of tasks) {
    const p = typeof t.project === "string" ? byId.get(t.project) : undefined;
    if (!p) continue;
    p.tasks++;
    if (t.status === "in_progress") p.running++;
    const u = typeof t.last_update === "string" ? t.last_update : undefined;
    if (u && (!p.lastUpdate || u > p.lastUpdate)) p.lastUpdate = u;
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function projectName(store: Store, id: string): string | undefined {
  const r = store.stmt("SELECT name FROM projects WHERE id = ?").get(id) as
    | { name: string }
    | undefined;
  return r?.name;
}
