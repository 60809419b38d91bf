/**
 * Raw events of a task as the real server returns them to clients that page through them:
 * `events.get_task_events` (by iteration, with a scroll id) and `events.debug_images` (the last
 * iterations of images per task, earlier ones on each call with the scroll id).
 */
import type { Obj } from "./call_body.ts";
import { callError } from "./call_error.ts";
import { allLogEvents } from "./events_store.ts";
import type { Store } from "./store.ts";

export type EventType =
  | "log"
  | "training_stats_scalar"
  | "training_stats_vector"
  | "training_debug_image"
  | "plot"
  | "*";

export const EVENT_TYPE_CHOICES: readonly EventType[] = [
  "log",
  "training_stats_scalar",
  "training_stats_vector",
  "training_debug_image",
  "plot",
  "*",
];

/** metric → variants (undefined: every variant) */
export type MetricFilter = Map<string, Set<string> | undefined>;

function wanted(filter: MetricFilter | undefined, metric: unknown, variant: unknown): boolean {
  if (!filter?.size) return true;
  const m = String(metric ?? "");
  if (!filter.has(m)) return false;
  const vs = filter.get(m);
  return !vs || vs.has(String(variant ?? ""));
}

/** The scalar points of a task as the event documents the real server keeps for them. */
function scalarDocs(store: Store, task: string): Obj[] {
  const rows = store.stmt(
    `SELECT s.metric, s.variant, coalesce(p.worker, s.worker) AS worker, p.iter, p.value,
       p.timestamp, p.written
     FROM scalar_series s JOIN scalar_points p ON p.series = s.id WHERE s.task = ?`,
  ).all(task) as {
    metric: string;
    variant: string;
    worker: string | null;
    iter: number;
    value: number;
    timestamp: number;
    written: number;
  }[];
  return rows.map((r) => ({
    timestamp: r.timestamp,
    type: "training_stats_scalar",
    task,
    iter: r.iter,
    metric: r.metric,
    variant: r.variant,
    value: r.value,
    worker: r.worker,
    "@timestamp": new Date(r.written).toISOString(),
    model_event: false,
  }));
}

function documents(store: Store, task: string, type?: string): Obj[] {
  const rows =
    (type
      ? store.stmt("SELECT doc FROM metric_events WHERE task = ? AND type = ?").all(task, type)
      : store.stmt("SELECT doc FROM metric_events WHERE task = ?").all(task)) as { doc: string }[];
  return rows.map((r) => JSON.parse(r.doc) as Obj);
}

/** Every stored event of a task of one type (or all), unordered. */
export function eventsOfType(store: Store, task: string, type: EventType): Obj[] {
  const out: Obj[] = [];
  if (type === "log" || type === "*") out.push(...allLogEvents(store, task).map((e) => e.event));
  if (type === "training_stats_scalar" || type === "*") out.push(...scalarDocs(store, task));
  if (type !== "log") out.push(...documents(store, task, type === "*" ? undefined : type));
  return out;
}

interface Scroll {
  /** the iteration of the last event returned; null once the events ran out */
  from: number | null;
  total: number | null;
  type: EventType;
  order: "asc" | "desc";
  batch: number;
  metrics?: [string, string[] | null][];
}

function encodeScroll(s: Scroll): string {
  return Buffer.from(JSON.stringify(s)).toString("base64url");
}

function decodeScroll(id: string): Scroll {
  try {
    const s = JSON.parse(Buffer.from(id, "base64url").toString("utf8")) as Scroll;
    if (typeof s !== "object" || s === null || typeof s.batch !== "number") throw new Error();
    return s;
  } catch {
    throw callError(400, 1104, "Invalid scroll id", undefined, { scroll_id: id });
  }
}

const MAX_RAW_BATCH = 10_000;

/** Events without an iteration sort after all others, as missing values do in the real index. */
function iterOf(e: Obj): number {
  return typeof e.iter === "number" ? e.iter : Number.POSITIVE_INFINITY;
}

