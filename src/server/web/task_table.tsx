/** @jsxImportSource hono/jsx */
/** Tasks as a table: name, status, type, queue, worker, started, duration, iteration. */
import { QueueLink, Status } from "./layout.tsx";
import { fmtDate, fmtDuration } from "./format.ts";
import type { TaskRow } from "./task_row.ts";

export function TaskTable(p: { rows: TaskRow[]; projects?: ReadonlyMap<string, string> }) {
  if (!p.rows.length) return <p class="muted">No tasks.</p>;
  return (
    <table class="tasks">
      <thead>
        <tr>
          <th>Task</th>
          {p.projects && <th>Project</th>}
          <th>Status</th>
          <th>Type</th>
          <th>Queue</th>
          <th>Worker</th>
          <th>Started (UTC)</th>
          <th>Duration</th>
          <th>Iteration</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr data-task={r.id}>
            <td>
              <a href={`/tasks/${encodeURIComponent(r.id)}`}>{r.name}</a>
            </td>
            {p.projects && (
              <td>
                {r.project && (
                  <a href={`/projects/${encodeURIComponent(r.project)}`}>
                    {p.projects.get(r.project) ?? r.project}
                  </a>
                )}
              </td>
            )}
            <td>
              <Status status={r.status} />
            </td>
            <td>{r.type}</td>
            <td>
              <QueueLink queue={r.queue} />
            </td>
            <td>{r.worker ?? ""}</td>
            <td>{fmtDate(r.started)}</td>
            <td class="num">{fmtDuration(r.durationMs)}</td>
            <td class="num">{r.lastIteration}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
