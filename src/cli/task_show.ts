/** `clearml task show ID [--json]`: a task's status, code, container and times. */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { connect } from "./task_api.ts";
import { columns, renderData } from "./output.ts";

type Obj = Record<string, unknown>;

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** The text view: one `field  value` row per non-empty field. Pure. */
export function taskRows(task: Obj): string[][] {
  const script = (task.script ?? {}) as Obj;
  const container = (task.container ?? {}) as Obj;
  const execution = (task.execution ?? {}) as Obj;
  const rows: Array<[string, unknown]> = [
    ["id", task.id],
    ["name", task.name],
    ["status", task.status],
    ["status_reason", task.status_reason],
    ["status_message", task.status_message],
    ["project", task.project],
    ["queue", execution.queue],
    ["repository", script.repository],
    ["branch", script.branch],
    ["commit", script.version_num],
    ["entry_point", script.entry_point],
    ["working_dir", script.working_dir],
    ["image", container.image],
    ["docker_args", container.arguments],
    ["created", task.created],
    ["started", task.started],
    ["completed", task.completed],
    ["last_worker", task.last_worker],
    ["last_update", task.last_update],
  ];
  return rows.filter(([, v]) => str(v) !== "").map(([k, v]) => [k, str(v)]);
}

export const registerTaskShow: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("show")
      .description("show a task")
      .argument("<task>", "task id")
      .addOption(
        new Option("--json", "the task as the server returns it (schema clearml.task/v1)"),
      ),
  );
  cmd.action(async (id, opts, c) => {
    const { api } = await connect(ctx, globalsOf(c), "sdk");
    const data = await api.call("tasks", "get_by_id", { task: id });
    const task = (data.task ?? {}) as Obj;
    if (opts.json) ctx.out(await renderData({ schema: "clearml.task/v1", task }, "json"));
    else ctx.out(columns(taskRows(task)));
  });
  parent.addCommand(cmd);
};
