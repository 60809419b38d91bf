/**
 * `clearml agent execute --task-file F [--docker [IMAGE]] [--cpu-only] [--gpus G]`: run one task
 * as clearml-agent's `execute` would, its output echoed here and kept in the temp stdout file.
 * Exit 0 when the task completed, 1 when it failed or was stopped. SIGINT/SIGTERM reach the
 * task; its whole process tree is ended.
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import type { CliContext } from "./context.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { agentExecute } from "./agent_task_run.ts";

export function taskFileOption() {
  return new Option("--task-file <file>", "the task document (JSON or YAML, ClearML task shape)")
    .makeOptionMandatory();
}

export const registerAgentExecute: Register = (parent, ctx: CliContext) => {
  const cmd = addGlobalOptions(
    new Command("execute")
      .description("run one task here (or in a container with --docker), as clearml-agent execute")
      .addOption(taskFileOption())
      .addOption(
        new Option("--docker [image]", "run the task in a container (default image if none)"),
      )
      .addOption(new Option("--cpu-only", "no GPUs for the task (CUDA/NVIDIA devices none)"))
      .addOption(new Option("--gpus <gpus>", "GPUs for the task (`0,1`, `0:1` MIG slices, `all`)")),
  );
  cmd.action((opts, c) => agentExecute(ctx, globalsOf(c), opts));
  parent.addCommand(cmd);
};
