/**
 * `events.*` (server-api.md §2.34–§2.35 and the real server's events service for the rest): events
 * in by `add`/`add_batch`; logs, scalars, single values and plots out, in the shapes the SDK reads.
 */
import type { Obj } from "../call_body.ts";
import { errors } from "../call_error.ts";
import { isObj } from "../doc_path.ts";
import { type Call, endpoint, type Routes, versioned } from "../endpoint.ts";
import { Fields } from "../fields.ts";
import {
  addEvents,
  addEventsGrouped,
  clearTaskLog,
  taskLog,
  taskLogLegacy,
} from "../events_store.ts";
import {
  type HistogramKey,
  plotEventsByIters,
  scalarHistogram,
  singleValues,
} from "../scalars_store.ts";
import { deleteTaskEvents } from "../event_tables.ts";
import {
  countTaskEvents,
  debugImages,
  EVENT_TYPE_CHOICES,
  type EventType,
  latestScalarValues,
  metricsAndVariants,
  scalarMetricData,
  scalarsRaw,
  taskEvents,
  vectorsByIter,
} from "../task_events.ts";
import { loadModel, modelErrors } from "../models_store.ts";
import { loadTask } from "../tasks_store.ts";

/** Reads ask for a task's events, or with `model_events: true` for a model's. */
function forModel(call: Call): boolean {
  return call.fields.bool("model_events", false);
}

function loadEntity(call: Call, id: string): Obj | undefined {
  return forModel(call) ? loadModel(call.store, id) : loadTask(call.store, id);
}

function invalidEntity(call: Call, p: Record<string, unknown>) {
  return forModel(call) ? modelErrors.invalidId(p) : errors.invalidTaskId(p);
}

function mustTask(call: Call, field = "task"): Obj {
  const task = call.fields.reqStr(field);
  const t = loadEntity(call, task);
  if (!t) throw invalidEntity(call, { ids: [task] });
  return t;
}

/** Many tasks; unknown ones are an error naming them all. */
function mustTasks(call: Call): Obj[] {
  const ids = call.fields.strList("tasks", true);
  if (!ids?.length) throw errors.validation("error for field 'tasks'. field is required!");
  const out: Obj[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const t = loadEntity(call, id);
    if (t) out.push(t);
    else missing.push(id);
  }
  if (missing.length) throw invalidEntity(call, { company: call.identity.company, ids: missing });
  return out;
}

/** `samples`: 1 ≤ n ≤ 6000, 2000 when absent (the real server's histogram request). */
function samplesField(call: Call): number {
  const n = call.fields.int("samples");
  if (n === undefined) return 2000;
  if (n < 1) {
    throw errors.validation(`error for field 'samples'. '${n}' is lower than minimum value '1'.`);
  }
  if (n > 6000) {
    throw errors.validation(
      `error for field 'samples'. '${n}' is bigger than maximum value '6000'.`,
    );
  }
  return n;
}

function keyField(call: Call): HistogramKey {
  const k = call.fields.str("key") ?? "iter";
  if (k !== "iter" && k !== "timestamp" && k !== "iso_time") {
    throw errors.validation(`error for field 'key'. value '${k}' is not a valid choice.`);
  }
  return k;
}

/** `metrics: [{metric, variants}]` → metric → variants (undefined: all of them). */
function metricsField(call: Call): Map<string, Set<string> | undefined> | undefined {
  const v = call.data.metrics;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw errors.wrongType("metrics", "list", v);
  const out = new Map<string, Set<string> | undefined>();
  for (const m of v) {
    if (!isObj(m) || typeof m.metric !== "string") {
      throw errors.validation("error for field 'metric'. field is required!");
    }
    const variants = Array.isArray(m.variants) && m.variants.length
      ? new Set(m.variants.map(String))
      : undefined;
    out.set(m.metric, variants);
  }
  return out;
}

/** `get_task_log` before 2.9; from 1.7 `from: "head"|"tail"` (default head) sets the paging. */
function legacyLog(call: Call, v17: boolean) {
  const f = call.fields;
  const task = mustTask(call);
  const order = f.str("order") ?? "desc";
  return taskLogLegacy(call.store, String(task.id), {
    batchSize: f.int("batch_size") ?? 500,
    order,
    scrollOrder: v17 ? ((f.str("from") ?? "head") === "head" ? "asc" : "desc") : order,
    scrollId: f.str("scroll_id"),
  });
}

