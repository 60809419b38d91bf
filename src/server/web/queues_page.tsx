/** @jsxImportSource hono/jsx */
/** `/queues`: every queue with its entries in order (the next task first). */
import { Layout, Status } from "./layout.tsx";
import { fmtDate } from "./format.ts";

export interface QueueView {
  id: string;
  name: string;
  entries: { task: string; name: string; status: string; added: number }[];
}

export function QueuesPage(p: { queues: QueueView[] }) {
  return (
    <Layout title="Queues" user>
      <h1>Queues</h1>
      {p.queues.length === 0 && <p class="muted">No queues.</p>}
      {p.queues.map((q) => (
        <section class="queue" id={q.id} data-queue={q.name}>
          <h2>
            {q.name} <span class="muted">{q.entries.length} queued</span>
          </h2>
          {q.entries.length
            ? (
              <table>
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Task</th>
                    <th>Status</th>
                    <th>Added (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {q.entries.map((e, i) => (
                    <tr data-task={e.task}>
                      <td class="num">{i + 1}</td>
                      <td>
                        <a href={`/tasks/${encodeURIComponent(e.task)}`}>{e.name || e.task}</a>
                      </td>
                      <td>
                        <Status status={e.status} />
                      </td>
                      <td>{fmtDate(e.added)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
            : <p class="muted">Empty.</p>}
        </section>
      ))}
    </Layout>
  );
}
