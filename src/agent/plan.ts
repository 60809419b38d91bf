/**
 * `plan(task, settings, host)`: what `clearml agent execute` does for one task, as ordered
 * steps (plan_types.ts). Pure: settings come resolved, host facts gathered at the edge; nothing
 * is read, probed or fetched here. A setting the agent would refuse stops the plan with a
 * `ConfigError` naming it.
 */
import { posix } from "node:path";
import { ConfigError } from "../errors.ts";
import {
  type CommandStep,
  type HostFacts,
  type Plan,
  PLAN_SCHEMA,
  type PlanSettings,
  type PlanStep,
  type StdoutFileStep,
} from "./plan_types.ts";
import type { TaskDoc } from "./task.ts";
import { expandVars, SettingsView } from "./settings_view.ts";
import { deviceEnv, dockerStep } from "./docker_argv.ts";
import { codeStep } from "./code_step.ts";
import { choosePython, pythonEnvStep, venvFolder } from "./python_step.ts";
import { pytorchStep } from "./pytorch_step.ts";
import { childEnvStep } from "./child_env_step.ts";
import { visibleDevices, workerId as makeWorkerId } from "./worker_id.ts";
import { childCountArgv } from "./child_count_cmd.ts";
import { shlexSplit } from "../settings/shlex_split.ts";
import { normalizeCudaVersion } from "../settings/normalize_cuda.ts";
import { agentTempDir, tempStdoutSetting } from "../platform/temp_stdout.ts";

/** The worker id and its parent (the daemon's id; the same outside services mode). */
export function planWorkerIds(
  view: SettingsView,
  settings: Pick<PlanSettings, "options">,
  host: Pick<HostFacts, "hostname" | "pid">,
  taskId: string,
): { id: string; parent: string } {
  const o = settings.options;
  const name = view.text("agent.worker_name") || host.hostname;
  const configured = o.workerId || view.text("agent.worker_id") || "";
  const services = (o.servicesMode ?? 0) !== 0;
  const docker = o.docker !== undefined || services || o.command === "daemon";
  const cpuOnly = Boolean(o.cpuOnly) || services || view.value("CLEARML_CPU_ONLY") === true;
  const id = makeWorkerId({
    name,
    configuredId: configured,
    devices: visibleDevices(view.env, {
      cpuOnly,
      ...(o.gpus !== undefined ? { gpus: o.gpus } : {}),
    }),
    mode: docker ? "daemon" : "execute",
    pid: host.pid,
    slot: 0,
  }).id;
  return services ? { id: `${id}:service:${taskId}`, parent: id } : { id, parent: id };
}

function stdoutStep(view: SettingsView, host: HostFacts): StdoutFileStep {
  const forced = tempStdoutSetting(view.env, host.cwd);
  const dir = agentTempDir(view.env, host.cwd, host.tmpdir);
  return {
    kind: "stdout-file",
    dir,
    path: posix.join(dir, `.clearml_agent_out.${host.random.stdout}.txt`),
    why: forced ? "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR" : "the temp directory",
  };
}

/** The task's command (§5.5 step 15). */
function commandStep(
  task: TaskDoc,
  view: SettingsView,
  python: string,
  entry: string,
  cwd: string,
  jobEnv: Readonly<Record<string, string>>,
  messages: string[],
): CommandStep {
  const binary = (task.script.binary ?? "").split("/").pop() ?? "";
  let isPython = binary.startsWith("python");
  const isShell = !isPython && ["bash", "zsh", "sh"].includes(binary);
  if (!isPython && !isShell) {
    if ((task.script.binary ?? "").trim()) {
      messages.push(`WARNING binary '${task.script.binary}' not supported, defaulting to python`);
    }
    isPython = true;
  }
  const first = entry.trim().split(/\s+/)[0] ?? "";
  const split = (text: string, source: string) => {
    try {
      return shlexSplit(text);
    } catch (e: unknown) {
      throw new ConfigError(`${source}: ${(e as Error).message} in ${JSON.stringify(text)}`);
    }
  };
  if (isPython) {
    const argv = [python, "-u"];
    if (first === "-m") {
      const execUser = view.envText("CLEARML_AGENT_EXEC_USER", "TRAINS_AGENT_EXEC_USER");
      const text = entry.includes("$") && !execUser
        ? expandVars(entry, { ...view.env, ...jobEnv })
        : entry;
      argv.push(...split(text, `task ${task.id} script.entry_point`));
    } else {
      if (entry.trim().toLowerCase().endsWith(".ipynb")) {
        messages.push(
          `WARNING: notebook entry point ${entry}: convert it first (python -m nbconvert --to python)`,
        );
      }
      argv.push(entry);
    }
    return { kind: "command", argv, cwd, why: "task script.entry_point" };
  }
  const shell = view.env.SHELL || "/bin/bash";
  if (first === "-c") {
    return {
      kind: "command",
      argv: [shell, "-c", entry.trim().split(/\s+/).slice(1).join(" ")],
      cwd,
      why: "task script.binary (shell) + script.entry_point",
    };
  }
  return { kind: "command", argv: [shell, entry], cwd, why: "task script.binary (shell)" };
}

