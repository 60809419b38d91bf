/**
 * `events.*` (server-api.md §2.34–§2.35 and the real server's events service for the rest): events
 * in by `add`/`add_batch`; logs, scalars, single values and plots out, in the shapes the SDK reads.
 */
import type { Obj } from "../call_body.ts";
import { errors } from "../call_error.ts";
import { isObj } from "../doc_path.ts";
import { type Call, endpoint, type Routes, versioned } from "../endpoint.ts";
import { addEvents, addEventsGrouped, taskLog, taskLogLegacy } from "../events_store.ts";
import {
  type HistogramKey,
  plotEventsByIters,
  scalarHistogram,
  singleValues,
} from "../scalars_store.ts";
import { loadTask } from "../tasks_store.ts";

function mustTask(call: Call, field = "task"): Obj {
  const task = call.fields.reqStr(field);
  const t = loadTask(call.store, task);
  if (!t) throw errors.invalidTaskId({ ids: [task] });
  return t;
}

/** Many tasks; unknown ones are an error naming them all. */
function mustTasks(call: Call): Obj[] {
  const ids = call.fields.strList("tasks", true);
  if (!ids?.length) throw errors.validation("error for field 'tasks'. field is required!");
  const out: Obj[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const t = loadTask(call.store, id);
    if (t) out.push(t);
    else missing.push(id);
  }
  if (missing.length) {
    throw errors.invalidTaskId({ company: call.identity.company, ids: missing });
  }
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

function legacyLog(call: Call) {
  const f = call.fields;
  const task = mustTask(call);
  return taskLogLegacy(call.store, String(task.id), {
    batchSize: f.int("batch_size") ?? 500,
    order: f.str("order") ?? "desc",
    scrollId: f.str("scroll_id"),
  });
}

function taskPlots(call: Call, iters: number): Obj {
  const task = mustTask(call);
  const plots = plotEventsByIters(call.store, String(task.id), iters, metricsField(call));
  return { plots, returned: plots.length, total: plots.length, scroll_id: null };
}

function itersField(call: Call): number {
  const n = call.fields.int("iters") ?? 1;
  if (n < 1) {
    throw errors.validation(`error for field 'iters'. '${n}' is lower than minimum value '1'.`);
  }
  return n;
}

export const eventsRoutes: Routes = {
  "events.add": endpoint("1.0", (call) => {
    return addEvents(call.store, [{ ...call.data }], call.worker, call.now, call.identity.user);
  }),
  "events.add_batch": endpoint("1.0", (call) => {
    const batch = call.batch ?? (Object.keys(call.data).length ? [call.data] : []);
    if (!batch.length) throw errors.batchEmpty();
    return addEventsGrouped(call.store, batch, call.worker, call.now, call.identity.user);
  }),
  "events.get_task_log": versioned([
    ["1.0", legacyLog],
    ["1.7", legacyLog],
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
  "events.get_task_plots": versioned([
    ["1.0", (call) => taskPlots(call, itersField(call))],
    ["1.8", (call) => taskPlots(call, call.fields.int("iters") ?? 1)],
  ]),
};