function taskPlots(call: Call, iters: number): Obj {
  const task = mustTask(call);
  const plots = plotEventsByIters(call.store, String(task.id), iters, metricsField(call));
  return { plots, returned: plots.length, total: plots.length, scroll_id: null };
}

/**
 * `events.get_multi_task_plots`: the last `iters` plots of each (metric, variant, task), nested
 * as the real server answers: metric → variant → task → iteration → `{name, plots}`.
 */
function multiTaskPlots(call: Call, iters: number): Obj {
  const tasks = mustTasks(call);
  const wanted = metricsField(call);
  const plots: Record<string, Record<string, Record<string, Record<string, Obj>>>> = {};
  let total = 0;
  for (const t of tasks) {
    for (const p of plotEventsByIters(call.store, String(t.id), iters, wanted)) {
      total++;
      const byTask = ((plots[p.metric] ??= {})[p.variant] ??= {})[String(t.id)] ??= {};
      const at = (byTask[String(p.iter)] ??= { name: t.name, plots: [] }) as { plots: Obj[] };
      at.plots.push(p);
    }
  }
  return { plots, returned: Object.keys(plots).length, total, scroll_id: null };
}

function itersField(call: Call): number {
  const n = call.fields.int("iters") ?? 1;
  if (n < 1) {
    throw errors.validation(`error for field 'iters'. '${n}' is lower than minimum value '1'.`);
  }
  return n;
}

function eventTypeField(call: Call, dflt?: EventType): EventType {
  const t = call.fields.str("event_type") ?? dflt;
  if (t === undefined) throw errors.missingField("event_type");
  if (!EVENT_TYPE_CHOICES.includes(t as EventType)) {
    throw errors.validation(`error for field 'event_type'. value '${t}' is not a valid choice.`);
  }
  return t as EventType;
}

/** The legacy (< 2.7) `events.debug_images`: the latest `iters` images per metric and variant. */
function legacyImages(call: Call): Obj {
  const task = mustTask(call);
  const iters = itersField(call);
  const perKey = new Map<string, number>();
  const images = (taskEvents(call.store, String(task.id), {
    type: "training_debug_image",
    order: "desc",
    batchSize: 10_000,
    countTotal: false,
  }).events as Obj[]).filter((e) => {
    const key = `${e.metric}\u0000${e.variant}`;
    const n = perKey.get(key) ?? 0;
    perKey.set(key, n + 1);
    return n < iters;
  });
  return { task: task.id, images, returned: images.length, total: images.length, scroll_id: null };
}

