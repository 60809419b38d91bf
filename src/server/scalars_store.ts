/**
 * Reads of a task's reported metrics: scalar series (from the `scalars` table, ordered by its
 * primary key so a task's points come out in one index scan), the real server's downsampled
 * histogram (`events.scalar_metrics_iter_histogram`), single values and plots. The web pages use
 * `scalarSeries` and `plotEvents`.
 */
import type { Obj } from "./call_body.ts";
import { isObj } from "./doc_path.ts";
import type { Store } from "./store.ts";

/** The iteration at which `report_single_value` stores its values (the real server's constant). */
export const SINGLE_VALUE_ITER = -(2 ** 31);

export interface ScalarSeries {
  metric: string;
  variant: string;
  /** [iteration, value], by iteration. */
  points: [number, number][];
}

interface ScalarRow {
  metric: string;
  variant: string;
  iter: number;
  value: number;
  timestamp: number;
}

/** Scalars stored as documents (they had fields a row does not hold) that still plot. */
function documentScalars(store: Store, task: string): ScalarRow[] {
  const rows = store.stmt(
    `SELECT doc FROM metric_events WHERE task = ? AND type = 'training_stats_scalar'
     ORDER BY metric, variant, iter`,
  ).all(task) as { doc: string }[];
  const out: ScalarRow[] = [];
  for (const r of rows) {
    const ev = JSON.parse(r.doc) as Obj;
    if (typeof ev.iter !== "number" || typeof ev.value !== "number") continue;
    out.push({
      metric: String(ev.metric ?? ""),
      variant: String(ev.variant ?? ""),
      iter: ev.iter,
      value: ev.value,
      timestamp: Number(ev.timestamp ?? 0),
    });
  }
  return out;
}

function byKey(a: ScalarRow, b: ScalarRow): number {
  return a.metric < b.metric
    ? -1
    : a.metric > b.metric
    ? 1
    : a.variant < b.variant
    ? -1
    : a.variant > b.variant
    ? 1
    : a.iter - b.iter;
}

/** Every plotted scalar of a task (single values excluded), by metric, variant, iteration. */
function scalarRows(store: Store, task: string): ScalarRow[] {
  const rows = store.stmt(
    `SELECT metric, variant, iter, value, timestamp FROM scalars
     WHERE task = ? AND iter > ${SINGLE_VALUE_ITER} ORDER BY metric, variant, iter`,
  ).all(task) as unknown as ScalarRow[];
  const extra = documentScalars(store, task).filter((r) => r.iter > SINGLE_VALUE_ITER);
  if (!extra.length) return rows;
  return [...rows, ...extra].sort(byKey);
}

/** A task's scalar series, one per (metric, variant), points by iteration. */
export function scalarSeries(store: Store, taskId: string): ScalarSeries[] {
  const out: ScalarSeries[] = [];
  let cur: ScalarSeries | undefined;
  for (const r of scalarRows(store, taskId)) {
    if (!cur || cur.metric !== r.metric || cur.variant !== r.variant) {
      out.push(cur = { metric: r.metric, variant: r.variant, points: [] });
    }
    cur.points.push([r.iter, r.value]);
  }
  return out;
}

/** `report_single_value` values: `{metric, variant, value, timestamp}` by variant. */
export function singleValues(store: Store, taskId: string): Obj[] {
  return store.stmt(
    `SELECT metric, variant, value, timestamp FROM scalars WHERE task = ? AND iter = ?
     ORDER BY metric, variant`,
  ).all(taskId, SINGLE_VALUE_ITER) as Obj[];
}

export interface PlotEvent extends Obj {
  metric: string;
  variant: string;
  iter?: number;
  timestamp: number;
  /** Plotly JSON text as the SDK sent it. */
  plot_str: string;
}

/** Stored plot events of a task, all iterations, by metric, variant and iteration (newest first). */
export function allPlotEvents(store: Store, taskId: string): PlotEvent[] {
  const rows = store.stmt(
    `SELECT doc FROM metric_events WHERE task = ? AND type = 'plot'
     ORDER BY metric, variant, iter DESC, seq DESC`,
  ).all(taskId) as { doc: string }[];
  return rows.map((r) => JSON.parse(r.doc) as PlotEvent);
}

/**
 * The plots of the last `iters` iterations of each (metric, variant) of a task (optionally only
 * some metrics), by metric, variant, newest first: `events.get_task_plots`.
 */
export function plotEventsByIters(
  store: Store,
  taskId: string,
  iters: number,
  metrics?: Map<string, Set<string> | undefined>,
): PlotEvent[] {
  const out: PlotEvent[] = [];
  let last = "";
  let n = 0;
  for (const p of allPlotEvents(store, taskId)) {
    if (metrics?.size) {
      if (!metrics.has(p.metric)) continue;
      const vs = metrics.get(p.metric);
      if (vs && !vs.has(p.variant)) continue;
    }
    const key = `${p.metric}\u0000${p.variant}`;
    if (key !== last) {
      last = key;
      n = 0;
    }
    if (n++ < iters) out.push(p);
  }
  return out;
}

