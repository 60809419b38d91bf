/**
 * `dockerStep()`: the `docker run` argv of a docker-mode task, in clearml-agent's order
 * (agent-exec §2.3-§2.12), and what runs inside the container. Pure: the host facts (image libc,
 * our binary's builds, random names, existing files) come from `HostFacts`.
 *
 * One deliberate difference (issue 6): where the image can run this binary, the container runs
 * it, mounted read-only, as `clearml agent execute`, instead of pip-installing clearml-agent:
 * the glibc build in glibc images, the musl build in musl images that have libstdc++/libgcc_s.
 * Elsewhere (another architecture, no libc, unknown image) the spec's pip-install script runs.
 * The differences in the argv are only: the `-v <binary>:/opt/clearml-agent/clearml:ro` (and
 * task-file) mounts placed just before `--rm`, `sh` instead of `bash` for musl images, and the
 * script's command.
 */
import type { DockerStep, HostFacts, InContainer, PlanOptions } from "./plan_types.ts";
import type { TaskDoc } from "./task.ts";
import { type SettingsView } from "./settings_view.ts";
import {
  anchored,
  DEFAULT_PROTECTED_SWITCHES,
  expandEnvArgs,
  filterTaskArgs,
  mergeDockerArgs,
} from "./docker_args.ts";
import {
  binaryPreamble,
  extraShellScript,
  type ScriptSettings,
  updateScheme,
} from "./docker_script.ts";
import { visibleDevices } from "../platform/parse/visible_devices.ts";
import { shlexSplit } from "../settings/shlex_split.ts";
import { maskArgv } from "../settings/mask.ts";
import { pyRepr } from "../settings/py_str.ts";
import { pyFormat } from "./py_format.ts";
import { ConfigError } from "../errors.ts";
import { agentTempDir } from "../platform/temp_stdout.ts";

/** The agent version whose behaviour we reproduce (pinned by `--force-current-version`). */
export const AGENT_VERSION = "1.9.2";
/** Where our binary is mounted in the container. */
export const CONTAINER_BINARY = "/opt/clearml-agent/clearml";
/** Where the task document is mounted when the task comes from a file. */
export const CONTAINER_TASK_FILE = "/opt/clearml-agent/task";
const ROOT_CONF = "/tmp/clearml.conf";

export interface DockerContext {
  view: SettingsView;
  task: TaskDoc;
  host: HostFacts;
  options: PlanOptions;
  workerId: string;
  parentWorkerId: string;
}

/** The agent's environment after `--cpu-only` / `--gpus` (agent-exec §3.5). */
export function deviceEnv(
  env: Readonly<Record<string, string>>,
  options: Pick<PlanOptions, "cpuOnly" | "gpus" | "servicesMode">,
): Record<string, string> {
  const out: Record<string, string> = { ...env };
  const k8s = Boolean(env.KUBERNETES_SERVICE_HOST) || Boolean(env.KUBERNETES_PORT);
  const services = (options.servicesMode ?? 0) !== 0;
  if (options.cpuOnly || services) {
    out.NVIDIA_VISIBLE_DEVICES = "none";
    out.CUDA_VISIBLE_DEVICES = "none";
  } else if (options.gpus !== undefined && !k8s) {
    if (options.gpus === "all") {
      delete out.CUDA_VISIBLE_DEVICES;
      out.NVIDIA_VISIBLE_DEVICES = "all";
    } else {
      out.NVIDIA_VISIBLE_DEVICES = out.CUDA_VISIBLE_DEVICES = options.gpus.replaceAll(".", ":");
    }
  }
  out.CUDA_DEVICE_ORDER = "PCI_BUS_ID";
  if (out.CUDA_VISIBLE_DEVICES && !out.NVIDIA_VISIBLE_DEVICES) {
    out.NVIDIA_VISIBLE_DEVICES = out.CUDA_VISIBLE_DEVICES;
  }
  return out;
}

