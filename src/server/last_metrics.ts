/**
 * A task's `last_metrics`, `unique_metrics` and `metric_stats` as the real server keeps them while
 * events arrive: per scalar series (keyed by the md5 of metric and of variant) the last value by
 * (iteration, timestamp), first/min/max values with their iterations, count and a mean rounded to
 * two places; per metric the time of the last event of each type. `LastMetrics` gathers one
 * batch, `applyTo` merges it into the task document.
 */
import { createHash } from "node:crypto";
import type { Obj } from "./call_body.ts";
import { isObj } from "./doc_path.ts";

/** The real server's `services.tasks.max_last_metrics`: series beyond it are not summarised. */
export const MAX_LAST_METRICS = 2000;

/** Field names of metrics are stored hashed (they may hold characters a document key cannot). */
export function hashName(s: string): string {
  return createHash("md5").update(s).digest("hex");
}

/** One sample into a series' batch aggregate (last by iteration then time, first, min, max). */
export function addSample(
  s: SeriesAgg,
  value: number,
  iter: number,
  timestamp: number,
  xAxisLabel?: string,
): void {
  s.count++;
  s.total += value;
  if (iter > s.iter || (iter === s.iter && timestamp >= s.timestamp)) {
    s.value = value;
    s.iter = iter;
    s.timestamp = timestamp;
    if (xAxisLabel !== undefined) s.xAxisLabel = xAxisLabel;
  }
  if (iter < s.firstIter) {
    s.first = value;
    s.firstIter = iter;
  }
  if (value < s.min) {
    s.min = value;
    s.minIter = iter;
  }
  if (value > s.max) {
    s.max = value;
    s.maxIter = iter;
  }
}

export interface SeriesAgg {
  metric: string;
  variant: string;
  count: number;
  total: number;
  value: number;
  iter: number;
  timestamp: number;
  xAxisLabel?: string;
  first: number;
  firstIter: number;
  min: number;
  minIter: number;
  max: number;
  maxIter: number;
}

export class LastMetrics {
  readonly #series = new Map<string, SeriesAgg>();
  /** metric → event type → last timestamp */
  readonly #stats = new Map<string, Map<string, number>>();

  /** Any event of the task: its metric's last time for its type. */
  event(metric: string, type: string, timestamp: number): void {
    let m = this.#stats.get(metric);
    if (!m) this.#stats.set(metric, m = new Map());
    const prev = m.get(type);
    if (prev === undefined || prev < timestamp) m.set(type, timestamp);
  }

  /** A scalar event with a value. */
  scalar(
    metric: string,
    variant: string,
    value: number,
    iter: number,
    timestamp: number,
    xAxisLabel?: string,
  ): void {
    addSample(this.series(metric, variant), value, iter, timestamp, xAxisLabel);
  }

  /** The batch aggregate of one series, for callers that add many samples to it. */
  series(metric: string, variant: string): SeriesAgg {
    const key = `${metric}\u0000${variant}`;
    let s = this.#series.get(key);
    if (!s) {
      s = {
        metric,
        variant,
        count: 0,
        total: 0,
        value: 0,
        iter: -Infinity,
        timestamp: -Infinity,
        first: 0,
        firstIter: Infinity,
        min: Infinity,
        minIter: 0,
        max: -Infinity,
        maxIter: 0,
      };
      this.#series.set(key, s);
    }
    return s;
  }

  get empty(): boolean {
    return this.#stats.size === 0 && this.#series.size === 0;
  }

  /** Merge this batch into a task (or model) document; `metric_stats` only for a task. */
  applyTo(task: Obj, metricStats = true): void {
    if (this.#series.size) this.#applySeries(task);
    if (metricStats && this.#stats.size) {
      // The real server replaces `metric_stats` with the metrics of the latest batch.
      const stats: Obj = {};
      for (const [metric, types] of this.#stats) {
        const byType: Obj = {};
        for (const [type, ts] of types) byType[type] = { last_update: ts };
        stats[hashName(metric)] = { metric, event_stats_by_type: byType };
      }
      task.metric_stats = stats;
    }
  }

  #applySeries(task: Obj): void {
    const last: Obj = isObj(task.last_metrics) ? task.last_metrics : {};
    const unique = Array.isArray(task.unique_metrics) ? task.unique_metrics as string[] : [];
    const known = new Set(unique);
    for (const s of this.#series.values()) {
      const name = `${s.metric}/${s.variant}`;
      if (!known.has(name)) {
        if (known.size >= MAX_LAST_METRICS) continue;
        known.add(name);
        unique.push(name);
      }
      const mh = hashName(s.metric);
      const vh = hashName(s.variant);
      const byVariant: Obj = isObj(last[mh]) ? last[mh] : (last[mh] = {});
      const e: Obj = isObj(byVariant[vh]) ? byVariant[vh] : (byVariant[vh] = {});
      e.metric = s.metric;
      e.variant = s.variant;
      e.value = s.value;
      if (s.xAxisLabel !== undefined) e.x_axis_label = s.xAxisLabel;
      if (typeof e.first_value !== "number") {
        e.first_value = s.first;
        e.first_value_iteration = s.firstIter;
      }
      if (typeof e.min_value !== "number" || e.min_value > s.min) {
        e.min_value = s.min;
        e.min_value_iteration = s.minIter;
      }
      if (typeof e.max_value !== "number" || e.max_value < s.max) {
        e.max_value = s.max;
        e.max_value_iteration = s.maxIter;
      }
      const count = typeof e.count === "number" ? e.count : 0;
      const mean = typeof e.mean_value === "number" ? e.mean_value : 0;
      e.mean_value = Math.round(((mean * count + s.total) / (count + s.count)) * 100) / 100;
      e.count = count + s.count;
    }
    task.last_metrics = last;
    task.unique_metrics = unique;
  }
}
