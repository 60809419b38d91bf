/**
 * Task events (server-api.md §2.34–§2.35) in: every valid event of a batch stored in one
 * transaction, with the task's `last_update`, `last_iteration` and `last_metrics` maintained as the
 * real server does; log lines out, by page. Scalars and plots are read by `scalars_store.ts`.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { LastMetrics } from "./last_metrics.ts";
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

/** The real server keeps iterations as 64-bit integers. */
const MAX_LONG = 9223372036854775807;
const INVALID_ITER = `Iteration number should not exceed ${"9223372036854775807"}`;

/** The fields of a scalar event that fit a `scalars` row; any other makes it a document. */
const SCALAR_FIELDS = new Set([
  "type",
  "task",
  "timestamp",
  "iter",
  "metric",
  "variant",
  "value",
  "worker",
  "model_event",
  "@timestamp",
]);

/** `<img src>`-like sources inside a plot, listed as the real server does (`source_urls`). */
const IMG_SOURCE = /['"]source['"]:\s?['"]([a-z][a-z0-9+\-.]*:\/\/.*?)['"]/gi;

/** Rows per INSERT statement: one statement per row costs more than SQLite's own work. */
const CHUNK = 64;

class RowBuffer {
  readonly #rows: (string | number | null)[] = [];
  constructor(
    readonly store: Store,
    readonly head: string,
    readonly width: number,
  ) {}
  push(...values: (string | number | null)[]): void {
    this.#rows.push(...values);
    if (this.#rows.length === CHUNK * this.width) this.flush();
  }
  flush(): void {
    const n = this.#rows.length / this.width;
    if (!n) return;
    const one = `(${Array(this.width).fill("?").join(", ")})`;
    this.store.stmt(`${this.head} VALUES ${Array(n).fill(one).join(", ")}`).run(
      ...this.#rows.splice(0),
    );
  }
}

function toIter(v: unknown): number | undefined | null {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.abs(n) > MAX_LONG) return null;
  return Math.trunc(n);
}

/** The identity under which the real server overwrites a non-log event (`_get_event_id`). */
function eventId(ev: Obj): string {
  const parts: string[] = [];
  for (const f of ["task", "iter", "metric", "variant", "key"]) {
    if (f in ev) parts.push(String(ev[f]));
  }
  return `${ev.type}:${parts.join("-")}`;
}

function fitsScalarRow(ev: Obj): boolean {
  if (typeof ev.value !== "number" || typeof ev.iter !== "number") return false;
  if (typeof ev.timestamp !== "number") return false;
  if (ev.worker !== undefined && typeof ev.worker !== "string") return false;
  for (const k in ev) if (!SCALAR_FIELDS.has(k)) return false;
  return true;
}

function preparePlot(ev: Obj): void {
  const plot = ev.plot_str;
  if (typeof plot !== "string" || !plot) {
    ev.plot_len = 0;
    return;
  }
  ev.plot_len = plot.length;
  const urls = new Set<string>();
  for (const m of plot.matchAll(IMG_SOURCE)) urls.add(m[1]!);
  if (urls.size) ev.source_urls = [...urls];
}

/** `events.add_batch`: every valid event stored (one transaction), the others counted by error. */
export function addEvents(
  store: Store,
  events: readonly Obj[],
  defaultWorker: string,
  now = Date.now(),
  user?: string,
): AddResult {
  const errorsInfo: Record<string, number> = {};
  const fail = (msg: string) => void (errorsInfo[msg] = (errorsInfo[msg] ?? 0) + 1);
  // allow_locked must agree across one task's events (the real server refuses the batch)
  const allowLocked = new Map<string, boolean>();
  for (const raw of events) {
    if (typeof raw.task !== "string" || !raw.task) continue;
    const allow = raw.allow_locked === true;
    const prev = allowLocked.get(raw.task);
    if (prev === undefined) allowLocked.set(raw.task, allow);
    else if (prev !== allow) {
      throw errors.validation(
        `Inconsistent allow_locked setting in the passed events for ${raw.task}`,
      );
    }
  }
  const tasks = new Map<string, Obj | undefined>();
  const stats = new Map<string, { iter?: number; last: LastMetrics }>();
  const written = now;
  const writtenIso = new Date(now).toISOString();
  let added = 0;
  store.tx(() => {
    const logs = new RowBuffer(store, "INSERT INTO events(task, type, timestamp, doc)", 4);
    const scalars = new RowBuffer(
      store,
      "INSERT OR REPLACE INTO scalars(task, metric, variant, iter, value, timestamp, worker, written)",
      8,
    );
    const others = new RowBuffer(
      store,
      "INSERT OR REPLACE INTO metric_events(eid, task, type, metric, variant, iter, timestamp, doc)",
      8,
    );
    for (const raw of events) {
      if (typeof raw.type !== "string") {
        fail("Event must have a 'type' field");
        continue;
      }
      const type = raw.type.replaceAll(" ", "_");
      if (!EVENT_TYPES.has(type)) {
        fail(`Invalid event type ${type}`);
        continue;
      }
      if (raw.model_event === true) {
        // model events need a model registry this server does not keep for events
        const id = typeof raw.model === "string" ? raw.model : raw.task;
        fail(
          type === "log"
            ? "Task log events are not supported for models"
            : `Invalid model id ${id}`,
        );
        continue;
      }
      const task = raw.task;
      if (typeof task !== "string" || !task) {
        fail("Event must have a 'task' field");
        continue;
      }
      if (!tasks.has(task)) tasks.set(task, loadTask(store, task));
      const t = tasks.get(task);
      const locked = t && (t.status === "published" || t.status === "publishing");
      if (!t || (locked && !allowLocked.get(task))) {
        fail(`Invalid task id ${task}`);
        continue;
      }
      const ev: Obj = { ...raw, type, task, model_event: false };
      delete ev.allow_locked;
      const xAxisLabel = typeof ev.x_axis_label === "string" ? ev.x_axis_label : undefined;
      delete ev.x_axis_label;
      ev["@timestamp"] = writtenIso;
      if ("ts" in ev) {
        ev.timestamp = ev.ts;
        delete ev.ts;
      }
      if (!("timestamp" in ev)) ev.timestamp = now;
      if (!("worker" in ev)) ev.worker = defaultWorker;
      const iter = toIter(ev.iter);
      if (iter === null) {
        fail(INVALID_ITER);
        continue;
      }
      if (iter !== undefined) ev.iter = iter;
      if ("values" in ev) {
        ev.value = ev.values;
        delete ev.values;
      }
      const metric = typeof ev.metric === "string" ? ev.metric : ev.metric ? String(ev.metric) : "";
      const variant = typeof ev.variant === "string"
        ? ev.variant
        : ev.variant
        ? String(ev.variant)
        : "";
      ev.metric = metric;
      ev.variant = variant;
      const ts = typeof ev.timestamp === "number" ? Math.trunc(ev.timestamp) : now;

      let st = stats.get(task);
      if (!st) stats.set(task, st = { last: new LastMetrics() });
      // the real server starts each task's batch maximum at 0
      if (iter !== undefined) st.iter = Math.max(st.iter ?? 0, iter);
      st.last.event(metric, type, ts);

      if (type === "log") {
        logs.push(task, type, ts, JSON.stringify(ev));
      } else if (type === "training_stats_scalar" && fitsScalarRow(ev)) {
        const worker = ev.worker === undefined ? null : ev.worker as string;
        scalars.push(task, metric, variant, iter!, ev.value as number, ts, worker, written);
      } else {
        if (type === "plot") preparePlot(ev);
        others.push(eventId(ev), task, type, metric, variant, iter ?? null, ts, JSON.stringify(ev));
      }
      if (type === "training_stats_scalar" && typeof ev.value === "number") {
        st.last.scalar(metric, variant, ev.value, iter ?? 0, ts, xAxisLabel);
      }
      added++;
    }
    logs.flush();
    scalars.flush();
    others.flush();
    const d = isoDate(now);
    for (const [id, st] of stats) {
      const t = tasks.get(id)!;
      t.last_update = d;
      t.last_change = d;
      if (user) t.last_changed_by = user;
      if (t.status === "in_progress" && typeof t.started === "string") {
        t.active_duration = Math.max(0, Math.trunc((now - Date.parse(t.started)) / 1000));
      }
      if (st.iter !== undefined && !(Number(t.last_iteration ?? -Infinity) >= st.iter)) {
        t.last_iteration = st.iter;
      }
      st.last.applyTo(t);
      saveTask(store, t);
    }
  });
  if (added === 0) throw errors.eventsNotAdded(errorsInfo);
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
