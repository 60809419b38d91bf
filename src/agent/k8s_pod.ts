/**
 * `k8sPod()`: the pod (or job) manifest clearml-agent's k8s glue applies for a task (agent-exec
 * §5.12, T88): the configuration and the start script passed base64-encoded in `bash -c`, the
 * script appended to `CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH` (default `~/__start_agent__.sh`)
 * and run; the task's `-e` docker arguments become the container's env. Pure: the caller reads
 * the configuration file.
 */
import type { TaskDoc } from "./task.ts";
import type { SettingsView } from "./settings_view.ts";
import { ConfigError } from "../errors.ts";
import { shlexSplit } from "../settings/shlex_split.ts";
import { pyFormat } from "./py_format.ts";

const APT = [
  "export DEBIAN_FRONTEND='noninteractive'",
  `echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/docker-clean`,
  "chown -R root /root/.cache/pip",
  "apt-get update",
  "apt-get install -y git libsm6 libxext6 libxrender-dev libglib2.0-0",
];

/** The glue's start script template (`str.format` fields in braces). */
export const START_SCRIPT = [
  ...APT.map((l) => `[ ! -z "$CLEARML_AGENT_SKIP_CONTAINER_APT" ] || ${l}`),
  "declare LOCAL_PYTHON",
  "[ ! -z $LOCAL_PYTHON ] || for i in {{20..5}}; do which python3.$i && python3.$i -m pip --version && " +
  "export LOCAL_PYTHON=$(which python3.$i) && break ; done",
  '[ ! -z "$CLEARML_AGENT_SKIP_CONTAINER_APT" ] || [ ! -z "$LOCAL_PYTHON" ] || apt-get install -y python3-pip',
  "[ ! -z $LOCAL_PYTHON ] || export LOCAL_PYTHON=python3",
  "rm /usr/lib/python3.*/EXTERNALLY-MANAGED",
  "{extra_bash_init_cmd}",
  "[ ! -z $CLEARML_AGENT_NO_UPDATE ] || $LOCAL_PYTHON -m pip install clearml-agent{agent_install_args}",
  "{extra_docker_bash_script}",
  "$LOCAL_PYTHON -m clearml_agent execute {default_execution_agent_args} --id {task_id}",
];

export interface K8sPodInput {
  task: TaskDoc;
  view: SettingsView;
  /** The glue's worker id; the task's is `<id>:<task id>`. */
  workerId: string;
  /** The glue's configuration file text (`~/clearml.conf`), "" when there is none. */
  configText: string;
  /** `CLEARML_AUTH_TOKEN` of the task session, when the glue runs tasks on the owner's token. */
  taskToken?: string;
  /** Values replaced by `********` in the encoded configuration (a printable manifest). */
  maskValues?: string[];
}

export interface K8sPod {
  manifest: Record<string, unknown>;
  /** The start script (decoded), for display. */
  script: string;
  scriptPath: string;
  /** The configuration appended to ~/clearml.conf (decoded): holds secrets. */
  config: string;
  warnings: string[];
}

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** The glue's `_safe_k8s_label_value`. */
export function safeLabelValue(value: string): string {
  return value.toLowerCase().trim().replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "")
    .replace(/\W+/g, "-").replace(/_+/g, "-").replace(/-+/g, "-").slice(0, 63);
}