/**
 * `events.get_task_events`: events by iteration (`order` asc by default), `batch_size` at a time
 * (at most 10,000) plus every other event of the last iteration returned, so that the next page
 * (by `scroll_id`) starts strictly after it.
 */
export function taskEvents(
  store: Store,
  task: string,
  q: {
    type: EventType;
    order: "asc" | "desc";
    batchSize: number;
    metrics?: MetricFilter;
    countTotal: boolean;
    scrollId?: string;
  },
): Obj {
  let s: Scroll;
  if (q.scrollId) {
    s = decodeScroll(q.scrollId);
    if (s.from === null) {
      return { returned: 0, total: s.total, scroll_id: q.scrollId, events: [] };
    }
    if (q.batchSize) s.batch = q.batchSize;
  } else {
    s = {
      from: null,
      total: null,
      type: q.type,
      order: q.order,
      batch: q.batchSize,
      metrics: q.metrics &&
        [...q.metrics].map(([m, vs]) => [m, vs ? [...vs] : null] as [string, string[] | null]),
    };
  }
  const filter: MetricFilter | undefined = s.metrics &&
    new Map(s.metrics.map(([m, vs]) => [m, vs ? new Set(vs) : undefined]));
  const desc = s.order === "desc";
  if (s.type === "training_stats_scalar" && !hasDocumentScalars(store, task)) {
    return scalarPage(store, task, s, filter, q.scrollId ? s.total : undefined, q.countTotal);
  }
  let all = eventsOfType(store, task, s.type).filter((e) => wanted(filter, e.metric, e.variant));
  const total = q.scrollId ? s.total : q.countTotal ? all.length : null;
  if (q.scrollId && s.from !== null) {
    const from = s.from;
    all = all.filter((e) => desc ? iterOf(e) < from : iterOf(e) > from);
  }
  all.sort((a, b) => desc ? iterOf(b) - iterOf(a) : iterOf(a) - iterOf(b));
  const size = Math.min(Math.max(0, s.batch), MAX_RAW_BATCH);
  const events = all.slice(0, size);
  const last = events.at(-1);
  if (last) {
    const edge = iterOf(last);
    for (let i = size; i < all.length && iterOf(all[i]!) === edge; i++) events.push(all[i]!);
  }
  const lastIter = last ? iterOf(last) : undefined;
  const next: Scroll = {
    ...s,
    total,
    from: lastIter === undefined || !Number.isFinite(lastIter) ? null : lastIter,
  };
  return { returned: events.length, total, scroll_id: encodeScroll(next), events };
}

function hasDocumentScalars(store: Store, task: string): boolean {
  return !!store.stmt(
    "SELECT 1 FROM metric_events WHERE task = ? AND type = 'training_stats_scalar' LIMIT 1",
  ).get(task);
}

interface PointRow {
  iter: number;
  value: number;
  timestamp: number;
  written: number;
  worker: string | null;
}

/**
 * One page of `get_task_events` over scalar points without building every event: each series
 * gives its next `batch` iterations (its points are one index range), the page ends at the
 * `batch`-th of them all, then the points up to that iteration are read in full.
 */
