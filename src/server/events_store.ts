/** Task events (server-api.md §2.34–§2.35): log lines in, pages of a task's log out. */
import type { Obj } from "./call_body.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import type { Store } from "./store.ts";
import { loadTask, saveTask } from "./tasks_store.ts";

export const EVENT_TYPES = new Set([
  "log",
  "training_stats_scalar",
  "training_stats_vector",
  "training_debug_image",
  "plot",
]);

export interface AddResult extends Obj {
  added: number;
  errors: number;
  errors_info: Record<string, number>;
}

/** Rows per INSERT statement: one statement per row costs more than SQLite's own work. */
const INSERT_CHUNK = 64;

function insertRows(store: Store, flat: (string | number)[]): void {
  const n = flat.length / 4;
  const sql = `INSERT INTO events(task, type, timestamp, doc) VALUES ${
    Array(n).fill("(?, ?, ?, ?)").join(", ")
  }`;
  store.stmt(sql).run(...flat);
}

/** `events.add_batch`: every valid event stored (one transaction), the others counted by error. */
export function addEvents(
  store: Store,
  events: readonly Obj[],
  defaultWorker: string,
  now = Date.now(),
): AddResult {
  const errorsInfo: Record<string, number> = {};
  const fail = (msg: string) => void (errorsInfo[msg] = (errorsInfo[msg] ?? 0) + 1);
  const tasks = new Map<string, Obj | undefined>();
  const touched = new Map<string, number>();
  const writeTime = new Date(now).toISOString();
  let added = 0;
  const rows: (string | number)[] = [];
  store.tx(() => {
    for (const raw of events) {
      if (typeof raw.type !== "string" || !raw.type) {
        fail("Event must have a 'type' field");
        continue;
      }
      const type = raw.type.replaceAll(" ", "_");
      if (!EVENT_TYPES.has(type)) {
        fail(`Invalid event type ${raw.type}`);
        continue;
      }
      if (typeof raw.task !== "string" || !raw.task) {
        fail("Event must have a 'task' field");
        continue;
      }
      const task = raw.task;
      if (!tasks.has(task)) tasks.set(task, loadTask(store, task));
      const t = tasks.get(task);
      const locked = t && (t.status === "published" || t.status === "publishing");
      if (!t || (locked && raw.allow_locked !== true)) {
        fail(`Invalid task id ${task}`);
        continue;
      }
      const ts = typeof raw.timestamp === "number"
        ? raw.timestamp
        : typeof raw.ts === "number"
        ? raw.ts
        : now;
      const ev: Obj = { ...raw, type, task, timestamp: ts };
      delete ev.ts;
      delete ev.allow_locked;
      if (typeof ev.worker !== "string") ev.worker = defaultWorker;
      ev["@timestamp"] = writeTime;
      if (type === "log") {
        ev.metric = "";
        ev.variant = "";
      }
      ev.model_event = false;
      rows.push(task, type, Math.trunc(ts), JSON.stringify(ev));
      if (rows.length === INSERT_CHUNK * 4) insertRows(store, rows.splice(0));
      added++;
      const iter = typeof raw.iter === "number" ? raw.iter : -1;
      touched.set(task, Math.max(touched.get(task) ?? -1, iter));
    }
    if (rows.length) insertRows(store, rows.splice(0));
    const d = isoDate(now);
    for (const [id, iter] of touched) {
      const t = tasks.get(id)!;
      t.last_update = d;
      t.last_change = d;
      if (iter > Number(t.last_iteration ?? 0)) t.last_iteration = iter;
      saveTask(store, t);
    }
  });
  const errorCount = Object.values(errorsInfo).reduce((a, b) => a + b, 0);
  return { added, errors: errorCount, errors_info: errorsInfo };
}

export interface LogPage extends Obj {
  events: Obj[];
  returned: number;
  total: number;
}

const TOTAL_CAP = 10000;

function logTotal(store: Store, task: string): number {
  const r = store.stmt("SELECT count(*) AS n FROM events WHERE task = ? AND type = 'log'").get(
    task,
  ) as { n: number };
  return Math.min(Number(r.n), TOTAL_CAP);
}

/**
 * `events.get_task_log` (≥ 2.9): from the newest (or the oldest) or from `fromTimestamp`; all
 * events that share the last returned timestamp are included, so paging never splits one.
 */
export function taskLog(
  store: Store,
  task: string,
  q: { batchSize: number; navigateEarlier: boolean; fromTimestamp?: number; order?: string },
): LogPage {
  const desc = q.navigateEarlier;
  const cmp = desc ? "<" : ">";
  const dir = desc ? "DESC" : "ASC";
  const from = q.fromTimestamp ?? (desc ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER);
  const rows = store.stmt(
    `SELECT seq, timestamp, doc FROM events WHERE task = ? AND type = 'log' AND timestamp ${cmp} ?
     ORDER BY timestamp ${dir}, seq ${dir} LIMIT ?`,
  ).all(task, from, Math.max(0, q.batchSize)) as { seq: number; timestamp: number; doc: string }[];
  const last = rows[rows.length - 1];
  if (last && rows.length >= q.batchSize) {
    const seen = new Set(rows.map((r) => r.seq));
    const more = store.stmt(
      `SELECT seq, timestamp, doc FROM events WHERE task = ? AND type = 'log' AND timestamp = ?
       ORDER BY seq ${dir}`,
    ).all(task, last.timestamp) as { seq: number; timestamp: number; doc: string }[];
    for (const r of more) if (!seen.has(r.seq)) rows.push(r);
  }
  let events = rows.map((r) => JSON.parse(r.doc) as Obj);
  if ((q.order === "asc" && desc) || (q.order === "desc" && !desc)) events = events.reverse();
  return { events, returned: events.length, total: logTotal(store, task) };
}

/** `events.get_task_log` before 2.9: `order` (default desc) and an offset `scroll_id`. */
export function taskLogLegacy(
  store: Store,
  task: string,
  q: { batchSize: number; order: string; scrollId?: string },
): Obj {
  const offset = q.scrollId && /^\d+$/.test(q.scrollId) ? Number(q.scrollId) : 0;
  const dir = q.order === "asc" ? "ASC" : "DESC";
  const rows = store.stmt(
    `SELECT doc FROM events WHERE task = ? AND type = 'log' ORDER BY timestamp ${dir}, seq ${dir}
     LIMIT ? OFFSET ?`,
  ).all(task, q.batchSize, offset) as { doc: string }[];
  const events = rows.map((r) => JSON.parse(r.doc) as Obj).filter(isObj);
  return {
    events,
    returned: events.length,
    total: logTotal(store, task),
    scroll_id: String(offset + events.length),
  };
}