/** Python's `shlex.quote`. */
export function shQuote(s: string): string {
  if (s === "") return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

function split(text: string, source: string): string[] {
  try {
    return shlexSplit(text);
  } catch (e: unknown) {
    throw new ConfigError(
      `${source}: ${(e as Error).message} in ${
        JSON.stringify(text)
      } (a shell-quoted list: every quote must be closed)`,
    );
  }
}

/** Image and arguments (agent-exec §2.1): the agent default, unless the task names an image. */
export function imageAndArgs(
  ctx: Pick<DockerContext, "view" | "task" | "options">,
): { image: string; args: string[] | null; usesDefault: boolean; why: string } {
  const { view, task, options } = ctx;
  const cli = options.docker ?? [];
  let image: string;
  let args: string[];
  let why: string;
  if (cli.length && cli[0]) {
    const tokens = cli[0].split(" ");
    image = tokens[0]!;
    args = tokens.length > 1 ? tokens.slice(1) : cli.length > 1 ? cli.slice(1) : defaultArgs(view);
    why = "--docker";
  } else {
    image = view.text("agent.default_docker.image") || "nvidia/cuda";
    args = defaultArgs(view);
    const img = view.variable("CLEARML_DOCKER_IMAGE");
    why = img?.status === "set" ? img.name ?? "CLEARML_DOCKER_IMAGE" : "agent.default_docker.image";
  }
  const taskImage = task.container.image?.trim();
  if (!taskImage || view.bool("agent.disable_task_docker_override", false)) {
    return { image, args, usesDefault: true, why };
  }
  const taskArgs = task.container.arguments === undefined
    ? null
    : split(task.container.arguments, `task ${task.id} container.arguments`);
  return { image: taskImage, args: taskArgs, usesDefault: false, why: "task container.image" };
}

function defaultArgs(view: SettingsView): string[] {
  return view.list("agent.default_docker.arguments") ?? [];
}

/** What runs in the container: our binary when the image can run it, else the pip script. */
export function chooseRunner(host: HostFacts): InContainer {
  const d = host.docker ?? {};
  const libc = d.imageLibc ?? "unknown";
  const binArch = d.binaryArch ?? host.arch;
  if (d.imageArch && binArch && d.imageArch !== binArch) {
    return fallback(`image architecture ${d.imageArch} differs from this binary's ${binArch}`);
  }
  if (libc === "glibc" && d.binaryGlibc) {
    return { runner: "glibc", why: "glibc image", binary: d.binaryGlibc, target: CONTAINER_BINARY };
  }
  if (libc === "musl" && d.binaryMusl && d.imageHasLibstdcxx !== false) {
    return {
      runner: "musl",
      why: "musl image with libstdc++",
      binary: d.binaryMusl,
      target: CONTAINER_BINARY,
    };
  }
  const reason = libc === "glibc"
    ? "glibc image but no glibc build of this binary"
    : libc === "musl"
    ? d.binaryMusl
      ? "musl image without libstdc++.so.6/libgcc_s.so.1"
      : "musl image but no musl build of this binary"
    : libc === "none"
    ? "image has no libc"
    : "image libc unknown";
  return fallback(reason);
}

function fallback(why: string): InContainer {
  return { runner: "pip-fallback", why, binary: null, target: null };
}

function pyList(items: readonly (string | null)[]): string {
  return `[${items.map((i) => (i === null ? "None" : pyRepr(i))).join(", ")}]`;
}

export function dockerStep(ctx: DockerContext): DockerStep {
  const { view, task, host, options, workerId, parentWorkerId } = ctx;
  const env = view.env;
  const messages: string[] = [];
  const debug = Boolean(options.debug) || view.bool("agent.debug", false);
  const dockerDebug = debug && (env.CLEARML_AGENT_DEBUG_INFO ?? "").trim() === "docker";
  const say = (m: string, tagged = false) => {
    if (tagged ? dockerDebug : debug) messages.push(`clearml_agent: ${m}`);
  };
  const services = (options.servicesMode ?? 0) !== 0;
  const { image, args: taskArgs, usesDefault, why } = imageAndArgs(ctx);
  const home = host.home;

  // Extra args (§2.5): the variable replaces the config list; an ssh agent socket is forwarded.
  let extra = view.list("agent.extra_docker_arguments") ?? null;
  const sock = (env.SSH_AUTH_SOCK ?? "").trim() ? env.SSH_AUTH_SOCK! : "";
  const sshDisabled = view.value("CLEARML_AGENT_DISABLE_SSH_MOUNT") === true ||
    view.bool("agent.disable_ssh_mount", false);
  let sshCopy: string | null = null;
  if (sock) {
    const pair = `SSH_AUTH_SOCK=${sock}`;
    if (!extra || !extra.includes(pair)) {
      extra = [...(extra ?? []), "-v", `${sock}:${sock}`, "-e", pair];
    }
  } else if (!sshDisabled) {
    if (host.existing.includes(`${home}/.ssh`)) {
      sshCopy = `${host.tmpdir}/clearml_agent.ssh.${host.random.ssh}`;
    } else messages.push(`Warning: no ${home}/.ssh to copy into the container, ssh mount dropped`);
  }

  // Container config (§2.2).
  const mounts = {
    sdkCache: view.text("agent.docker_internal_mounts.sdk_cache") || "/clearml_agent_cache",
    pipDownload: view.text("agent.docker_internal_mounts.pip_download") ||
      "/root/.clearml/pip-download-cache",
    vcs: view.text("agent.docker_internal_mounts.vcs_cache") || "/root/.clearml/vcs-cache",
    venvBuild: view.text("agent.docker_internal_mounts.venv_build") || "~/.clearml/venvs-builds",
    ssh: view.text("agent.docker_internal_mounts.ssh_folder") || "/root/.ssh",
    apt: view.text("agent.docker_internal_mounts.apt_cache") || "/var/cache/apt/archives",
    pip: view.text("agent.docker_internal_mounts.pip_cache") || "/root/.cache/pip",
    poetry: view.text("agent.docker_internal_mounts.poetry_cache") || "/root/.cache/pypoetry",
  };
  const sshRo = view.text("agent.docker_internal_mounts.ssh_ro_folder") ||
    `${mounts.ssh.replace(/\/+$/, "")}_ro`;
  const venvsCacheConfigured = venvsCachePath(view);
  let venvsTarget = "";
  const configOverrides: DockerStep["configOverrides"] = {
    "sdk.storage.cache.default_base_dir": mounts.sdkCache,
    "agent.pip_download_cache.path": mounts.pipDownload,
    "agent.vcs_cache.path": mounts.vcs,
    "agent.package_manager.conda_env_as_base_docker": false,
    "agent.default_python": "",
    "agent.python_binary": "",
    "agent.cuda_version": "",
    "agent.cudnn_version": "",
    "agent.venvs_dir": mounts.venvBuild,
    "agent.git_user": view.text("agent.git_user") ?? null,
    "agent.git_pass": view.text("agent.git_pass") ?? null,
  };
  if (view.value("CLEARML_AGENT_FORCE_SYSTEM_SITE_PACKAGES") !== false) {
    configOverrides["agent.package_manager.system_site_packages"] = true;
  }
  if (venvsCacheConfigured) {
    venvsTarget = view.text("agent.docker_internal_mounts.venvs_cache") ||
      "/root/.clearml/venvs-cache";
    configOverrides["agent.docker_internal_mounts.venvs_cache"] = venvsTarget;
    configOverrides["agent.venvs_cache.path"] = venvsTarget;
  }

  // Host cache paths (§2.7).
  say("Setting up docker config command");
  const hostCache = view.path("sdk.storage.cache.default_base_dir") ?? null;
  const hostPipDl = view.path("agent.pip_download_cache.path") ?? null;
  const hostVcs = view.bool("agent.vcs_cache.enabled", true)
    ? view.path("agent.vcs_cache.path") ?? null
    : null;
  const hostVenvs = venvsCacheConfigured
    ? view.path("agent.venvs_cache.path", venvsCacheConfigured) ?? null
    : null;
  const hostApt = view.path("agent.docker_apt_cache", "~/.clearml/apt-cache") ?? null;
  const hostPip = view.path("agent.docker_pip_cache", "~/.clearml/pip-cache") ?? null;
  const poetry = view.text("agent.package_manager.type") === "poetry" ||
    view.value("CLEARML_AGENT_FORCE_POETRY") === true;
  const hostPoetry = poetry
    ? view.path("agent.docker_poetry_cache", "~/.clearml/poetry-cache") ?? null
    : null;
  for (
    const [k, v] of [
      ["host_cache", hostCache],
      ["host_pip_dl", hostPipDl],
      ["host_vcs_cache", hostVcs],
      ["host_venvs_cache", hostVenvs],
      ["host_ssh_cache", sshCopy],
      ["host_apt_cache", hostApt],
      ["host_pip_cache", hostPip],
      ["host_poetry_cache", hostPoetry],
    ] as const
  ) say(`${k}: ${v ?? "None"}`);
  const mkdirs = [hostApt, hostPip, hostPoetry, hostCache, hostPipDl, hostVcs, sshCopy, hostVenvs]
    .filter((p): p is string => Boolean(p));
  const gitFiles = [`${home}/.git-credentials`, `${home}/.gitconfig`].filter((f) =>
    host.existing.includes(f)
  );
  const tempDir = agentTempDir(view.env, host.cwd, host.tmpdir);
  let configPath = `${tempDir}/.clearml_agent.${host.random.config}.cfg`;

  // The argv (§2.3).
  say("Constructing docker command", true);
  const argv = ["docker", "run", "-t"];
  const devEnv = deviceEnv(env, options);
  const gpu = visibleDevices(devEnv, false);
  argv.push(...gpu.dockerGpus);
  const nv = gpu.containerNv;

  let dockerArgs = taskArgs;
  if (dockerArgs && dockerArgs.length) {
    const filters = (view.list("agent.docker_args_filters") ?? []).map(anchored);
    dockerArgs = filterTaskArgs(dockerArgs, filters);
    if (view.bool("agent.docker_allow_host_environ", false)) {
      dockerArgs = expandEnvArgs(dockerArgs, env);
    }
  }
  const extraArgs = extra && extra.length ? expandEnvArgs(extra, env) : extra;
  argv.push(
    ...mergeDockerArgs(
      dockerArgs,
      extraArgs,
      view.list("agent.protected_docker_extra_args") ?? DEFAULT_PROTECTED_SWITCHES,
      view.bool("agent.docker_args_extra_precedes_task", true),
    ),
  );
  argv.push("-l", `clearml-worker-id=${workerId}`);
  argv.push("-l", `clearml-parent-worker-id=${parentWorkerId}`);
  const labels = view.value("CLEARML_AGENT_EXTRA_DOCKER_LABELS");
  for (const l of Array.isArray(labels) ? labels : []) argv.push("-l", String(l));
  say(`Command: ${pyList(argv)}`, true);

  const hostMount = view.envText(
    "CLEARML_AGENT_K8S_HOST_MOUNT",
    "CLEARML_AGENT_DOCKER_HOST_MOUNT",
    "TRAINS_AGENT_K8S_HOST_MOUNT",
    "TRAINS_AGENT_DOCKER_HOST_MOUNT",
  );
  let mapped = { hostApt, hostPip, hostPoetry, hostPipDl, hostCache, hostVcs, hostVenvs };
  let sshSource = sshCopy;
  if (hostMount || (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_PORT)) {
    const network = host.docker?.ownNetworkMode;
    if (network && !argv.some((a) => a.trim().startsWith("--network"))) {
      argv.push("--network", network);
    }
    argv.push("-e", `NVIDIA_VISIBLE_DEVICES=${nv}`);
    say(`Running in k8s: ${pyList(argv)}`, true);
  }
  if (hostMount) {
    const colon = hostMount.indexOf(":");
    const node = colon < 0 ? hostMount : hostMount.slice(0, colon);
    const pod = colon < 0 ? "" : hostMount.slice(colon + 1);
    const rewrite = (p: string | null): string | null => {
      if (!p) return p;
      if (!p.includes(pod)) {
        messages.push(`Warning: K8S mount missing, ignoring cached folder ${p}`);
        return null;
      }
      return p.replace(pod, node);
    };
    const before = Object.values(mapped);
    mapped = {
      hostApt: rewrite(hostApt),
      hostPip: rewrite(hostPip),
      hostPoetry: rewrite(hostPoetry),
      hostPipDl: rewrite(hostPipDl),
      hostCache: rewrite(hostCache),
      hostVcs: rewrite(hostVcs),
      hostVenvs: rewrite(hostVenvs),
    };
    say(`Mapping host mounts: ${pyList(before)}`, true);
    say(`Mapped host mounts: ${pyList(Object.values(mapped))}`, true);
    const quoted = encodeURIComponent(workerId).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    const podConf = `${pod.replace(/\/+$/, "")}/.clearml_agent.${quoted}.cfg`;
    configPath = podConf.split(pod).join(node);
    say(`Config file target: ${podConf}, host: ${configPath}`, true);
    if (sshCopy) {
      const podSsh = `${pod.replace(/\/+$/, "")}/.clearml_agent.${quoted}.ssh`;
      sshSource = podSsh.replace(pod, node);
      say(`Copied host SSH cache to: ${podSsh}, host ${sshSource}`, true);
    }
  }

  argv.push("-e", `CLEARML_WORKER_ID=${workerId}`);
  argv.push("-e", `CLEARML_DOCKER_IMAGE=${image}`);
  if (options.command !== "build") argv.push("-e", `CLEARML_TASK_ID=${task.id}`);
  const token = (env.CLEARML_AUTH_TOKEN ?? "").trim();
  if (token && !view.text("api.credentials.access_key")) {
    argv.push("-e", `CLEARML_AUTH_TOKEN=${token}`);
  }
  if (options.childReportTags?.length) {
    argv.push("-e", `CLEARML_WORKER_TAGS=${options.childReportTags.map(shQuote).join(" ")}`);
  }
  const skipPip = (env.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL ?? "").trim();
  if (skipPip) argv.push("-e", `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL=${skipPip}`);
  if (services) argv.push("-e", "CLEARML_AGENT_SERVICE_TASK=1");

  const runner = chooseRunner(host);
  let agentSpec = `clearml-agent${options.forceCurrentVersion ? `==${AGENT_VERSION}` : ""}`;
  const localWheel = env.FORCE_LOCAL_CLEARML_AGENT_WHEEL;
  const forcedRepo = view.envText("FORCE_CLEARML_AGENT_REPO", "CLEARML_AGENT_DOCKER_AGENT_REPO");
  if (localWheel && runner.runner === "pip-fallback") {
    const wheel = localWheel.startsWith("~") ? home + localWheel.slice(1) : localWheel;
    const target = `/tmp/${wheel.split("/").pop()}`;
    argv.push("-v", `${wheel}:${target}`);
    agentSpec = `"${target}"`;
  } else if (forcedRepo) agentSpec = forcedRepo;

  for (const f of gitFiles) argv.push("-v", `${f}:/root/${f.split("/").pop()}`);
  const name = containerName(view, task.id, workerId, host.random.container ?? "");
  if (name.warning) messages.push(name.warning);
  if (name.name) argv.push("--name", name.name);

  const scriptSettings: ScriptSettings = {
    initScript: initScript(view),
    preprocess: view.list("agent.docker_preprocess_bash_script"),
    installOpencv: view.bool("agent.docker_install_opencv_libs", true),
    sshMounted: Boolean(sshSource),
    mountSsh: mounts.ssh,
    mountSshRo: sshRo,
    pipVersions: view.list("agent.package_manager.pip_version") ?? [],
    agentSpec,
    extraShell: view.list("agent.extra_docker_shell_script"),
    setupShell: task.container.setup_shell_script,
  };
  say(
    `Adding mounts: host_ssh_cache=${sshSource ?? "None"}, host_apt_cache=${
      mapped.hostApt ?? "None"
    }, host_pip_cache=${mapped.hostPip ?? "None"}, host_poetry_cache=${
      mapped.hostPoetry ?? "None"
    }, host_pip_dl=${mapped.hostPipDl ?? "None"}, host_cache=${
      mapped.hostCache ?? "None"
    }, host_vcs_cache=${mapped.hostVcs ?? "None"}, host_venvs_cache=${mapped.hostVenvs ?? "None"}`,
    true,
  );
  argv.push("-v", `${configPath}:${ROOT_CONF}`, "-e", `CLEARML_CONFIG_FILE=${ROOT_CONF}`);
  const volumes: Array<[string | null, string]> = [
    [sshSource, sshRo],
    [mapped.hostApt, mounts.apt],
    [mapped.hostPip, mounts.pip],
    [mapped.hostPoetry, mounts.poetry],
    [mapped.hostPipDl, mounts.pipDownload],
    [mapped.hostCache, mounts.sdkCache],
    [mapped.hostVcs, mounts.vcs],
    [mapped.hostVenvs, venvsTarget],
  ];
  for (const [from, to] of volumes) if (from) argv.push("-v", `${from}:${to}`);

  // Ours: the binary (and the task file) mounted read-only, just before --rm.
  let inner: string;
  const nvPrefix = `NVIDIA_VISIBLE_DEVICES=${nv} `;
  if (runner.runner !== "pip-fallback") {
    argv.push("-v", `${runner.binary}:${runner.target}:ro`);
    let source = `--id ${shQuote(task.id)}`;
    if (options.taskFile) {
      const ext = options.taskFile.match(/\.(json|ya?ml)$/i)?.[0]?.toLowerCase() ?? ".json";
      argv.push("-v", `${options.taskFile}:${CONTAINER_TASK_FILE}${ext}:ro`);
      source = `--task-file ${CONTAINER_TASK_FILE}${ext}`;
    }
    inner = binaryPreamble(scriptSettings) + extraShellScript(scriptSettings) +
      `cp ${ROOT_CONF} ~/default_clearml.conf ; ${nvPrefix}${runner.target} agent execute ${source}`;
  } else {
    const suffix = options.standalone
      ? `execute --disable-monitoring --standalone-mode --id ${task.id}`
      : services
      ? `execute --full-monitoring  --id ${task.id}`
      : `execute --disable-monitoring  --id ${task.id}`;
    inner = updateScheme(scriptSettings, Boolean(options.standalone)) +
      extraShellScript(scriptSettings) +
      `cp ${ROOT_CONF} ~/default_clearml.conf ; ${nvPrefix}$LOCAL_PYTHON -u -m clearml_agent ` +
      suffix;
  }
  if (options.restart) argv.splice(3, 0, "--restart", options.restart);
  else argv.push("--rm");
  argv.push(image, runner.runner === "musl" ? "sh" : "bash", "-c", inner);

  return {
    kind: "docker",
    why: usesDefault ? `${why} (default docker)` : why,
    image,
    argv,
    argvDisplay: displayArgv(view, argv),
    script: inner,
    inContainer: runner,
    configPath,
    configOverrides,
    sshCopy: sshCopy ? { from: `${home}/.ssh`, to: sshCopy } : null,
    mkdirs,
    messages,
  };
}

/** The host venvs cache folder the daemon mounts: from the configuration, not the variable. */
function venvsCachePath(view: SettingsView): string | undefined {
  const node = view.node("agent.venvs_cache.path");
  if (node?.origin.kind === "env" && node.origin.name === "CLEARML_AGENT_VENV_CACHE_PATH") {
    // The variable only reaches the process that builds venvs (§1 row 32).
    return "~/.clearml/venvs-cache";
  }
  return view.text("agent.venvs_cache.path") || undefined;
}

function initScript(view: SettingsView): string[] | string | undefined {
  const v = view.plain("agent.docker_init_bash_script");
  if (v === undefined || v === null || v === "") return undefined;
  return Array.isArray(v) ? v.map(String) : String(v);
}

/** `agent.docker_container_name_format` (§2.12); custom fields need the server and are left out. */
function containerName(
  view: SettingsView,
  taskId: string,
  workerId: string,
  rand: string,
): { name?: string; warning?: string } {
  const format = view.text("agent.docker_container_name_format");
  if (!format) return {};
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9._-]/g, "-");
  const r = pyFormat(format, {
    task_id: safe(taskId),
    worker_id: safe(workerId),
    rand_string: rand,
  });
  if (!r.ok) return { warning: `Warning: could not format docker container name: ${r.error}` };
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(r.value)) {
    return { warning: `Warning: generated docker container name is invalid: ${r.value}` };
  }
  return { name: r.value };
}

/** The printed form (§2.10): masked when enabled by config or `CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV`. */
export function displayArgv(view: SettingsView, argv: readonly string[]): string[] {
  const hide = view.value("CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV");
  const hideNames = Array.isArray(hide) ? hide.map(String) : [];
  const enabled = view.bool("agent.hide_docker_command_env_vars.enabled", true) ||
    hideNames.length > 0;
  if (!enabled) return [...argv];
  const extraKeys = view.list("agent.hide_docker_command_env_vars.extra_keys") ?? [];
  return maskArgv(argv, [...new Set([...extraKeys, ...hideNames])], {
    agentCompat: true,
    parseEmbeddedUrls: view.bool("agent.hide_docker_command_env_vars.parse_embedded_urls", true),
  });
}
