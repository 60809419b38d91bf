/**
 * `clearml agent execute --task-file F | --id T [--docker [IMAGE]] [--cpu-only] [--gpus G]`: run
 * one task as clearml-agent's `execute` would (`--id`: from the server, agent_execute_id.ts), its output echoed here and kept in the temp stdout file.
 * Exit 0 when the task completed, 1 when it failed or was stopped. SIGINT/SIGTERM reach the
 * task; its whole process tree is ended.
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import type { CliContext } from "./context.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { agentExecute } from "./agent_task_run.ts";
import { agentExecuteById } from "./agent_execute_id.ts";
import { UsageError } from "../errors.ts";

export function taskFileOption() {
  return new Option("--task-file <file>", "the task document (JSON or YAML, ClearML task shape)")
    .makeOptionMandatory();
}

export const registerAgentExecute: Register = (parent, ctx: CliContext) => {
  const cmd = addGlobalOptions(
    new Command("execute")
      .description("run one task here (or in a container with --docker), as clearml-agent execute")
      .addOption(
        new Option("--task-file <file>", "the task document (JSON or YAML, ClearML task shape)"),
      )
      .addOption(new Option("--id <task>", "the task on the configured server (instead of a file)"))
      .addOption(
        new Option("--disable-monitoring", "--id: no log shipping, no final status (the daemon's)"),
      )
      .addOption(
        new Option("--docker [image]", "run the task in a container (default image if none)"),
      )
      .addOption(new Option("--cpu-only", "no GPUs for the task (CUDA/NVIDIA devices none)"))
      .addOption(new Option("--gpus <gpus>", "GPUs for the task (`0,1`, `0:1` MIG slices, `all`)")),
  );
  cmd.action((opts, c) => {
    const { id, taskFile, disableMonitoring, ...rest } = opts;
    if (id !== undefined && taskFile !== undefined) {
      throw new UsageError("--id and --task-file: give one of them");
    }
    if (id !== undefined) {
      return agentExecuteById(ctx, globalsOf(c), {
        id,
        ...rest,
        ...(disableMonitoring ? { disableMonitoring } : {}),
      });
    }
    if (taskFile === undefined) throw new UsageError("--task-file FILE or --id TASK is required");
    return agentExecute(ctx, globalsOf(c), { taskFile, ...rest });
  });
  parent.addCommand(cmd);
};