function scalarPage(
  store: Store,
  task: string,
  s: Scroll,
  filter: MetricFilter | undefined,
  knownTotal: number | null | undefined,
  countTotal: boolean,
): Obj {
  const desc = s.order === "desc";
  const series = (store.stmt(
    `SELECT id, metric, variant, worker FROM scalar_series WHERE task = ?
     ORDER BY metric, variant`,
  ).all(task) as { id: number; metric: string; variant: string; worker: string | null }[])
    .filter((r) => wanted(filter, r.metric, r.variant));
  let total = knownTotal ?? null;
  if (knownTotal === undefined && countTotal) {
    total = 0;
    for (const r of series) {
      total += Number(
        (store.stmt("SELECT count(*) AS n FROM scalar_points WHERE series = ?").get(r.id) as {
          n: number;
        }).n,
      );
    }
  }
  const size = Math.min(Math.max(0, s.batch), MAX_RAW_BATCH);
  const from = s.from ?? (desc ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER);
  const cmp = desc ? "<" : ">";
  const dir = desc ? "DESC" : "ASC";
  const iters: number[] = [];
  for (const r of series) {
    const rows = store.stmt(
      `SELECT iter FROM scalar_points WHERE series = ? AND iter ${cmp} ? ORDER BY iter ${dir}
       LIMIT ?`,
    ).all(r.id, from, size) as { iter: number }[];
    for (const x of rows) iters.push(Number(x.iter));
  }
  iters.sort((a, b) => desc ? b - a : a - b);
  const events: Obj[] = [];
  let edge: number | undefined;
  if (iters.length && size) {
    edge = iters[Math.min(size, iters.length) - 1]!;
    const page: [number, number, Obj][] = [];
    series.forEach((r, k) => {
      const rows = store.stmt(
        `SELECT iter, value, timestamp, written, worker FROM scalar_points
         WHERE series = ? AND iter ${cmp} ? AND iter ${desc ? ">=" : "<="} ?`,
      ).all(r.id, from, edge!) as unknown as PointRow[];
      for (const p of rows) {
        page.push([p.iter, k, {
          timestamp: p.timestamp,
          type: "training_stats_scalar",
          task,
          iter: p.iter,
          metric: r.metric,
          variant: r.variant,
          value: p.value,
          worker: p.worker ?? r.worker,
          "@timestamp": new Date(p.written).toISOString(),
          model_event: false,
        }]);
      }
    });
    page.sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]) || a[1] - b[1]);
    for (const [, , e] of page) events.push(e);
  }
  const next: Scroll = { ...s, total, from: edge ?? null };
  return { returned: events.length, total, scroll_id: encodeScroll(next), events };
}

interface ImagesScroll {
  /** task → the lowest iteration returned so far */
  below: Record<string, number>;
}

/**
 * `events.debug_images` (≥ 2.7): per requested task, the `iters` latest iterations (below the
 * ones already returned under `scroll_id`) of its image events of the requested metrics, each
 * with its events; an empty `iterations` list once there are no more.
 */
export function debugImages(
  store: Store,
  requests: { task: string; metric?: string; variants?: string[] }[],
  iters: number,
  scrollId?: string,
): Obj {
  let state: ImagesScroll = { below: {} };
  if (scrollId) {
    try {
      state = JSON.parse(Buffer.from(scrollId, "base64url").toString("utf8")) as ImagesScroll;
      if (typeof state.below !== "object" || state.below === null) throw new Error();
    } catch {
      throw callError(400, 1104, "Invalid scroll id", undefined, { scroll_id: scrollId });
    }
  }
  const byTask = new Map<string, MetricFilter>();
  for (const r of requests) {
    let f = byTask.get(r.task);
    if (!f) byTask.set(r.task, f = new Map());
    if (r.metric !== undefined && r.metric !== null) {
      f.set(r.metric, r.variants?.length ? new Set(r.variants) : undefined);
    }
  }
  const metrics: Obj[] = [];
  for (const [task, filter] of byTask) {
    const below = state.below[task] ?? Number.POSITIVE_INFINITY;
    const groups = new Map<number, Obj[]>();
    for (const e of documents(store, task, "training_debug_image")) {
      if (!wanted(filter, e.metric, e.variant)) continue;
      const it = typeof e.iter === "number" ? e.iter : 0;
      if (it >= below) continue;
      let g = groups.get(it);
      if (!g) groups.set(it, g = []);
      g.push(e);
    }
    const chosen = [...groups.keys()].sort((a, b) => b - a).slice(0, Math.max(1, iters));
    const iterations = chosen.map((it) => ({
      iter: it,
      events: groups.get(it)!.sort((a, b) =>
        String(a.metric).localeCompare(String(b.metric)) ||
        String(a.variant).localeCompare(String(b.variant))
      ),
    }));
    if (chosen.length) state.below[task] = chosen.at(-1)!;
    metrics.push({ task, iterations });
  }
  return { metrics, scroll_id: Buffer.from(JSON.stringify(state)).toString("base64url") };
}

