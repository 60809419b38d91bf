/** One task as a row of the tasks tables: what a person scans for (status, queue, worker, time). */
import type { Obj } from "../call_body.ts";
import { dateMs } from "../dates.ts";
import { isObj } from "../doc_path.ts";

export interface TaskRow {
  id: string;
  name: string;
  status: string;
  type: string;
  project?: string;
  /** The queue it was enqueued to, as `{id, name}` (name empty when the queue is gone). */
  queue?: { id: string; name: string };
  worker?: string;
  started?: string;
  /** Run time: to completion, or to `now` while running. */
  durationMs?: number;
  lastIteration: number;
  lastUpdate?: string;
}

const FINISHED = new Set(["completed", "failed", "stopped", "published", "closed"]);

export function taskRow(doc: Obj, queueNames: ReadonlyMap<string, string>, now: number): TaskRow {
  const exec = isObj(doc.execution) ? doc.execution : {};
  const queueId = typeof exec.queue === "string" && exec.queue ? exec.queue : undefined;
  const started = dateMs(doc.started);
  const ended = dateMs(doc.completed) ??
    (FINISHED.has(String(doc.status))
      ? dateMs(doc.status_changed) ?? dateMs(doc.last_update)
      : undefined);
  const running = doc.status === "in_progress";
  const durationMs = started === undefined
    ? undefined
    : ended !== undefined && !running
    ? Math.max(0, ended - started)
    : running
    ? Math.max(0, now - started)
    : undefined;
  return {
    id: String(doc.id),
    name: String(doc.name ?? ""),
    status: String(doc.status ?? ""),
    type: String(doc.type ?? ""),
    project: typeof doc.project === "string" && doc.project ? doc.project : undefined,
    queue: queueId ? { id: queueId, name: queueNames.get(queueId) ?? "" } : undefined,
    worker: typeof doc.last_worker === "string" && doc.last_worker ? doc.last_worker : undefined,
    started: typeof doc.started === "string" ? doc.started : undefined,
    durationMs,
    lastIteration: Number(doc.last_iteration ?? 0),
    lastUpdate: typeof doc.last_update === "string" ? doc.last_update : undefined,
  };
}
