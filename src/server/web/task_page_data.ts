/** Everything the task page shows, read from the store in one place (pure rendering follows). */
import type { Obj } from "../call_body.ts";
import type { Store } from "../store.ts";
import { loadTask } from "../tasks_store.ts";
import type { ScalarSeries } from "./chart_geometry.ts";
import { consoleTail } from "./console_log.ts";
import { fmtValue } from "./format.ts";
import { plotView } from "./plot_tables.ts";
import { projectName } from "./project_list.ts";
import { artifactEntries, configEntries, paramSections } from "./task_details.ts";
import type { TaskPageData } from "./task_page.tsx";
import { taskRow } from "./task_row.ts";

/** Lines of the console sent with the page. */
export const CONSOLE_TAIL = 1000;
/** The console follows tasks in these states. */
export const LIVE_STATUSES = new Set(["in_progress", "queued"]);

export interface TaskSources {
  scalarSeries: (store: Store, taskId: string) => ScalarSeries[];
  plotEvents: (store: Store, taskId: string) => readonly Obj[];
  singleValues: (store: Store, taskId: string) => readonly Obj[];
}

export function taskPageData(
  store: Store,
  id: string,
  sources: TaskSources,
  queueNames: ReadonlyMap<string, string>,
  extra: { now: number; nonce: string; pollMs: number; filesUrl: string },
): TaskPageData | undefined {
  const doc = loadTask(store, id);
  if (!doc) return undefined;
  const row = taskRow(doc, queueNames, extra.now);
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    row,
    projectName: row.project ? projectName(store, row.project) : undefined,
    created: str(doc.created) || undefined,
    completed: str(doc.completed) || undefined,
    statusReason: str(doc.status_reason),
    statusMessage: str(doc.status_message),
    comment: str(doc.comment),
    params: paramSections(doc),
    config: configEntries(doc),
    scalars: sources.scalarSeries(store, id),
    plots: sources.plotEvents(store, id).map(plotView),
    singleValues: sources.singleValues(store, id).map((v) => ({
      name: fmtValue(v.variant),
      value: fmtValue(v.value),
    })),
    artifacts: artifactEntries(doc, extra.filesUrl),
    console: consoleTail(store, id, CONSOLE_TAIL),
    follow: LIVE_STATUSES.has(row.status),
    nonce: extra.nonce,
    pollMs: extra.pollMs,
  };
}