export const eventsRoutes: Routes = {
  "events.add": endpoint("1.0", (call) => {
    return addEvents(call.store, [{ ...call.data }], call.worker, call.now, call.identity.user);
  }),
  "events.add_batch": endpoint("1.0", (call) => {
    if (call.lines) {
      return addEventsGrouped(call.store, call.lines, call.worker, call.now, call.identity.user);
    }
    const batch = call.batch ?? (Object.keys(call.data).length ? [call.data] : []);
    if (!batch.length) throw errors.batchEmpty();
    return addEventsGrouped(call.store, batch, call.worker, call.now, call.identity.user);
  }),
  "events.get_task_log": versioned([
    ["1.0", (call) => legacyLog(call, false)],
    ["1.7", (call) => legacyLog(call, true)],
    ["2.9", (call) => {
      const f = call.fields;
      const task = mustTask(call);
      return taskLog(call.store, String(task.id), {
        batchSize: f.int("batch_size") ?? 5000,
        navigateEarlier: f.bool("navigate_earlier", true),
        fromTimestamp: f.num("from_timestamp"),
        order: f.str("order"),
      });
    }],
  ]),
  "events.scalar_metrics_iter_histogram": endpoint("1.0", (call) => {
    const task = mustTask(call);
    return scalarHistogram(call.store, String(task.id), {
      samples: samplesField(call),
      key: keyField(call),
      metrics: metricsField(call),
    }, task);
  }),
  "events.get_task_single_value_metrics": endpoint("1.0", (call) => {
    const tasks = mustTasks(call);
    const wanted = metricsField(call);
    const out: Obj[] = [];
    for (const t of tasks) {
      let values = singleValues(call.store, String(t.id));
      if (wanted?.size) {
        values = values.filter((v) => {
          if (!wanted.has(String(v.metric))) return false;
          const vs = wanted.get(String(v.metric));
          return !vs || vs.has(String(v.variant));
        });
      }
      if (values.length) out.push({ task: t.id, task_name: t.name, values });
    }
    return { tasks: out };
  }),
  "events.get_task_events": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = mustTask(call);
    const order = f.str("order") ?? "asc";
    if (order !== "asc" && order !== "desc") {
      throw errors.validation(`error for field 'order'. value '${order}' is not a valid choice.`);
    }
    return taskEvents(call.store, String(task.id), {
      type: eventTypeField(call, "*"),
      order,
      batchSize: f.int("batch_size") ?? 500,
      metrics: metricsField(call),
      countTotal: f.bool("count_total", true),
      scrollId: f.str("scroll_id"),
    });
  }),
  "events.debug_images": versioned([
    ["1.0", legacyImages],
    ["1.8", legacyImages],
    ["2.7", (call) => {
      const raw = call.data.metrics;
      if (!Array.isArray(raw) || !raw.length) {
        throw errors.validation("error for field 'metrics'. field is required!");
      }
      const requests = raw.map((m) => {
        if (!isObj(m) || typeof m.task !== "string") {
          throw errors.validation("error for field 'task'. field is required!");
        }
        return {
          task: m.task,
          metric: typeof m.metric === "string" ? m.metric : undefined,
          variants: Array.isArray(m.variants) ? m.variants.map(String) : undefined,
        };
      });
      for (const r of requests) {
        if (!loadEntity(call, r.task)) throw invalidEntity(call, { ids: [r.task] });
      }
      return debugImages(call.store, requests, itersField(call), call.fields.str("scroll_id"));
    }],
  ]),
  "events.get_scalar_metrics_and_variants": endpoint("1.0", (call) => {
    const task = mustTask(call);
    return { metrics: metricsAndVariants(call.store, String(task.id), "training_stats_scalar") };
  }),
  "events.get_vector_metrics_and_variants": endpoint("1.0", (call) => {
    const task = mustTask(call);
    return { metrics: metricsAndVariants(call.store, String(task.id), "training_stats_vector") };
  }),
  "events.get_task_metrics": endpoint("1.0", (call) => {
    const tasks = mustTasks(call);
    const type = eventTypeField(call);
    return {
      metrics: tasks.map((t) => ({
        task: t.id,
        metrics: Object.keys(metricsAndVariants(call.store, String(t.id), type)),
      })),
    };
  }),
  "events.delete_for_task": endpoint("1.0", (call) => {
    const task = mustTask(call);
    const locked = task.status === "published" || task.status === "publishing";
    if (locked && call.data.allow_locked !== true) {
      throw errors.invalidTaskId(
        { company: call.identity.company, id: task.id },
        "Cannot update events for a published task",
      );
    }
    return call.store.tx(() => {
      const deleted = countTaskEvents(call.store, String(task.id));
      deleteTaskEvents(call.store, String(task.id));
      return { deleted };
    });
  }),
  "events.multi_task_scalar_metrics_iter_histogram": endpoint("1.0", (call) => {
    const raw = call.data.tasks;
    const ids = typeof raw === "string" ? raw.split(",").map((t) => t.trim()) : undefined;
    const tasks = ids
      ? mustTasks({ ...call, fields: new Fields({ ...call.data, tasks: ids }) })
      : mustTasks(call);
    if (tasks.length > 100) {
      throw errors.validation("error for field 'tasks'. value is too long (maximum 100)");
    }
    const q = { samples: samplesField(call), key: keyField(call), metrics: metricsField(call) };
    const out: Record<string, Record<string, Obj>> = {};
    for (const t of tasks) {
      const h = scalarHistogram(call.store, String(t.id), q, t) as Record<string, Obj>;
      for (const [metric, variants] of Object.entries(h)) {
        for (const [variant, data] of Object.entries(variants as Record<string, Obj>)) {
          const byVariant = (out[metric] ??= {});
          const byTask = (byVariant[variant] ??= {}) as Obj;
          byTask[String(t.id)] = { ...data, name: t.name };
        }
      }
    }
    return { metrics: out };
  }),
  "events.scalar_metrics_iter_raw": endpoint("2.16", (call) => {
    const f = call.fields;
    const task = mustTask(call);
    const metric = f.obj("metric");
    if (!metric || typeof metric.metric !== "string") throw errors.missingField("metric");
    const batchSize = f.int("batch_size");
    if (batchSize !== undefined && batchSize < 0) {
      throw errors.validation("batch_size should be non negative number");
    }
    return scalarsRaw(call.store, String(task.id), {
      metric: metric.metric,
      variants: Array.isArray(metric.variants) && metric.variants.length
        ? new Set(metric.variants.map(String))
        : undefined,
      key: keyField(call),
      batchSize,
      countTotal: f.bool("count_total", false),
      scrollId: f.str("scroll_id"),
    });
  }),
  "events.get_scalar_metric_data": endpoint("1.0", (call) => {
    const task = mustTask(call);
    return scalarMetricData(call.store, String(task.id), call.fields.reqStr("metric"), {
      scrollId: call.fields.str("scroll_id"),
      noScroll: call.fields.bool("no_scroll", false),
    });
  }),
  "events.vector_metrics_iter_histogram": endpoint("1.0", (call) => {
    const task = mustTask(call);
    return vectorsByIter(
      call.store,
      String(task.id),
      call.fields.reqStr("metric"),
      call.fields.reqStr("variant"),
    );
  }),
  "events.get_task_latest_scalar_values": endpoint("1.0", (call) => {
    const task = mustTask(call);
    return {
      ...latestScalarValues(call.store, String(task.id)),
      name: task.name,
      status: task.status,
    };
  }),
  "events.clear_scroll": endpoint("2.18", () => ({})),
  "events.get_multi_task_metrics": endpoint("1.0", (call) => {
    const tasks = mustTasks(call);
    const type = eventTypeField(call, "*");
    const all = new Map<string, Set<string>>();
    for (const t of tasks) {
      for (const [m, vs] of Object.entries(metricsAndVariants(call.store, String(t.id), type))) {
        if (!all.has(m)) all.set(m, new Set());
        for (const v of vs as string[]) all.get(m)!.add(v);
      }
    }
    const metrics = [...all.keys()].sort().map((metric) => ({
      metric,
      variants: [...all.get(metric)!].sort(),
    }));
    return { metrics };
  }),
  "events.get_multi_task_plots": versioned([
    ["1.0", (call) => multiTaskPlots(call, itersField(call))],
    ["1.8", (call) => multiTaskPlots(call, call.fields.int("iters") ?? 1)],
  ]),
  "events.delete_for_model": endpoint("1.0", (call) => {
    const id = call.fields.reqStr("model");
    const model = loadModel(call.store, id);
    if (!model) throw modelErrors.invalidId({ ids: [id] });
    if (model.ready === true && call.data.allow_locked !== true) {
      throw modelErrors.invalidId(
        { company: call.identity.company, id },
        "Cannot update events for a published model",
      );
    }
    return call.store.tx(() => {
      const deleted = countTaskEvents(call.store, id);
      deleteTaskEvents(call.store, id);
      return { deleted };
    });
  }),
  "events.clear_task_log": endpoint("1.0", (call) => {
    const f = call.fields;
    const task = mustTask(call);
    const locked = task.status === "published" || task.status === "publishing";
    if (locked && !f.bool("allow_locked", false)) {
      throw errors.invalidTaskId(
        { company: call.identity.company, id: task.id },
        "Cannot update events for a published task",
      );
    }
    const deleted = clearTaskLog(call.store, String(task.id), {
      thresholdSec: f.int("threshold_sec"),
      include: f.strList("include_metrics"),
      exclude: f.strList("exclude_metrics"),
    }, call.now);
    return { deleted };
  }),
  "events.get_task_plots": versioned([
    ["1.0", (call) => taskPlots(call, itersField(call))],
    ["1.8", (call) => taskPlots(call, call.fields.int("iters") ?? 1)],
  ]),
};
