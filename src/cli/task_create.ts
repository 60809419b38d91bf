/** `clearml task create`: a task from a repository and a script, optionally enqueued. */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { connect } from "./task_api.ts";
import { renderData } from "./output.ts";
import { createTaskBody } from "../api/tasks.ts";
import { projectId } from "../api/projects.ts";
import { resolveQueue } from "../api/queues.ts";
import { UsageError } from "../errors.ts";

export const registerTaskCreate: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("create")
      .description("create a task (status created); with --queue, enqueue it too")
      .requiredOption("--name <name>", "task name (3 characters or more)")
      .option("--project <name>", "project name (created when missing)")
      .requiredOption("--repo <url>", "git repository URL the agent clones")
      .option("--branch <branch>", "branch to check out")
      .requiredOption("--script <path>", "entry point, relative to the repository")
      .option("--cwd <dir>", "working directory in the repository", ".")
      .option("--requirements <file>", "a requirements.txt whose text becomes the task's pip list")
      .option("--docker <image>", "container image the task runs in (docker mode)")
      .option("--docker-args <args>", "docker arguments, one string")
      .option("--queue <name>", "enqueue into this queue (name or id)")
      .addOption(new Option("--json", "print {schema, id, queue} as JSON")),
  );
  cmd.action(async (opts, c) => {
    if (opts.name.trim().length < 3) {
      throw new UsageError(`--name ${opts.name}: expected at least 3 characters`);
    }
    let requirements: string | undefined;
    if (opts.requirements !== undefined) {
      const path = isAbsolute(opts.requirements)
        ? opts.requirements
        : join(ctx.cwd, opts.requirements);
      try {
        requirements = readFileSync(path, "utf8");
      } catch (e: unknown) {
        throw new UsageError(
          `--requirements ${opts.requirements}: cannot read ${path} (${
            (e as { code?: string }).code ?? e
          })`,
        );
      }
    }
    const { api } = await connect(ctx, globalsOf(c), "sdk");
    const project = opts.project ? await projectId(api, opts.project, ctx.err) : undefined;
    const body = createTaskBody({
      name: opts.name.trim(),
      repo: opts.repo,
      script: opts.script,
      workingDir: opts.cwd,
      ...(project ? { project } : {}),
      ...(opts.branch ? { branch: opts.branch } : {}),
      ...(requirements !== undefined ? { requirements } : {}),
      ...(opts.docker ? { docker: opts.docker } : {}),
      ...(opts.dockerArgs ? { dockerArgs: opts.dockerArgs } : {}),
    });
    const created = await api.call("tasks", "create", body);
    const id = String(created.id);
    let queue: { id: string; name: string } | undefined;
    if (opts.queue) {
      queue = await resolveQueue(api, opts.queue, false);
      await api.call("tasks", "enqueue", { task: id, queue: queue.id });
    }
    if (opts.json) {
      ctx.out(
        await renderData({ schema: "clearml.task-create/v1", id, queue: queue ?? null }, "json"),
      );
    } else {
      ctx.out(`${id}\n`);
      ctx.err(
        queue ? `Task ${id} created and enqueued in ${queue.name}\n` : `Task ${id} created\n`,
      );
    }
  });
  parent.addCommand(cmd);
};