function collectSecrets(view: SettingsView, steps: PlanStep[]): string[] {
  const out = new Set<string>();
  for (const key of ["agent.git_pass", "api.credentials.secret_key"]) {
    const v = view.text(key);
    if (v) out.add(v);
  }
  const token = view.env.CLEARML_AUTH_TOKEN?.trim();
  if (token) out.add(token);
  for (const s of steps) {
    if (s.kind === "child-env") {
      for (const e of s.set) if (e.secret && e.value) out.add(e.value);
    }
    if (s.kind === "docker") {
      s.argv.forEach((a, i) => {
        const shown = s.argvDisplay[i];
        if (shown === undefined || shown === a) return;
        const eq = a.indexOf("=");
        const shownEq = shown.indexOf("=");
        if (
          eq >= 0 && shownEq === eq && a.slice(0, eq) === shown.slice(0, eq) &&
          shown.slice(eq + 1) === "********"
        ) {
          out.add(a.slice(eq + 1));
        } else {
          const m = /:\/\/[^:/@\s]*:([^@\s/]+)@/.exec(a);
          if (m) out.add(m[1]!);
        }
      });
    }
  }
  return [...out].filter((v) => v.length > 0);
}

export function plan(task: TaskDoc, settings: PlanSettings, host: HostFacts): Plan {
  const fatal = settings.resolution.fatal[0];
  if (fatal) throw new ConfigError(`${fatal.subject}: ${fatal.message}`);
  const view = new SettingsView(settings.resolution, settings.env, host.home);
  const options = { ...settings.options };
  const services = (options.servicesMode ?? 0) !== 0;
  if (view.value("CLEARML_CPU_ONLY") === true || services) options.cpuOnly = true;
  const ids = planWorkerIds(view, { ...settings, options }, host, task.id);
  const warnings: string[] = [];
  const steps: PlanStep[] = [];
  const stdout = stdoutStep(view, host);

  if (options.docker !== undefined) {
    steps.push(
      dockerStep({ view, task, host, options, workerId: ids.id, parentWorkerId: ids.parent }),
    );
  } else {
    const choice = choosePython(task, view, host);
    const folder = venvFolder(view, choice);
    const code = codeStep({ task, view, home: host.home, venvFolder: folder });
    const cuda = options.cpuOnly
      ? "0"
      : normalizeCudaVersion(view.text("agent.cuda_version") || host.cuda?.cuda || "0");
    const torch = pytorchStep(
      view,
      host,
      cuda,
      choice.selected.suffix,
      code.source === "force-dir" || choice.mode === "skip"
        ? undefined
        : task.script.requirements?.pip,
    );
    const py = pythonEnvStep({
      task,
      view,
      host,
      choice,
      cuda,
      requirementsText: torch.requirementsText,
      torchIndexUrl: torch.step.extraIndexUrl,
      codeDir: code.codeDir,
      cwd: code.cwd,
      hasRepository: code.source === "git",
    });
    const devEnv = deviceEnv(view.env, options);
    const configFile = view.envText("CLEARML_CONFIG_FILE", "TRAINS_CONFIG_FILE") ??
      settings.resolution.files.filter((f) => f.status === "parsed").pop()?.path ?? null;
    const child = childEnvStep({
      task,
      view,
      deviceEnv: devEnv,
      workerId: ids.id,
      logLevel: (options.logLevel ?? "INFO").toUpperCase(),
      configFile,
      scriptDir: code.cwd,
      entryPoint: code.source === "script" ? posix.basename(code.scriptPath) : code.entryPoint,
    });
    const jobEnv = Object.fromEntries(child.set.map((e) => [e.name, e.value]));
    const cmdMessages: string[] = [];
    const command = commandStep(
      task,
      view,
      py.taskPython,
      code.entryPoint,
      code.cwd,
      jobEnv,
      cmdMessages,
    );
    warnings.push(...cmdMessages);
    steps.push(code, py, torch.step, child, command);
    for (const r of torch.step.requirements) {
      if (r.status === "failed") warnings.push(`PyTorch: ${r.line}: ${r.error}`);
    }
  }
  steps.push(stdout);
  if (services) {
    const limit = options.servicesMode ?? -1;
    let countArgv: string[] | null = null;
    if (limit > 0) {
      const r = childCountArgv(view.envText("CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD"), ids.parent);
      if (!r.ok) {
        throw new ConfigError(
          `CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD: ${r.error} (a command; literal braces doubled, {parent_worker_label} expands)`,
        );
      }
      countArgv = r.argv;
    }
    steps.push({
      kind: "services",
      limit,
      countArgv,
      why: limit > 0
        ? "--services-mode N (CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD)"
        : "--services-mode",
    });
  }
  return {
    schema: PLAN_SCHEMA,
    task: { id: task.id, name: task.name ?? null },
    mode: options.docker !== undefined ? "docker" : "local",
    workerId: ids.id,
    steps,
    warnings,
    secretValues: collectSecrets(view, steps),
  };
}
