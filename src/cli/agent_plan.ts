/**
 * `clearml agent plan --task-file F`: what `clearml agent execute` would do for the task, without
 * doing it — code, Python env, PyTorch, docker argv, child environment, command, stdout file —
 * as text or JSON (schema `clearml.agent-plan/v1`), secrets masked unless `--show-secrets`.
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { renderData } from "./output.ts";
import { gatherPlanInput, type PlanCliOptions, planWithTorch } from "./agent_plan_input.ts";
import { maskPlan } from "../agent/plan_mask.ts";
import { renderPlanText } from "../agent/plan_text.ts";
import { ConfigError, UsageError } from "../errors.ts";
import { stepOf } from "../agent/plan_types.ts";
import { statSync } from "node:fs";

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `--docker [IMAGE]`: true → the agent default image, a string → that image (and args). */
export function dockerOption(value: string | boolean | undefined): string[] | undefined {
  if (value === undefined || value === false) return undefined;
  return value === true ? [] : [value];
}

/** `--services-mode [N]`: alone → -1 (no limit). */
export function servicesOption(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return -1;
  if (!/^-?\d+$/.test(value)) {
    throw new UsageError(`--services-mode ${value}: expected a number (the limit; -1 = none)`);
  }
  return Number(value);
}

export const registerAgentPlan: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("plan")
      .description("show what `agent execute` would do for a task, without running anything")
      .requiredOption("--task-file <file>", "the task document (JSON or YAML, ClearML task shape)")
      .addOption(new Option("--docker [image]", "plan a docker run (default image: the agent's)"))
      .option("--cpu-only", "no GPUs (NVIDIA_VISIBLE_DEVICES=none)")
      .option("--gpus <gpus>", "GPUs the task may use (e.g. 0,1 or all)")
      .addOption(new Option("--services-mode [limit]", "services mode (limit, -1 = no limit)"))
      .option("--worker-id <id>", "the worker id to plan for (default: as the agent makes it)")
      .option("--log-level <level>", "log level exported to the task", "INFO")
      .option("--standalone-mode", "docker: the image brings its own agent")
      .option("--force-current-version", "docker pip fallback: pin clearml-agent 1.9.2")
      .option("--debug", "with CLEARML_AGENT_DEBUG_INFO=docker: the agent's docker debug lines")
      .option("--no-resolve-torch", "do not fetch PyTorch index pages (torch lines stay pending)")
      .option("--no-inspect-image", "do not look into the docker image for its libc")
      .option("--json", "JSON output (schema clearml.agent-plan/v1)"),
  );
  cmd.action(async (opts, c) => {
    const g = globalsOf(c);
    const snap = takeSnapshot(ctx, g);
    const docker = dockerOption(opts.docker);
    const services = servicesOption(opts.servicesMode);
    const options: PlanCliOptions = {
      command: "execute",
      logLevel: opts.logLevel,
      resolveTorch: opts.resolveTorch,
      inspectImage: opts.inspectImage,
      ...(docker ? { docker } : {}),
      ...(opts.cpuOnly ? { cpuOnly: true } : {}),
      ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
      ...(services !== undefined ? { servicesMode: services } : {}),
      ...(opts.workerId ? { workerId: opts.workerId } : {}),
      ...(opts.standaloneMode ? { standalone: true } : {}),
      ...(opts.forceCurrentVersion ? { forceCurrentVersion: true } : {}),
      ...(opts.debug ? { debug: true } : {}),
    };
    const input = await gatherPlanInput(ctx, snap, opts.taskFile, options);
    const p = await planWithTorch(input, { resolveTorch: opts.resolveTorch });
    const code = stepOf(p, "code");
    if (code?.source === "force-dir" && !isDirectory(code.codeDir)) {
      throw new ConfigError(
        `CLEARML_AGENT_FORCE_CODE_DIR=${code.codeDir}: no such directory (expected the task's code directory)`,
      );
    }
    const printed = maskPlan(p, Boolean(g.showSecrets));
    ctx.out(opts.json ? await renderData(printed, "json") : renderPlanText(printed));
  });
  parent.addCommand(cmd);
};
