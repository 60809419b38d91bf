/**
 * `clearml agent k8s-pod --task-file F`: the pod manifest (YAML) clearml-agent's k8s glue would
 * apply to run the task (agent-exec §5.12), the start script at
 * `CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH`. Written to stdout or `--output FILE`; the encoded
 * configuration holds credentials, so the file is created with mode 0600.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { renderData } from "./output.ts";
import { readTaskFile } from "./agent_plan_input.ts";
import { k8sPod } from "../agent/k8s_pod.ts";
import { SettingsView } from "../agent/settings_view.ts";
import { planWorkerIds } from "../agent/plan.ts";
import { hostname } from "node:os";

export const registerAgentK8sPod: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("k8s-pod")
      .description(
        "write the Kubernetes pod manifest that runs a task, as clearml-agent's k8s glue",
      )
      .requiredOption("--task-file <file>", "the task document (JSON or YAML, ClearML task shape)")
      .option("--output <file>", "write the manifest here (mode 0600) instead of stdout")
      .option("--worker-id <id>", "the glue's worker id (the pod's is <id>:<task id>)"),
  );
  cmd.action(async (opts, c) => {
    const g = globalsOf(c);
    const snap = takeSnapshot(ctx, g);
    const { task } = readTaskFile(opts.taskFile, ctx.cwd);
    const resolution = await resolveAsStarted(snap, "agent");
    const view = new SettingsView(resolution, snap.env, snap.home);
    const configPath = resolution.files.filter((f) => f.status === "parsed").pop()?.path;
    const configText = configPath ? readFileSync(configPath, "utf8") : "";
    const ids = planWorkerIds(
      view,
      { options: { command: "daemon", ...(opts.workerId ? { workerId: opts.workerId } : {}) } },
      { hostname: hostname(), pid: process.pid },
      task.id,
    );
    // On stdout the encoded configuration is masked unless --show-secrets; a file gets it whole.
    const mask = !opts.output && !g.showSecrets;
    const maskValues = [
      "agent.git_pass",
      "api.credentials.secret_key",
      "api.credentials.access_key",
    ]
      .map((k) => view.text(k) ?? "").filter((v) => v);
    const pod = k8sPod({
      task,
      view,
      workerId: ids.id,
      configText,
      ...(mask ? { maskValues } : {}),
    });
    if (mask && maskValues.length) {
      ctx.err(
        "note: credentials in the encoded configuration are masked; use --output FILE or --show-secrets\n",
      );
    }
    for (const w of pod.warnings) ctx.err(`warning: ${w}\n`);
    const yaml = await renderData(pod.manifest, "yaml");
    if (opts.output) {
      writeFileSync(opts.output, yaml, { mode: 0o600 });
      ctx.err(`wrote ${opts.output} (pod ${task.id}, start script ${pod.scriptPath})\n`);
    } else ctx.out(yaml);
  });
  parent.addCommand(cmd);
};
