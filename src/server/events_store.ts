/**
 * Task (and model) events (server-api.md §2.34–§2.35) in: every valid event of a batch stored in
 * one transaction — batches that arrive together share it (group commit) — with the task's
 * `last_update`, `last_iteration`, `last_metrics` and `metric_stats` maintained as the real server
 * does; log lines out, by time or by insertion cursor. Scalars and plots are read by
 * `scalars_store.ts`, raw events by `task_events.ts`.
 */
import { setImmediate } from "node:timers";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Obj } from "./call_body.ts";
import { CallError, callError, errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { addSample, LastMetrics, type SeriesAgg } from "./last_metrics.ts";
import type { Store } from "./store.ts";
import { loadModel, saveModel } from "./models_store.ts";
import { loadTask, saveTask } from "./tasks_store.ts";
import type { LogLines } from "./scan_log_lines.ts";

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

/** The fields a scalar event may carry and still be one `scalar_points` row. */
function isPointField(k: string): boolean {
  switch (k) {
    case "type":
    case "task":
    case "timestamp":
    case "iter":
    case "metric":
    case "variant":
    case "value":
    case "worker":
    case "ts":
    case "model_event":
    case "allow_locked":
    case "x_axis_label":
      return true;
  }
  return false;
}

interface Point {
  metric: string;
  variant: string;
  value: number;
  ts: number;
  worker: string;
  xAxisLabel?: string;
}

/** A scalar event as a point of its series, or undefined when a row cannot hold it as sent. */
function scalarPoint(raw: Obj, now: number, defaultWorker: string): Point | undefined {
  if (typeof raw.value !== "number") return undefined;
  for (const k in raw) if (!isPointField(k)) return undefined;
  const t = "ts" in raw ? raw.ts : "timestamp" in raw ? raw.timestamp : now;
  if (typeof t !== "number" || !Number.isInteger(t)) return undefined;
  const worker = "worker" in raw ? raw.worker : defaultWorker;
  if (typeof worker !== "string") return undefined;
  const metric = raw.metric || "";
  const variant = raw.variant || "";
  if (typeof metric !== "string" || typeof variant !== "string") return undefined;
  const xAxisLabel = typeof raw.x_axis_label === "string" ? raw.x_axis_label : undefined;
  return { metric, variant, value: raw.value, ts: t, worker, xAxisLabel };
}

/** `<img src>`-like sources inside a plot, listed as the real server does (`source_urls`). */
const IMG_SOURCE = /['"]source['"]:\s?['"]([a-z][a-z0-9+\-.]*:\/\/.*?)['"]/gi;

/** Rows per INSERT statement: one statement per row costs more than SQLite's own work. */
const CHUNK = 64;

class RowBuffer {
  /** one full statement's values; `n` of them filled */
  readonly rows: (string | number | null)[];
  n = 0;
  readonly #full: string;
  constructor(
    readonly store: Store,
    readonly head: string,
    readonly width: number,
  ) {
    this.rows = new Array(CHUNK * width).fill(null);
    this.#full = this.#sql(CHUNK);
  }
  #sql(rows: number): string {
    const one = `(${Array(this.width).fill("?").join(", ")})`;
    return `${this.head} VALUES ${Array(rows).fill(one).join(", ")}`;
  }
  /** After writing one row's values at `rows[n]`…: count it, and send a full statement. */
  done(): void {
    this.n += this.width;
    if (this.n === this.rows.length) {
      this.store.stmt(this.#full).run(...this.rows);
      this.n = 0;
    }
  }
  push(...values: (string | number | null)[]): void {
    for (let i = 0; i < values.length; i++) this.rows[this.n + i] = values[i]!;
    this.done();
  }
  flush(): void {
    if (!this.n) return;
    this.store.stmt(this.#sql(this.n / this.width)).run(...this.rows.slice(0, this.n));
    this.n = 0;
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

/** The task (or, for a model event, the model) an event belongs to. */
function entityId(raw: Obj): unknown {
  return raw.model_event === true && raw.model !== undefined && raw.model !== null
    ? raw.model
    : raw.task;
}

/** The log events of one task in one batch: stored as one row. */
interface LogChunk {
  raw: Obj[];
  n: number;
  min: number;
  max: number;
}

/**
 * An event as the real server stores it: `model_event` false, `@timestamp` the write time,
 * `ts` renamed `timestamp` (default: the write time), `worker` the caller's when absent, `iter`
 * an integer, `values` renamed `value`, `metric`/`variant` at least `""`.
 */
export function normalizeEvent(
  raw: Obj,
  type: string,
  written: number,
  worker: string,
  modelEvent = false,
): Obj {
  const ev: Obj = {};
  for (const k in raw) {
    if (k !== "allow_locked" && k !== "x_axis_label" && k !== "ts" && k !== "values") {
      ev[k] = raw[k];
    }
  }
  ev.type = type;
  ev.model_event = modelEvent;
  ev["@timestamp"] = new Date(written).toISOString();
  if ("ts" in raw) ev.timestamp = raw.ts;
  if (!("timestamp" in ev)) ev.timestamp = written;
  if (!("worker" in ev)) ev.worker = worker;
  if (ev.iter !== undefined && ev.iter !== null) {
    const iter = toIter(ev.iter);
    if (typeof iter === "number") ev.iter = iter;
  }
  if ("values" in raw) ev.value = raw.values;
  ev.metric = typeof ev.metric === "string" ? ev.metric : ev.metric ? String(ev.metric) : "";
  ev.variant = typeof ev.variant === "string" ? ev.variant : ev.variant ? String(ev.variant) : "";
  return ev;
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
  // allow_locked must agree across one entity's events, and an id is a task's or a model's
  const allowLocked = new Map<string, boolean>();
  const kinds = new Map<string, boolean>();
  for (const raw of events) {
    const id = entityId(raw);
    if (typeof id !== "string" || !id) continue;
    const allow = raw.allow_locked === true;
    const prev = allowLocked.get(id);
    if (prev === undefined) allowLocked.set(id, allow);
    else if (prev !== allow) {
      throw errors.validation(`Inconsistent allow_locked setting in the passed events for ${id}`);
    }
    const model = raw.model_event === true;
    if (kinds.get(id) === !model) {
      throw callError(
        400,
        12,
        "validation error",
        "Inconsistent model_event setting in the passed events",
        { tasks: [id] },
      );
    }
    kinds.set(id, model);
  }
  /** task or model documents by id (undefined: not found, or locked) */
  const tasks = new Map<string, Obj | undefined>();
  const stats = new Map<string, { iter?: number; last: LastMetrics }>();
  const written = now;
  let added = 0;
  store.tx(() => {
    const logs = new Map<string, LogChunk>();
    const points = new RowBuffer(
      store,
      "INSERT OR REPLACE INTO scalar_points(series, iter, value, timestamp, written, worker)",
      6,
    );
    interface Series {
      id: number;
      worker: string | null;
      agg: SeriesAgg;
      lastTs: number;
      last: LastMetrics;
      task: string;
      metric: string;
      variant: string;
    }
    const series = new Map<string, Series>();
    let lastSeries: Series | undefined;
    const seriesOf = (
      task: string,
      p: Point,
      last: LastMetrics,
    ): Series => {
      if (
        lastSeries && lastSeries.task === task && lastSeries.metric === p.metric &&
        lastSeries.variant === p.variant
      ) return lastSeries;
      const key = `${task}\u0000${p.metric}\u0000${p.variant}`;
      let s = series.get(key);
      if (!s) {
        let row = store.stmt(
          "SELECT id, worker FROM scalar_series WHERE task = ? AND metric = ? AND variant = ?",
        ).get(task, p.metric, p.variant) as { id: number; worker: string | null } | undefined;
        if (!row) {
          const r = store.stmt(
            "INSERT INTO scalar_series(task, metric, variant, worker) VALUES (?, ?, ?, ?)",
          ).run(task, p.metric, p.variant, p.worker);
          row = { id: Number(r.lastInsertRowid), worker: p.worker };
        }
        s = {
          id: row.id,
          worker: row.worker,
          agg: last.series(p.metric, p.variant),
          lastTs: -Infinity,
          last,
          task,
          metric: p.metric,
          variant: p.variant,
        };
        series.set(key, s);
      }
      lastSeries = s;
      return s;
    };
    const others = new RowBuffer(
      store,
      "INSERT OR REPLACE INTO metric_events(eid, task, type, metric, variant, iter, timestamp, doc)",
      8,
    );
    for (let raw of events) {
      if (typeof raw.type !== "string") {
        fail("Event must have a 'type' field");
        continue;
      }
      const type = raw.type.includes(" ") ? raw.type.replaceAll(" ", "_") : raw.type;
      if (!EVENT_TYPES.has(type)) {
        fail(`Invalid event type ${type}`);
        continue;
      }
      const isModel = raw.model_event === true;
      if (isModel && type === "log") {
        fail("Task log events are not supported for models");
        continue;
      }
      const task = entityId(raw);
      if (typeof task !== "string" || !task) {
        fail("Event must have a 'task' field");
        continue;
      }
      if (!tasks.has(task)) {
        const doc = isModel ? loadModel(store, task) : loadTask(store, task);
        const locked = doc &&
          (isModel
            ? doc.ready === true
            : doc.status === "published" || doc.status === "publishing");
        tasks.set(task, doc && !(locked && !allowLocked.get(task)) ? doc : undefined);
      }
      if (!tasks.get(task)) {
        fail(`Invalid ${isModel ? "model" : "task"} id ${task}`);
        continue;
      }
      if (isModel && raw.task !== task) {
        raw = { ...raw, task };
        delete raw.model;
      }
      let iter: number | undefined;
      if (raw.iter !== undefined && raw.iter !== null) {
        const it = toIter(raw.iter);
        if (it === null || it === undefined) {
          fail(INVALID_ITER);
          continue;
        }
        iter = it;
      }
      let st = stats.get(task);
      if (!st) stats.set(task, st = { last: new LastMetrics() });
      // the real server starts each task's batch maximum at 0
      if (iter !== undefined) st.iter = Math.max(st.iter ?? 0, iter);
      if (type === "log") {
        // stored as sent; `normalizeEvent` fills the defaults when the chunk is read
        const t0 = "ts" in raw ? raw.ts : "timestamp" in raw ? raw.timestamp : now;
        const ts = typeof t0 === "number" ? Math.trunc(t0) : now;
        let c = logs.get(task);
        if (!c) logs.set(task, c = { raw: [], n: 0, min: ts, max: ts });
        c.raw.push(raw);
        c.n++;
        if (ts < c.min) c.min = ts;
        if (ts > c.max) c.max = ts;
        if (raw.metric) st.last.event(String(raw.metric), type, ts);
        added++;
        continue;
      }
      if (type === "training_stats_scalar" && iter !== undefined) {
        const p = scalarPoint(raw, now, defaultWorker);
        if (p) {
          const s = seriesOf(task, p, st.last);
          const rows = points.rows;
          const at = points.n;
          rows[at] = s.id;
          rows[at + 1] = iter;
          rows[at + 2] = p.value;
          rows[at + 3] = p.ts;
          rows[at + 4] = written;
          rows[at + 5] = p.worker === s.worker ? null : p.worker;
          points.done();
          if (p.ts > s.lastTs) s.lastTs = p.ts;
          addSample(s.agg, p.value, iter, p.ts, p.xAxisLabel);
          added++;
          continue;
        }
      }
      const ev = normalizeEvent(raw, type, now, defaultWorker, isModel);
      const xAxisLabel = typeof raw.x_axis_label === "string" ? raw.x_axis_label : undefined;
      const metric = ev.metric as string;
      const variant = ev.variant as string;
      const ts = typeof ev.timestamp === "number" ? Math.trunc(ev.timestamp) : now;
      st.last.event(metric, type, ts);
      if (type === "plot") preparePlot(ev);
      others.push(eventId(ev), task, type, metric, variant, iter ?? null, ts, JSON.stringify(ev));
      if (type === "training_stats_scalar" && typeof ev.value === "number") {
        st.last.scalar(metric, variant, ev.value, iter ?? 0, ts, xAxisLabel);
      }
      added++;
    }
    for (const [task, c] of logs) {
      insertChunk(store, task, c, written, defaultWorker, JSON.stringify(c.raw));
      stats.get(task)!.last.event("", "log", c.max);
    }
    points.flush();
    for (const s of series.values()) s.last.event(s.metric, "training_stats_scalar", s.lastTs);
    others.flush();
    touch(store, tasks, stats, kinds, now, user);
  });
  if (added === 0) throw errors.eventsNotAdded(errorsInfo);
  const errorCount = Object.values(errorsInfo).reduce((a, b) => a + b, 0);
  return { added, errors: errorCount, errors_info: errorsInfo };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A chunk's JSON array as `log_chunks.events` keeps it: deflated (level 1), log text shrinks
 * about ten times for ~0.1 ms per 1,000 lines, and a batch is a few pages of the WAL and of the
 * checkpoint instead of some forty (writing them, not parsing, was most of the cost of storing a
 * batch, on both runtimes). Rows written before are the JSON text itself; `chunkJson` reads both.
 */
function packChunk(json: string | Uint8Array): Uint8Array {
  return deflateRawSync(typeof json === "string" ? encoder.encode(json) : json, { level: 1 });
}

/** The JSON array's text of a stored chunk (deflated bytes, or text as older rows are). */
function chunkJson(events: string | Uint8Array): string {
  return typeof events === "string" ? events : decoder.decode(inflateRawSync(events));
}

/** One task's log lines of a batch as one `log_chunks` row; `events` a JSON array's text. */
function insertChunk(
  store: Store,
  task: string,
  c: { n: number; min: number; max: number },
  written: number,
  worker: string,
  events: string | Uint8Array,
): void {
  store.stmt(
    `INSERT INTO log_chunks(task, n, min_ts, max_ts, written, worker, events)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(task, c.n, c.min, c.max, written, worker, packChunk(events));
}

/**
 * After a batch: every task (model) that received events gets `last_update`/`last_change` now,
 * its `last_iteration`, `last_metrics` and `metric_stats` (a task also its `active_duration`).
 */
function touch(
  store: Store,
  tasks: Map<string, Obj | undefined>,
  stats: Map<string, { iter?: number; last: LastMetrics }>,
  kinds: Map<string, boolean>,
  now: number,
  user: string | undefined,
): void {
  const d = isoDate(now);
  for (const [id, st] of stats) {
    const t = tasks.get(id)!;
    if (kinds.get(id)) {
      // a model: the real server's model statistics (no metric_stats, no duration)
      t.last_update = d;
      t.last_change = d;
      if (user) t.last_changed_by = user;
      if (st.iter !== undefined && !(Number(t.last_iteration ?? -Infinity) >= st.iter)) {
        t.last_iteration = st.iter;
      }
      st.last.applyTo(t, false);
      saveModel(store, t);
      continue;
    }
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
}

/** Bytes that join a chunk's lines into a JSON array: `[`, `,`, `]`. */
const LIST_OPEN = 0x5b;
const LIST_COMMA = 0x2c;
const LIST_CLOSE = 0x5d;

/** The lines `spans` (pairs of offsets into `bytes`) as the text of one JSON array. */
function jsonArray(bytes: Uint8Array, spans: number[]): Uint8Array {
  let size = 1;
  for (let k = 0; k < spans.length; k += 2) size += spans[k + 1]! - spans[k]! + 1;
  const out = new Uint8Array(size);
  out[0] = LIST_OPEN;
  let at = 1;
  // lines one newline apart (the usual body) are copied as one run, the newlines then replaced
  for (let k = 0; k < spans.length;) {
    let last = k;
    while (last + 2 < spans.length && spans[last + 2] === spans[last + 1]! + 1) last += 2;
    const from = spans[k]!;
    const to = spans[last + 1]!;
    out.set(bytes.subarray(from, to), at);
    for (let j = k + 1; j <= last; j += 2) out[at + spans[j]! - from] = LIST_COMMA;
    at += to - from;
    out[at++] = LIST_COMMA;
    k = last + 2;
  }
  out[size - 1] = LIST_CLOSE;
  return out;
}

/**
 * `events.add_batch` for a body of plain log lines (`scanLogLines`): what `addEvents` does with
 * the same events parsed, but each line stored as sent instead of parsed and serialised again.
 */
export function addLogLines(
  store: Store,
  lines: LogLines,
  defaultWorker: string,
  now = Date.now(),
  user?: string,
): AddResult {
  const errorsInfo: Record<string, number> = {};
  const tasks = new Map<string, Obj | undefined>();
  const stats = new Map<string, { iter?: number; last: LastMetrics }>();
  const chunks = new Map<string, { n: number; min: number; max: number; spans: number[] }>();
  let added = 0;
  store.tx(() => {
    for (let k = 0; k < lines.tasks.length; k++) {
      const task = lines.tasks[k]!;
      let c = chunks.get(task);
      if (!c) {
        if (!tasks.has(task)) {
          const doc = loadTask(store, task);
          const locked = doc && (doc.status === "published" || doc.status === "publishing");
          tasks.set(task, doc && !locked ? doc : undefined);
        }
        if (!tasks.get(task)) {
          const msg = `Invalid task id ${task}`;
          errorsInfo[msg] = (errorsInfo[msg] ?? 0) + 1;
          continue;
        }
        const t0 = lines.stamps[k]!;
        const ts = Number.isNaN(t0) ? now : Math.trunc(t0);
        chunks.set(task, c = { n: 0, min: ts, max: ts, spans: [] });
        stats.set(task, { last: new LastMetrics() });
      }
      const t0 = lines.stamps[k]!;
      const ts = Number.isNaN(t0) ? now : Math.trunc(t0);
      if (ts < c.min) c.min = ts;
      if (ts > c.max) c.max = ts;
      c.n++;
      c.spans.push(lines.spans[2 * k]!, lines.spans[2 * k + 1]!);
      added++;
    }
    for (const [task, c] of chunks) {
      insertChunk(store, task, c, now, defaultWorker, jsonArray(lines.bytes, c.spans));
      stats.get(task)!.last.event("", "log", c.max);
    }
    touch(store, tasks, stats, new Map(), now, user);
  });
  if (added === 0) throw errors.eventsNotAdded(errorsInfo);
  const errorCount = Object.values(errorsInfo).reduce((a, b) => a + b, 0);
  return { added, errors: errorCount, errors_info: errorsInfo };
}

interface Pending {
  events: readonly Obj[] | LogLines;
  worker: string;
  now: number;
  user?: string;
  resolve: (r: AddResult) => void;
  reject: (e: unknown) => void;
}

const queues = new WeakMap<Store, Pending[]>();

/**
 * `addEvents` with group commit: batches that arrive while the previous commit is syncing are
 * written in one transaction (one sync for all of them) on the next turn of the event loop, and
 * each answers once that transaction is on disk. A batch that adds nothing fails alone.
 */
export function addEventsGrouped(
  store: Store,
  events: readonly Obj[] | LogLines,
  worker: string,
  now: number,
  user?: string,
): Promise<AddResult> {
  return new Promise((resolve, reject) => {
    let q = queues.get(store);
    if (!q) {
      queues.set(store, q = []);
      setImmediate(() => flushGroup(store));
    }
    q.push({ events, worker, now, user, resolve, reject });
  });
}

function flushGroup(store: Store): void {
  const items = queues.get(store) ?? [];
  queues.delete(store);
  const results: ({ ok: AddResult } | { err: unknown })[] = [];
  try {
    store.tx(() => {
      for (const it of items) {
        try {
          const e = it.events;
          results.push({
            ok: "bytes" in e
              ? addLogLines(store, e, it.worker, it.now, it.user)
              : addEvents(store, e, it.worker, it.now, it.user),
          });
        } catch (e) {
          // a batch that added nothing wrote nothing: the others still commit
          if (!(e instanceof CallError)) throw e;
          results.push({ err: e });
        }
      }
    });
  } catch (e) {
    for (const it of items) it.reject(e);
    return;
  }
  items.forEach((it, i) => {
    const r = results[i]!;
    if ("ok" in r) it.resolve(r.ok);
    else it.reject(r.err);
  });
}

export interface LogPage extends Obj {
  events: Obj[];
  returned: number;
  total: number;
}

const TOTAL_CAP = 10000;

/** A log event with its place in insertion order (chunk sequence × 2^20 + index in the chunk). */
export interface LogEvent {
  cursor: number;
  timestamp: number;
  event: Obj;
}

const CHUNK_SPAN = 2 ** 20;

interface ChunkRow {
  seq: number;
  written: number;
  worker: string;
  /** deflated JSON (`packChunk`), or JSON text in rows written before */
  events: string | Uint8Array;
}

/**
 * The rows of `sql` (which ends in `LIMIT ? OFFSET ?`), a few at a time: a caller that stops
 * early reads no more, and no statement is left open between pages.
 */
function* chunkPages<T>(store: Store, sql: string, args: (string | number)[]): Generator<T> {
  const page = 64;
  for (let offset = 0;; offset += page) {
    const rows = store.stmt(sql).all(...args, page, offset) as unknown as T[];
    yield* rows;
    if (rows.length < page) return;
  }
}

function unpack(row: ChunkRow): LogEvent[] {
  return unpackEvents(row, JSON.parse(chunkJson(row.events)) as Obj[]);
}

function unpackEvents(row: ChunkRow, raw: Obj[]): LogEvent[] {
  const base = Number(row.seq) * CHUNK_SPAN;
  const written = Number(row.written);
  return raw.map((r, i) => {
    const event = normalizeEvent(r, "log", written, row.worker);
    return {
      cursor: base + i,
      timestamp: typeof event.timestamp === "number" ? event.timestamp : 0,
      event,
    };
  });
}

function logTotal(store: Store, task: string): number {
  const r = store.stmt("SELECT coalesce(sum(n), 0) AS n FROM log_chunks WHERE task = ?").get(
    task,
  ) as { n: number };
  return Math.min(Number(r.n), TOTAL_CAP);
}

/** Newest (`desc`) or oldest first, ties by insertion order in the same direction. */
function byTime(desc: boolean) {
  return desc
    ? (a: LogEvent, b: LogEvent) => b.timestamp - a.timestamp || b.cursor - a.cursor
    : (a: LogEvent, b: LogEvent) => a.timestamp - b.timestamp || a.cursor - b.cursor;
}

/**
 * `events.get_task_log` (≥ 2.9): from the newest (or the oldest) or from `fromTimestamp`; all
 * events that share the last returned timestamp are included, so paging never splits one.
 * Chunks are read in the order of their newest (oldest) event until no unread chunk can hold
 * an event that would make the page.
 */
export function taskLog(
  store: Store,
  task: string,
  q: { batchSize: number; navigateEarlier: boolean; fromTimestamp?: number; order?: string },
): LogPage {
  const desc = q.navigateEarlier;
  const size = Math.max(0, q.batchSize);
  const from = q.fromTimestamp ?? (desc ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER);
  // No chunk spans more than `span` ms, so the ones that reach past `from` start (end) within
  // `span` of it: the index range starts there instead of at the newest (oldest) chunk.
  const span = Number(
    (store.stmt("SELECT max(max_ts - min_ts) AS w FROM log_chunks WHERE task = ?").get(task) as {
      w: number | null;
    }).w ?? 0,
  );
  const chunks = chunkPages<ChunkRow & { min_ts: number; max_ts: number }>(
    store,
    desc
      ? `SELECT seq, min_ts, max_ts, written, worker, events FROM log_chunks
         INDEXED BY log_chunks_task_max WHERE task = ? AND max_ts <= ? AND min_ts < ?
         ORDER BY max_ts DESC, seq DESC LIMIT ? OFFSET ?`
      : `SELECT seq, min_ts, max_ts, written, worker, events FROM log_chunks
         INDEXED BY log_chunks_task_min WHERE task = ? AND min_ts >= ? AND max_ts > ?
         ORDER BY min_ts ASC, seq ASC LIMIT ? OFFSET ?`,
    [
      task,
      q.fromTimestamp === undefined ? from : desc ? from + span : from - span,
      from,
    ],
  );
  const cmp = byTime(desc);
  let picked: LogEvent[] = [];
  // the timestamp of the `size`-th event so far: a chunk wholly beyond it cannot contribute
  let bound: number | undefined;
  let sortedLen = 0;
  for (const row of chunks) {
    if (size === 0) break;
    if (bound !== undefined && (desc ? row.max_ts < bound : row.min_ts > bound)) break;
    for (const e of unpack(row)) {
      if (desc ? e.timestamp < from : e.timestamp > from) picked.push(e);
    }
    if (picked.length >= size && picked.length >= 2 * sortedLen) {
      picked.sort(cmp);
      const edge = picked[size - 1]!.timestamp;
      picked = picked.filter((e, i) => i < size || e.timestamp === edge);
      bound = edge;
      sortedLen = picked.length;
    }
  }
  picked.sort(cmp);
  if (picked.length > size) {
    const edge = size ? picked[size - 1]!.timestamp : undefined;
    picked = picked.filter((e, i) => i < size || e.timestamp === edge);
  }
  let events = picked.map((e) => e.event);
  if ((q.order === "asc" && desc) || (q.order === "desc" && !desc)) events = events.reverse();
  return { events, returned: events.length, total: logTotal(store, task) };
}

/** Every log event of a task, by time (oldest first unless `desc`). */
export function allLogEvents(store: Store, task: string, desc = false): LogEvent[] {
  const rows = store.stmt(
    "SELECT seq, written, worker, events FROM log_chunks WHERE task = ? ORDER BY seq",
  ).all(
    task,
  ) as unknown as ChunkRow[];
  return rows.flatMap(unpack).sort(byTime(desc));
}

/**
 * `events.get_task_log` before 2.9: pages in `scrollOrder` by an offset `scroll_id`; a page is
 * reversed when `order` differs (1.7 scrolls from the `head` or the `tail`, 1.5 in `order`).
 */
export function taskLogLegacy(
  store: Store,
  task: string,
  q: { batchSize: number; order: string; scrollOrder: string; scrollId?: string },
): Obj {
  const offset = q.scrollId && /^\d+$/.test(q.scrollId) ? Number(q.scrollId) : 0;
  const all = allLogEvents(store, task, q.scrollOrder !== "asc");
  const events = all.slice(offset, offset + Math.max(0, q.batchSize)).map((e) => e.event).filter(
    isObj,
  );
  if (q.scrollOrder !== q.order) events.reverse();
  return {
    events,
    returned: events.length,
    total: logTotal(store, task),
    scroll_id: String(offset + events.length),
  };
}

/** The last `limit` log events of a task in insertion order (oldest first), for a console tail. */
export function logTail(store: Store, task: string, limit: number): LogEvent[] {
  const out: LogEvent[] = [];
  if (limit <= 0) return out;
  const sql =
    "SELECT seq, written, worker, events FROM log_chunks WHERE task = ? ORDER BY seq DESC LIMIT ? OFFSET ?";
  for (const row of chunkPages<ChunkRow>(store, sql, [task])) {
    const events = unpack(row);
    out.unshift(...events.slice(Math.max(0, events.length - (limit - out.length))));
    if (out.length >= limit) break;
  }
  return out;
}

/** Up to `limit` log events inserted after `cursor` (a `LogEvent.cursor`), oldest first. */
export function logSince(store: Store, task: string, cursor: number, limit: number): LogEvent[] {
  const out: LogEvent[] = [];
  const fromSeq = Math.floor(Math.max(0, cursor) / CHUNK_SPAN);
  if (limit <= 0) return out;
  const sql =
    "SELECT seq, written, worker, events FROM log_chunks WHERE task = ? AND seq >= ? ORDER BY seq LIMIT ? OFFSET ?";
  for (const row of chunkPages<ChunkRow>(store, sql, [task, fromSeq])) {
    for (const e of unpack(row)) {
      if (e.cursor <= cursor) continue;
      out.push(e);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/**
 * `events.clear_task_log`: delete a task's log lines older than `thresholdSec` (all when absent),
 * only of `include` metrics / not of `exclude` metrics when given. Chunks that keep some lines are
 * rewritten. Returns how many lines were deleted.
 */
export function clearTaskLog(
  store: Store,
  task: string,
  q: { thresholdSec?: number; include?: string[]; exclude?: string[] },
  now = Date.now(),
): number {
  const before = q.thresholdSec ? now - Math.trunc(q.thresholdSec * 1000) : undefined;
  const drops = (e: LogEvent) => {
    const metric = String(e.event.metric ?? "");
    if (before !== undefined && !(e.timestamp < before)) return false;
    if (q.include?.length && !q.include.includes(metric)) return false;
    if (q.exclude?.length && q.exclude.includes(metric)) return false;
    return true;
  };
  return store.tx(() => {
    if (before === undefined && !q.include?.length && !q.exclude?.length) {
      const n = Number(
        (store.stmt("SELECT coalesce(sum(n), 0) AS n FROM log_chunks WHERE task = ?").get(task) as {
          n: number;
        }).n,
      );
      store.stmt("DELETE FROM log_chunks WHERE task = ?").run(task);
      return n;
    }
    const rows = store.stmt(
      "SELECT seq, written, worker, events FROM log_chunks WHERE task = ? ORDER BY seq",
    ).all(task) as unknown as ChunkRow[];
    let deleted = 0;
    for (const row of rows) {
      const raw = JSON.parse(chunkJson(row.events)) as Obj[];
      const read = unpackEvents(row, raw);
      const keep = raw.filter((_, i) => !drops(read[i]!));
      if (keep.length === raw.length) continue;
      deleted += raw.length - keep.length;
      if (!keep.length) {
        store.stmt("DELETE FROM log_chunks WHERE seq = ?").run(row.seq);
        continue;
      }
      const text = JSON.stringify(keep);
      const times = unpack({ ...row, events: text }).map((e) => e.timestamp);
      store.stmt(
        "UPDATE log_chunks SET n = ?, min_ts = ?, max_ts = ?, events = ? WHERE seq = ?",
      ).run(keep.length, Math.min(...times), Math.max(...times), packChunk(text), row.seq);
    }
    return deleted;
  });
}
