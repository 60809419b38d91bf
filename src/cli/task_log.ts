/** `clearml task log ID [--follow]`: the task's log from the server, oldest first. */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { connect } from "./task_api.ts";
import { FINAL_STATUSES, taskLogAfter } from "../api/tasks.ts";
import { UsageError } from "../errors.ts";

export const registerTaskLog: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("log")
      .description("print a task's log; with --follow, keep printing until the task ends")
      .argument("<task>", "task id")
      .option("--follow", "wait for new lines until the task is completed, failed or stopped")
      .addOption(
        new Option("--interval <seconds>", "--follow: seconds between polls").default("1"),
      ),
  );
  cmd.action(async (id, opts, c) => {
    const seconds = Number(opts.interval);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(`--interval ${opts.interval}: expected a positive number of seconds`);
    }
    const { api } = await connect(ctx, globalsOf(c), "sdk");
    // The task must exist: a typo is an error, not an empty log.
    await api.call("tasks", "get_by_id", { task: id });
    let last: number | undefined;
    for (;;) {
      const lines = await taskLogAfter(api, id, last);
      for (const l of lines) {
        ctx.out(l.msg.endsWith("\n") ? l.msg : `${l.msg}\n`);
        last = l.timestamp;
      }
      if (!opts.follow) return;
      if (lines.length === 0) {
        const data = await api.call("tasks", "get_all", {
          id: [id],
          only_fields: ["status"],
          search_hidden: true,
        });
        const status = (data.tasks as Array<{ status?: string }> | undefined)?.[0]?.status ?? "";
        if (FINAL_STATUSES.has(status)) {
          // One last read: lines shipped between the previous read and the status change.
          for (const l of await taskLogAfter(api, id, last)) {
            ctx.out(l.msg.endsWith("\n") ? l.msg : `${l.msg}\n`);
          }
          return;
        }
        await new Promise((r) => setTimeout(r, seconds * 1000));
      }
    }
  });
  parent.addCommand(cmd);
};
