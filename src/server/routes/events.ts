/** `events.add_batch` and `events.get_task_log` (server-api.md §2.34–§2.35). */
import { errors } from "../call_error.ts";
import { endpoint, type Routes, versioned } from "../endpoint.ts";
import { addEvents, taskLog, taskLogLegacy } from "../events_store.ts";
import { loadTask } from "../tasks_store.ts";
import type { Call } from "../endpoint.ts";

function mustTask(call: Call): string {
  const task = call.fields.reqStr("task");
  if (!loadTask(call.store, task)) throw errors.invalidTaskId({ ids: [task] });
  return task;
}

function legacyLog(call: Call) {
  const f = call.fields;
  const task = mustTask(call);
  return taskLogLegacy(call.store, task, {
    batchSize: f.int("batch_size") ?? 500,
    order: f.str("order") ?? "desc",
    scrollId: f.str("scroll_id"),
  });
}

export const eventsRoutes: Routes = {
  "events.add_batch": endpoint("1.0", (call) => {
    const batch = call.batch ?? (Object.keys(call.data).length ? [call.data] : []);
    if (!batch.length) throw errors.batchEmpty();
    const out = addEvents(call.store, batch, call.worker, call.now);
    if (out.added === 0) throw errors.eventsNotAdded(out.errors_info);
    return out;
  }),
  "events.get_task_log": versioned([
    ["1.0", legacyLog],
    ["1.7", legacyLog],
    ["2.9", (call) => {
      const f = call.fields;
      const task = mustTask(call);
      return taskLog(call.store, task, {
        batchSize: f.int("batch_size") ?? 5000,
        navigateEarlier: f.bool("navigate_earlier", true),
        fromTimestamp: f.num("from_timestamp"),
        order: f.str("order"),
      });
    }],
  ]),
};