/** metric → its variants, sorted, over the events of one type of a task. */
export function metricsAndVariants(store: Store, task: string, type: EventType): Obj {
  const out = new Map<string, Set<string>>();
  if (type === "training_stats_scalar" || type === "*") {
    const rows = store.stmt("SELECT metric, variant FROM scalar_series WHERE task = ?").all(
      task,
    ) as { metric: string; variant: string }[];
    for (const r of rows) {
      if (!out.has(r.metric)) out.set(r.metric, new Set());
      out.get(r.metric)!.add(r.variant);
    }
  }
  const rows =
    (type === "*"
      ? store.stmt("SELECT DISTINCT metric, variant FROM metric_events WHERE task = ?").all(task)
      : store.stmt(
        "SELECT DISTINCT metric, variant FROM metric_events WHERE task = ? AND type = ?",
      ).all(task, type)) as { metric: string; variant: string }[];
  for (const r of rows) {
    if (!out.has(r.metric)) out.set(r.metric, new Set());
    out.get(r.metric)!.add(r.variant);
  }
  const sorted: Obj = {};
  for (const m of [...out.keys()].sort()) sorted[m] = [...out.get(m)!].sort();
  return sorted;
}

/** How many events a task has (all kinds), for `events.delete_for_task`. */
export function countTaskEvents(store: Store, task: string): number {
  const n = (sql: string) => Number((store.stmt(sql).get(task) as { n: number | null }).n ?? 0);
  return n("SELECT sum(n) AS n FROM log_chunks WHERE task = ?") +
    n(`SELECT count(*) AS n FROM scalar_points WHERE series IN
       (SELECT id FROM scalar_series WHERE task = ?)`) +
    n("SELECT count(*) AS n FROM metric_events WHERE task = ?");
}

