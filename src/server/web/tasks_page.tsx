/** @jsxImportSource hono/jsx */
/** `/projects/:id` (one project's tasks) and `/tasks` (every task), newest first. */
import { Layout } from "./layout.tsx";
import { TaskTable } from "./task_table.tsx";
import type { TaskRow } from "./task_row.ts";
import type { ProjectEntry } from "./project_list.ts";

export function TasksPage(
  p: {
    title: string;
    rows: TaskRow[];
    total: number;
    projects?: ReadonlyMap<string, string>;
    subprojects?: ProjectEntry[];
  },
) {
  return (
    <Layout title={p.title} user>
      <p>
        <a href="/projects">Projects</a> /
      </p>
      <h1>{p.title}</h1>
      {p.subprojects && p.subprojects.length > 0 && (
        <p class="subprojects">
          Subprojects: {p.subprojects.map((s) => (
            <>
              <a href={`/projects/${encodeURIComponent(s.id)}`}>{s.name}</a>{" "}
              <span class="muted">({s.allTasks})</span>
              {" "}
            </>
          ))}
        </p>
      )}
      {p.total > p.rows.length && (
        <p class="muted">The newest {p.rows.length} of {p.total} tasks.</p>
      )}
      <TaskTable rows={p.rows} projects={p.projects} />
    </Layout>
  );
}
