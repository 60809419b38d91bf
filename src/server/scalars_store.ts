/**
 * Reads of a task's reported metrics: scalar series (each series' points are one range of the
 * `scalar_points` primary key, read as arrays), the real server's downsampled histogram
 * (`events.scalar_metrics_iter_histogram`), single values and plots. The web pages use
 * `scalarSeries` and `plotEvents`.
 */
import type { Obj } from "./call_body.ts";
import { isObj } from "./doc_path.ts";
import type { SQLInputValue, StatementSync } from "node:sqlite";
import type { Store } from "./store.ts";

/** The iteration at which `report_single_value` stores its values (the real server's constant). */
export const SINGLE_VALUE_ITER = -(2 ** 31);

export interface ScalarSeries {
  metric: string;
  variant: string;
  /** [iteration, value], by iteration. */
  points: [number, number][];
}

/** One series of a task in columns: x (iteration or timestamp) and value, by iteration. */
interface SeriesColumns {
  metric: string;
  variant: string;
  iters: number[];
  values: number[];
  /** only when asked for */
  times: number[];
}

interface SeriesRow {
  id: number;
  metric: string;
  variant: string;
}

type ArrayStatement = StatementSync & { setReturnArrays?: (on: boolean) => void };

/**
 * A statement whose rows come back as arrays where the runtime can (far cheaper than an object
 * per row for 100,000 points), otherwise as objects turned into arrays.
 */
function arrayRows(store: Store, sql: string, columns: string[], ...args: SQLInputValue[]) {
  const stmt = store.stmt(sql) as ArrayStatement;
  if (typeof stmt.setReturnArrays === "function") {
    if (!arrayStatements.has(stmt)) {
      stmt.setReturnArrays(true);
      arrayStatements.add(stmt);
    }
    return stmt.all(...args) as unknown as unknown[][];
  }
  return (stmt.all(...args) as Record<string, unknown>[]).map((r) => columns.map((c) => r[c]));
}
const arrayStatements = new WeakSet<StatementSync>();

/** Scalars stored as documents (they had fields a point does not hold) that still plot. */
function documentScalars(store: Store, task: string): SeriesColumns[] {
  const rows = store.stmt(
    `SELECT doc FROM metric_events WHERE task = ? AND type = 'training_stats_scalar'
     ORDER BY metric, variant, iter`,
  ).all(task) as { doc: string }[];
  const out: SeriesColumns[] = [];
  let cur: SeriesColumns | undefined;
  for (const r of rows) {
    const ev = JSON.parse(r.doc) as Obj;
    if (typeof ev.iter !== "number" || typeof ev.value !== "number") continue;
    if (ev.iter <= SINGLE_VALUE_ITER) continue;
    const metric = String(ev.metric ?? "");
    const variant = String(ev.variant ?? "");
    if (!cur || cur.metric !== metric || cur.variant !== variant) {
      out.push(cur = { metric, variant, iters: [], values: [], times: [] });
    }
    cur.iters.push(ev.iter);
    cur.values.push(ev.value);
    cur.times.push(Number(ev.timestamp ?? 0));
  }
  return out;
}

/** Merge two by-iteration series (points first, documents after on the same iteration). */
function mergeColumns(a: SeriesColumns, b: SeriesColumns): SeriesColumns {
  const idx = [...a.iters.map((x, i) => [x, 0, i]), ...b.iters.map((x, i) => [x, 1, i])]
    .sort((p, q) => p[0]! - q[0]! || p[1]! - q[1]!);
  const out: SeriesColumns = { ...a, iters: [], values: [], times: [] };
  for (const [x, src, i] of idx) {
    const s = src ? b : a;
    out.iters.push(x!);
    out.values.push(s.values[i!]!);
    out.times.push(s.times[i!] ?? 0);
  }
  return out;
}

/** Every plotted series of a task (single values excluded), by metric and variant. */
function seriesColumns(store: Store, task: string, withTimes: boolean): SeriesColumns[] {
  const list = store.stmt(
    "SELECT id, metric, variant FROM scalar_series WHERE task = ? ORDER BY metric, variant",
  ).all(task) as unknown as SeriesRow[];
  const sql = withTimes
    ? "SELECT iter, value, timestamp FROM scalar_points WHERE series = ? AND iter > ?"
    : "SELECT iter, value FROM scalar_points WHERE series = ? AND iter > ?";
  const out: SeriesColumns[] = [];
  for (const s of list) {
    const rows = arrayRows(
      store,
      sql,
      withTimes ? ["iter", "value", "timestamp"] : ["iter", "value"],
      s.id,
      SINGLE_VALUE_ITER,
    );
    if (!rows.length) continue;
    const iters = new Array<number>(rows.length);
    const values = new Array<number>(rows.length);
    const times = withTimes ? new Array<number>(rows.length) : [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      iters[i] = Number(r[0]);
      values[i] = Number(r[1]);
      if (withTimes) times[i] = Number(r[2]);
    }
    out.push({ metric: s.metric, variant: s.variant, iters, values, times });
  }
  const docs = documentScalars(store, task);
  if (!docs.length) return out;
  const key = (c: SeriesColumns) => `${c.metric}\u0000${c.variant}`;
  const byKey = new Map(out.map((c) => [key(c), c]));
  for (const d of docs) {
    const have = byKey.get(key(d));
    byKey.set(key(d), have ? mergeColumns(have, d) : d);
  }
  return [...byKey.values()].sort((a, b) =>
    a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.variant < b.variant ? -1 : 1
  );
}

/** A task's scalar series, one per (metric, variant), points by iteration. */
export function scalarSeries(store: Store, taskId: string): ScalarSeries[] {
  return seriesColumns(store, taskId, false).map((c) => ({
    metric: c.metric,
    variant: c.variant,
    points: c.iters.map((x, i) => [x, c.values[i]!] as [number, number]),
  }));
}

/** `report_single_value` values: `{metric, variant, value, timestamp}` by metric, variant. */
export function singleValues(store: Store, taskId: string): Obj[] {
  return store.stmt(
    `SELECT s.metric, s.variant, p.value, p.timestamp FROM scalar_series s
     JOIN scalar_points p ON p.series = s.id AND p.iter = ?
     WHERE s.task = ? ORDER BY s.metric, s.variant`,
  ).all(SINGLE_VALUE_ITER, taskId) as Obj[];
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
  const m = q.metrics;
  const series: SeriesRows[] = seriesColumns(store, taskId, byTime)
    .filter((c) =>
      !m?.size || (m.has(c.metric) && (!m.get(c.metric) || m.get(c.metric)!.has(c.variant)))
    )
    .map((c) => ({
      metric: c.metric,
      variant: c.variant,
      xs: byTime ? c.times : c.iters,
      ys: c.values,
    }));
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
