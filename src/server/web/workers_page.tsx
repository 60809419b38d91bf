/** @jsxImportSource hono/jsx */
/** `/workers`: the live workers, the queues they listen to and the task each one runs. */
import { Layout } from "./layout.tsx";
import { fmtDate, fmtDuration } from "./format.ts";

export interface WorkerView {
  id: string;
  ip: string;
  queues: string[];
  task?: { id: string; name: string; runningMs?: number };
  lastActivity: string;
}

export function WorkersPage(p: { workers: WorkerView[] }) {
  return (
    <Layout title="Workers" user>
      <h1>Workers</h1>
      {p.workers.length
        ? (
          <table class="workers">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Queues</th>
                <th>Current task</th>
                <th>Running for</th>
                <th>IP</th>
                <th>Last activity (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {p.workers.map((w) => (
                <tr data-worker={w.id}>
                  <td>{w.id}</td>
                  <td>{w.queues.join(", ")}</td>
                  <td>
                    {w.task
                      ? <a href={`/tasks/${encodeURIComponent(w.task.id)}`}>{w.task.name}</a>
                      : <span class="muted">idle</span>}
                  </td>
                  <td class="num">{fmtDuration(w.task?.runningMs)}</td>
                  <td>{w.ip}</td>
                  <td>{fmtDate(w.lastActivity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
        : <p class="muted">No live workers.</p>}
    </Layout>
  );
}