export function k8sPod(input: K8sPodInput): K8sPod {
  const { task, view } = input;
  const warnings: string[] = [];
  const kind = (view.env.CLEARML_K8S_GLUE_KIND ?? "pod").toLowerCase();
  if (kind !== "pod" && kind !== "job") {
    throw new ConfigError(
      `CLEARML_K8S_GLUE_KIND=${
        JSON.stringify(view.env.CLEARML_K8S_GLUE_KIND)
      }: expected pod or job`,
    );
  }
  let image = task.container.image?.trim() ?? "";
  let argsText = task.container.arguments;
  let args: string[] = [];
  if (!image) {
    image = view.envText("CLEARML_DOCKER_IMAGE", "TRAINS_DOCKER_IMAGE") ||
      view.text("agent.default_docker.image") || "nvidia/cuda";
    args = view.list("agent.default_docker.arguments") ?? [];
    argsText = undefined;
  }
  if (argsText !== undefined) {
    try {
      args = shlexSplit(argsText);
    } catch (e: unknown) {
      throw new ConfigError(
        `task ${task.id} container.arguments: ${(e as Error).message} in ${
          JSON.stringify(argsText)
        }`,
      );
    }
  }

  // Task docker args: only -e/--env pass, as the container's env.
  const env: Array<{ name: string; value: string }> = [];
  for (let i = 0; i < args.length; i++) {
    const cmd = args[i]!.trim();
    if (cmd === "-e" || cmd === "--env") {
      const pair = (args[++i] ?? "").trim();
      const eq = pair.indexOf("=");
      env.push({
        name: eq < 0 ? pair : pair.slice(0, eq),
        value: eq < 0 ? "" : pair.slice(eq + 1),
      });
    } else warnings.push(`skipping docker argument ${cmd} (only -e --env supported)`);
  }
  const setEnv = (name: string, value: string) => {
    const hit = env.find((e) => e.name === name);
    if (hit) hit.value = value;
    else env.push({ name, value });
  };
  setEnv("CLEARML_WORKER_ID", `${input.workerId}:${task.id}`);

  // The configuration given to the pod.
  const force = view.value("CLEARML_AGENT_FORCE_SYSTEM_SITE_PACKAGES");
  const gitUser = view.text("agent.git_user");
  const gitPass = view.text("agent.git_pass");
  const extra = [
    force !== false ? "agent.package_manager.system_site_packages: true" : "",
    gitUser ? `agent.git_user: "${gitUser}"` : "",
    gitPass ? `agent.git_pass: "${gitPass}"` : "",
  ].filter((x) => x);
  let config = `${input.configText}\n${extra.join("\n")}\n`;
  for (const v of input.maskValues ?? []) if (v) config = config.split(v).join("********");
  const commands = [`echo '${b64(config)}' | base64 --decode >> ~/clearml.conf`];
  if (input.taskToken) {
    commands.push(`export CLEARML_AUTH_TOKEN=$(echo '${b64(input.taskToken)}' | base64 --decode)`);
  }

  let extraShell = (view.list("agent.extra_docker_shell_script") ?? []).join("\n");
  if (task.container.setup_shell_script) extraShell += `\n${task.container.setup_shell_script}\n`;
  const fields = {
    extra_bash_init_cmd: "",
    task_id: task.id,
    extra_docker_bash_script: extraShell,
    default_execution_agent_args: view.envText("K8S_GLUE_DEF_EXEC_AGENT_ARGS") ??
      "--full-monitoring --require-queue",
    agent_install_args: view.envText("K8S_GLUE_POD_AGENT_INSTALL_ARGS") ?? "",
  };
  const lines = START_SCRIPT.map((l) => {
    const r = pyFormat(l, fields);
    if (!r.ok) throw new ConfigError(`k8s start script: ${r.error}`);
    return r.value;
  });
  const script = ["#!/bin/bash", ...lines].join("\n");
  const scriptPath = view.envText("CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH") ||
    "~/__start_agent__.sh";
  commands.push(
    `echo '${b64(script)}' | base64 --decode >> ${scriptPath} ; /bin/bash ${scriptPath}`,
  );

  const podName = `clearml-id-${task.id}`;
  let container: Record<string, unknown>;
  const entrypoint = (view.env.K8S_GLUE_POD_USE_IMAGE_ENTRYPOINT ?? "").trim().toLowerCase();
  if (["y", "yes", "t", "true", "on", "1"].includes(entrypoint)) {
    setEnv("CLEARML_TASK_ID", task.id);
    if (input.taskToken) setEnv("CLEARML_AUTH_TOKEN", input.taskToken);
    container = { env, name: podName, image };
  } else {
    container = {
      env,
      name: podName,
      image,
      command: ["/bin/bash"],
      args: ["-c", `${commands.join(" ; ")} ; exit 0`],
    };
  }
  const queue = task.execution?.queue ?? "";
  const labels: Record<string, string> = { CLEARML: "agent" };
  if (queue) labels["clearml-agent-queue"] = safeLabelValue(queue);
  labels["clearml-agent-queue-name"] = "k8s";
  const podSpec = { containers: [container], restartPolicy: "Never" };
  const manifest: Record<string, unknown> = kind === "job"
    ? {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: podName, labels },
      spec: { backoffLimit: 0, template: { metadata: { labels }, spec: podSpec } },
    }
    : { apiVersion: "v1", kind: "Pod", metadata: { name: podName, labels }, spec: podSpec };
  return { manifest, script, scriptPath, config, warnings };
}
