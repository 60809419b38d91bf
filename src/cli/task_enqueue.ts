/** `clearml task enqueue ID [--queue Q]`: put a task in a queue (the server's default queue). */
import { Command } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { connect } from "./task_api.ts";
import { resolveQueues } from "../api/queues.ts";

export const registerTaskEnqueue: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("enqueue")
      .description("enqueue a task; without --queue, into the server's default queue")
      .argument("<task>", "task id")
      .option("--queue <name>", "queue name or id"),
  );
  cmd.action(async (task, opts, c) => {
    const { api } = await connect(ctx, globalsOf(c), "sdk");
    const [queue] = await resolveQueues(api, opts.queue ? [opts.queue] : [], false);
    await api.call("tasks", "enqueue", { task, queue: queue!.id });
    ctx.err(`Task ${task} enqueued in ${queue!.name}\n`);
  });
  parent.addCommand(cmd);
};
