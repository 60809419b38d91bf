/**
 * `clearml agent build --task-file F --target DIR`: prepare the task's code and Python
 * environment in DIR (the venv, with the code under `task_repository/`), run nothing.
 */
import { Command, Option } from "@commander-js/extra-typings";
import { isAbsolute, join } from "node:path";
import type { Register } from "./program.ts";
import type { CliContext } from "./context.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { runAgentTask, taskFromFile } from "./agent_task_run.ts";
import { taskFileOption } from "./agent_execute.ts";

export const registerAgentBuild: Register = (parent, ctx: CliContext) => {
  const cmd = addGlobalOptions(
    new Command("build")
      .description("prepare a task's code and Python environment in --target, without running it")
      .addOption(taskFileOption())
      .addOption(
        new Option("--target <dir>", "where the environment goes (its code in task_repository/)")
          .makeOptionMandatory(),
      )
      .addOption(new Option("--cpu-only", "plan for no GPUs (CPU PyTorch wheels)")),
  );
  cmd.action(async (opts, c) => {
    await runAgentTask(ctx, globalsOf(c), {
      loadTask: () => taskFromFile(ctx, opts.taskFile),
      buildTarget: isAbsolute(opts.target) ? opts.target : join(ctx.cwd, opts.target),
      options: { command: "build", ...(opts.cpuOnly ? { cpuOnly: true } : {}) },
    });
  });
  parent.addCommand(cmd);
};