/** The latest plot of each (metric, variant) of a task (tables are plots too), by metric, variant. */
export function plotEvents(store: Store, taskId: string): PlotEvent[] {
  return plotEventsByIters(store, taskId, 1);
}

// --- events.scalar_metrics_iter_histogram -------------------------------------------------

export type HistogramKey = "iter" | "timestamp" | "iso_time";

/** The real server's limits on how series are grouped under one bucket interval. */
const MAX_AGGS_ELEMENTS_COUNT = 50;
const MAX_SAMPLE_BUCKETS = 6000;

interface SeriesRows {
  metric: string;
  variant: string;
  /** x field values (iteration or timestamp) and values, in x order */
  xs: number[];
  ys: number[];
}

/**
 * The interval per series so that at most `samples` buckets result: 1 below `samples` points,
 * else the x range divided by `samples`; then series with intervals within 10% of each other
 * share the group's largest interval (the real server's grouping of aggregations).
 */
function seriesIntervals(series: SeriesRows[], samples: number): number[] {
  const intervals = series.map((s) => {
    if (s.xs.length < samples) return { interval: 1, size: s.xs.length };
    let min = Infinity;
    let max = -Infinity;
    for (const x of s.xs) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const range = max - min + 1;
    const interval = Math.max(1, Math.ceil(range / samples));
    return { interval, size: Math.ceil(range / interval) };
  });
  const order = intervals.map((_, i) => i).sort((a, b) =>
    intervals[a]!.interval - intervals[b]!.interval
  );
  const out = new Array<number>(series.length).fill(1);
  let group: number[] = [];
  let upper = 0;
  let groupMax = 0;
  let groupSamples = 0;
  const close = () => {
    for (const i of group) out[i] = groupMax;
    group = [];
  };
  for (const i of order) {
    const { interval, size } = intervals[i]!;
    if (
      interval > upper || groupSamples + size > MAX_SAMPLE_BUCKETS ||
      group.length >= MAX_AGGS_ELEMENTS_COUNT
    ) {
      if (group.length) close();
      groupMax = interval;
      upper = interval + Math.trunc(interval * 0.1);
      groupSamples = 0;
    }
    group.push(i);
    groupSamples += size;
    groupMax = Math.max(groupMax, interval);
  }
  if (group.length) close();
  return out;
}

/** ISO time as Elasticsearch's `strict_date_time` prints a bucket key. */
function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * `events.scalar_metrics_iter_histogram`: `{metric: {variant: {name, x, y}}}` with at most
 * about `samples` points per series, each the average of the values in its x bucket.
 */
export function scalarHistogram(
  store: Store,
  taskId: string,
  q: { samples: number; key: HistogramKey; metrics?: Map<string, Set<string> | undefined> },
  task?: Obj,
): Obj {
  const byTime = q.key !== "iter";
  const series: SeriesRows[] = [];
  let cur: SeriesRows | undefined;
  let rows = scalarRows(store, taskId);
  if (q.metrics?.size) {
    const m = q.metrics;
    rows = rows.filter((r) => {
      if (!m.has(r.metric)) return false;
      const vs = m.get(r.metric);
      return !vs || vs.has(r.variant);
    });
  }
  for (const r of rows) {
    if (!cur || cur.metric !== r.metric || cur.variant !== r.variant) {
      series.push(cur = { metric: r.metric, variant: r.variant, xs: [], ys: [] });
    }
    cur.xs.push(byTime ? r.timestamp : r.iter);
    cur.ys.push(r.value);
  }
  if (byTime) {
    for (const s of series) {
      const idx = s.xs.map((_, i) => i).sort((a, b) => s.xs[a]! - s.xs[b]!);
      s.xs = idx.map((i) => s.xs[i]!);
      s.ys = idx.map((i) => s.ys[i]!);
    }
  }
  const intervals = seriesIntervals(series, q.samples);
  const labels = new Map<string, string>();
  if (task && isObj(task.last_metrics)) {
    for (const byVariant of Object.values(task.last_metrics)) {
      if (!isObj(byVariant)) continue;
      for (const e of Object.values(byVariant)) {
        if (isObj(e) && typeof e.x_axis_label === "string") {
          labels.set(`${e.metric}\u0000${e.variant}`, e.x_axis_label);
        }
      }
    }
  }
  const out: Obj = {};
  series.forEach((s, i) => {
    const interval = intervals[i]!;
    const x: (number | string)[] = [];
    const y: number[] = [];
    let bucket = NaN;
    let sum = 0;
    let n = 0;
    const emit = () => {
      if (!n) return;
      x.push(q.key === "iso_time" ? isoMs(bucket) : bucket);
      y.push(sum / n);
    };
    for (let j = 0; j < s.xs.length; j++) {
      const b = Math.floor(s.xs[j]! / interval) * interval;
      if (b !== bucket) {
        emit();
        bucket = b;
        sum = 0;
        n = 0;
      }
      sum += s.ys[j]!;
      n++;
    }
    emit();
    const entry: Obj = { name: s.variant, x, y };
    const label = labels.get(`${s.metric}\u0000${s.variant}`);
    if (label !== undefined) entry.x_axis_label = label;
    const m = (out[s.metric] ??= {}) as Obj;
    m[s.variant] = entry;
  });
  return out;
}