/** An offset into a fixed ordering, as an opaque scroll id. */
export function offsetScroll(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

export function readOffsetScroll(id: string | undefined): number {
  if (!id) return 0;
  try {
    const v = JSON.parse(Buffer.from(id, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof v.offset === "number" && v.offset >= 0) return v.offset;
  } catch {
    // fall through
  }
  throw callError(400, 1104, "Invalid scroll id", undefined, { scroll_id: id });
}

/** `events.get_scalar_metric_data`: one metric's scalar events, latest iteration first. */
export function scalarMetricData(
  store: Store,
  task: string,
  metric: string,
  q: { scrollId?: string; noScroll: boolean },
): Obj {
  const all = eventsOfType(store, task, "training_stats_scalar")
    .filter((e) => e.metric === metric)
    .sort((a, b) => iterOf(b) - iterOf(a));
  const offset = readOffsetScroll(q.scrollId);
  const events = all.slice(offset, offset + 500);
  return {
    events,
    returned: events.length,
    total: all.length,
    scroll_id: q.noScroll ? null : offsetScroll(offset + events.length),
  };
}

/**
 * `events.scalar_metrics_iter_raw`: every point of one metric (optionally some variants), by the
 * x key, `batch_size` (default 10,000) at a time: `{variants: {v: {y, <key>}}}`.
 */
export function scalarsRaw(
  store: Store,
  task: string,
  q: {
    metric: string;
    variants?: Set<string>;
    key: "iter" | "timestamp" | "iso_time";
    batchSize?: number;
    countTotal: boolean;
    scrollId?: string;
  },
): Obj {
  const field = q.key === "iter" ? "iter" : "timestamp";
  let from: number | null = null;
  let total: number | null = null;
  let batch = q.batchSize ?? 0;
  if (q.scrollId) {
    let st: { from: number | null; total: number | null; batch: number };
    try {
      st = JSON.parse(Buffer.from(q.scrollId, "base64url").toString("utf8"));
      if (typeof st !== "object" || st === null || typeof st.batch !== "number") throw new Error();
    } catch {
      throw callError(400, 1104, "Invalid scroll id", undefined, { scroll_id: q.scrollId });
    }
    if (st.from === null) {
      return { returned: 0, total: st.total, scroll_id: q.scrollId, variants: {} };
    }
    from = st.from;
    total = st.total;
    batch = batch || st.batch;
  }
  batch = Math.min(batch || 10_000, 200_000);
  let all = eventsOfType(store, task, "training_stats_scalar").filter((e) =>
    e.metric === q.metric && (!q.variants?.size || q.variants.has(String(e.variant)))
  );
  if (q.countTotal && total === null) total = all.length;
  const x = (e: Obj) => Number(e[field] ?? 0);
  if (from !== null) all = all.filter((e) => x(e) > from!);
  all.sort((a, b) => x(a) - x(b));
  const events = all.slice(0, batch);
  const lastX = events.length ? x(events.at(-1)!) : undefined;
  for (let i = batch; lastX !== undefined && i < all.length && x(all[i]!) === lastX; i++) {
    events.push(all[i]!);
  }
  const variants: Obj = {};
  for (const e of events) {
    const v = (variants[String(e.variant)] ??= { y: [], [q.key]: [] }) as Record<string, unknown[]>;
    v.y!.push(e.value);
    v[q.key]!.push(q.key === "iso_time" ? new Date(x(e)).toISOString() : e[field]);
  }
  const next = { from: lastX ?? null, total, batch };
  return {
    returned: events.length,
    total,
    scroll_id: Buffer.from(JSON.stringify(next)).toString("base64url"),
    variants,
  };
}

/** `events.vector_metrics_iter_histogram`: one series' vectors by iteration. */
export function vectorsByIter(store: Store, task: string, metric: string, variant: string): Obj {
  const rows = store.stmt(
    `SELECT doc FROM metric_events WHERE task = ? AND type = 'training_stats_vector'
     AND metric = ? AND variant = ? ORDER BY iter LIMIT 10000`,
  ).all(task, metric, variant) as { doc: string }[];
  const events = rows.map((r) => JSON.parse(r.doc) as Obj);
  return {
    metric,
    variant,
    vectors: events.map((e) => e.value),
    iterations: events.map((e) => e.iter),
  };
}

/**
 * `events.get_task_latest_scalar_values`: per metric and variant (scalars above 0 only, as the
 * real server's query), the value of the latest iteration; the task's last iteration and the
 * time the latest of them was written.
 */
export function latestScalarValues(store: Store, task: string): Obj {
  const rows = store.stmt(
    `SELECT s.metric, s.variant, p.iter, p.value, p.written FROM scalar_series s
     JOIN scalar_points p ON p.series = s.id WHERE s.task = ? AND p.value > 0
     ORDER BY s.metric, s.variant, p.iter DESC`,
  ).all(task) as {
    metric: string;
    variant: string;
    iter: number;
    value: number;
    written: number;
  }[];
  const metrics: { name: string; variants: Obj[] }[] = [];
  let lastTimestamp = 0;
  let seen = "";
  for (const r of rows) {
    lastTimestamp = Math.max(lastTimestamp, r.written);
    const key = `${r.metric}\u0000${r.variant}`;
    if (key === seen) continue;
    seen = key;
    let m = metrics.at(-1);
    if (!m || m.name !== r.metric) metrics.push(m = { name: r.metric, variants: [] });
    m.variants.push({ name: r.variant, last_value: r.value, last_10_value: r.value });
  }
  const iters = [
    store.stmt(
      `SELECT max(p.iter) AS n FROM scalar_series s JOIN scalar_points p ON p.series = s.id
       WHERE s.task = ?`,
    ).get(task) as { n: number | null },
    store.stmt("SELECT max(iter) AS n FROM metric_events WHERE task = ?").get(task) as {
      n: number | null;
    },
  ].map((r) => r.n).filter((n): n is number => typeof n === "number");
  return {
    metrics,
    last_iter: iters.length ? Math.max(...iters) : 0,
    last_timestamp: lastTimestamp,
  };
}
