/**
 * Where a task's events live (schema in `store.ts`): `log_chunks` holds the log lines of one
 * batch per row (a JSON array, deflated, with its time range), `scalar_series` one row per (task, metric,
 * variant) and `scalar_points` one per (series, iteration), `metric_events` plots, debug images,
 * vectors and
 * scalars that do not fit a row (the real server overwrites those by the same identity).
 */
import type { Store } from "./store.ts";

/** Every event of a task (`tasks.reset`, `tasks.delete`), inside the caller's transaction. */
export function deleteTaskEvents(store: Store, task: string): void {
  store.stmt("DELETE FROM log_chunks WHERE task = ?").run(task);
  store.stmt(
    "DELETE FROM scalar_points WHERE series IN (SELECT id FROM scalar_series WHERE task = ?)",
  ).run(task);
  store.stmt("DELETE FROM scalar_series WHERE task = ?").run(task);
  store.stmt("DELETE FROM metric_events WHERE task = ?").run(task);
}
