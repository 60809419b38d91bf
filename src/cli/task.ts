/**
 * `clearml task create|enqueue|show|log`: a minimal client for any ClearML server, the local
 * `clearml serve` or a real one. Each subcommand lives in its own `task_<sub>.ts`.
 */
import { Command } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions } from "./global_options.ts";
import { registerTaskCreate } from "./task_create.ts";
import { registerTaskEnqueue } from "./task_enqueue.ts";
import { registerTaskShow } from "./task_show.ts";
import { registerTaskLog } from "./task_log.ts";

export const registerTask: Register = (parent, ctx) => {
  const task = addGlobalOptions(
    new Command("task").description(
      "create, enqueue, show and follow ClearML tasks on the configured server",
    ),
  );
  for (const r of [registerTaskCreate, registerTaskEnqueue, registerTaskShow, registerTaskLog]) {
    r(task, ctx);
  }
  parent.addCommand(task);
};
