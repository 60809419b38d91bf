/** `clearml agent list`: the workers registered on the server (`workers.get_all {last_seen: 0}`). */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { connect } from "./task_api.ts";
import { columns, renderData } from "./output.ts";

type Obj = Record<string, unknown>;

/** One row per worker: id, ip, current task, queues. Pure. */
export function workerRows(workers: readonly Obj[]): string[][] {
  const rows = [["WORKER", "IP", "TASK", "QUEUES", "LAST ACTIVITY"]];
  for (const w of workers) {
    const task = (w.task ?? {}) as Obj;
    const queues = (Array.isArray(w.queues) ? w.queues : []) as Obj[];
    rows.push([
      String(w.id ?? ""),
      String(w.ip ?? ""),
      String(task.id ?? ""),
      queues.map((q) => String(q.name ?? q.id ?? "")).join(","),
      String(w.last_activity_time ?? ""),
    ]);
  }
  return rows;
}

export const registerAgentList: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("list")
      .description("list the workers registered on the server")
      .addOption(new Option("--json", "JSON (schema clearml.agent-list/v1)")),
  );
  cmd.action(async (opts, c) => {
    const { api } = await connect(ctx, globalsOf(c), "agent");
    const data = await api.call("workers", "get_all", { last_seen: 0 });
    const workers = (Array.isArray(data.workers) ? data.workers : []) as Obj[];
    if (opts.json) {
      ctx.out(await renderData({ schema: "clearml.agent-list/v1", workers }, "json"));
    } else ctx.out(columns(workerRows(workers)));
  });
  parent.addCommand(cmd);
};
