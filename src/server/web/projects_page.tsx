/** @jsxImportSource hono/jsx */
/** `/projects`: every project with its task counts. */
import { Layout } from "./layout.tsx";
import { fmtDate } from "./format.ts";
import type { ProjectEntry } from "./project_list.ts";

export function ProjectsPage(p: { projects: ProjectEntry[]; unassigned: number }) {
  return (
    <Layout title="Projects" user>
      <h1>Projects</h1>
      {p.projects.length
        ? (
          <table class="projects">
            <thead>
              <tr>
                <th>Project</th>
                <th>Tasks</th>
                <th>With subprojects</th>
                <th>Running</th>
                <th>Last update (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {p.projects.map((x) => (
                <tr data-project={x.id}>
                  <td>
                    <a href={`/projects/${encodeURIComponent(x.id)}`}>{x.name}</a>
                  </td>
                  <td class="num">{x.tasks}</td>
                  <td class="num">{x.allTasks}</td>
                  <td class="num">{x.running}</td>
                  <td>{fmtDate(x.lastUpdate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
        : <p class="muted">No projects yet.</p>}
      <p>
        <a href="/tasks">All tasks</a>
        {p.unassigned > 0 && <span class="muted">({p.unassigned} without a project)</span>}
      </p>
    </Layout>
  );
}
