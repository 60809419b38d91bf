/** @jsxImportSource hono/jsx */
/** `/projects/:id` (one project's tasks) and `/tasks` (every task), newest first. */
import { Layout } from "./layout.tsx";
import { TaskTable } from "./task_table.tsx";
import type { TaskRow } from "./task_row.ts";

export function TasksPage(
  p: { title: string; rows: TaskRow[]; total: number; projects?: ReadonlyMap<string, string> },
) {
  return (
    <Layout title={p.title} user>
      <p>
        <a href="/projects">Projects</a> /
      </p>
      <h1>{p.title}</h1>
      {p.total > p.rows.length && (
        <p class="muted">The newest {p.rows.length} of {p.total} tasks.</p>
      )}
      <TaskTable rows={p.rows} projects={p.projects} />
    </Layout>
  );
}
