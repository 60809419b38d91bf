/**
 * Doctor's docker category: what clearml-agent's docker mode needs from this machine (the CLI,
 * a reachable daemon ≥ 19.03, GPU support in docker) and whether the agent's docker settings
 * (default image, extra arguments, labels, host mount) mean what their author meant.
 * Docker mode is optional: without a docker CLI the checks skip, unless the configuration asks
 * for docker mode.
 */
import type { Category, Check, CheckResult, DoctorInput } from "../types.ts";
import { type DockerSnapshot, probeDocker } from "../probes/docker_probe.ts";
import { dockerVersionJson } from "../../platform/parse/docker_version_json.ts";
import { dockerInfoJson } from "../../platform/parse/docker_info_json.ts";
import { dockerImageRef } from "../parse/docker_image_ref.ts";
import { agentDockerImage } from "../parse/agent_docker_image.ts";
import { visibleDevices } from "../../platform/parse/visible_devices.ts";
import { cpuOnlyMode } from "../../platform/cuda_chain.ts";
import { variableState } from "../../settings/resolve.ts";
import {
  type ConfNode,
  formatOrigin,
  getNode,
  type Origin,
  originText,
} from "../../settings/tree.ts";
import { maskArgv } from "../../settings/mask.ts";
import { expandUser } from "../../settings/expand_user.ts";
import { containerMarkers as platformContainerMarkers } from "../../platform/container.ts";
import {
  type DaemonState,
  dockerDaemonState as daemonState,
  lastLine,
} from "../../platform/docker_daemon.ts";
import { seconds } from "../../platform/seconds.ts";
import type { ImageLibcFacts } from "../../platform/docker_libc.ts";

const DOCS_DOCKER = "https://clear.ml/docs/latest/docs/clearml_agent/clearml_agent_execution_env";
const DOCS_TOOLKIT =
  "https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html";
const DOCS_POSTINSTALL = "https://docs.docker.com/engine/install/linux-postinstall/";

/** `--gpus` needs docker 19.03 on both sides. */
const GPUS_MIN: readonly [number, number] = [19, 3];

// ── shared readings of the snapshot ───────────────────────────────────────────────────────────

function versionTuple(v: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function atLeast(v: [number, number], min: readonly [number, number]): boolean {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

function modeString(mode: number): string {
  const rwx = (n: number) => (n & 4 ? "r" : "-") + (n & 2 ? "w" : "-") + (n & 1 ? "x" : "-");
  return rwx(mode >> 6) + rwx(mode >> 3) + rwx(mode);
}

/** Container markers of this machine (the platform's one detection). */
export function containerMarkers(
  s: DockerSnapshot,
  env: Readonly<Record<string, string>>,
): string[] {
  return platformContainerMarkers(s.container, env);
}

/**
 * Docker mode as this run sees it. Only a docker flag (`--docker`) asks for docker mode; the
 * docker settings (extra arguments, labels, the default image variable, the host mount) apply only
 * when the agent runs with --docker, so on their own a missing docker is a warning, which says so
 * (issue 8 §3).
 */
export interface DockerModeAsk {
  /** Docker flags given (`flag --docker`): docker mode is asked for. */
  flags: string[];
  /** Docker settings that are set: they matter only with --docker. */
  settings: string[];
}

export function dockerMode(input: DoctorInput, inContainer: boolean): DockerModeAsk {
  const flags: string[] = [];
  const settings: string[] = [];
  const visit = (node: ConfNode) => {
    if (node.origin.kind === "flag" && /docker/i.test(node.origin.name)) {
      flags.push(`flag ${node.origin.name}`);
      return;
    }
    if (node.type === "object") { for (const v of node.entries.values()) visit(v); }
  };
  const agentNode = getNode(input.agent.tree, ["agent"]);
  if (agentNode) visit(agentNode);
  for (const name of ["CLEARML_AGENT_EXTRA_DOCKER_ARGS", "CLEARML_AGENT_EXTRA_DOCKER_LABELS"]) {
    const st = variableState(input.agent, name);
    if (st && st.status !== "unset") settings.push(`env ${st.name ?? name}`);
  }
  const extra = getNode(input.agent.tree, ["agent", "extra_docker_arguments"]);
  if (
    extra && (extra.origin.kind === "file" || extra.origin.kind === "dynamic-env") &&
    (extra.type !== "list" || extra.items.length > 0)
  ) settings.push(`agent.extra_docker_arguments (${formatOrigin(extra.origin)})`);
  const mount = variableState(input.agent, "CLEARML_AGENT_K8S_HOST_MOUNT");
  if (mount?.status === "set" && mount.name?.includes("DOCKER_HOST_MOUNT")) {
    settings.push(`env ${mount.name}`);
  }
  // Inside a task container the agent itself sets CLEARML_DOCKER_IMAGE.
  const image = variableState(input.agent, "CLEARML_DOCKER_IMAGE");
  if (image?.status === "set" && !inContainer) settings.push(`env ${image.name}`);
  return { flags: [...new Set(flags)], settings: [...new Set(settings)] };
}

function modeOf(s: DockerSnapshot, input: DoctorInput): DockerModeAsk {
  return dockerMode(input, containerMarkers(s, input.env).length > 0);
}

/** Why a missing docker is only a warning although docker settings are set. */
function settingsOnly(settings: readonly string[]): string {
  return `docker settings are set (${
    settings.join(", ")
  }), but they apply only when the agent runs with --docker, and nothing here asks for docker mode`;
}

/** The result for a check that needs the docker CLI when there is none. */
function noCli(s: DockerSnapshot, input: DoctorInput, what: string): CheckResult {
  const mode = modeOf(s, input);
  if (mode.flags.length) {
    return {
      status: "fail",
      summary: `docker CLI not found on PATH, but docker mode is asked for (${
        mode.flags.join(", ")
      })`,
      details: [
        "clearml-agent refuses to start in docker mode without it: Running in Docker mode, 'docker' command was not found",
      ],
      evidence: { path: input.env.PATH ?? "", dockerMode: mode.flags },
      fix: {
        text: "Install the docker CLI (and engine), or run the agent without --docker",
        docs: ["https://docs.docker.com/engine/install/"],
      },
    };
  }
  if (mode.settings.length) {
    return {
      status: "warn",
      summary: `docker CLI not found on PATH: ${settingsOnly(mode.settings)}`,
      details: [
        "With --docker, clearml-agent refuses to start without it: Running in Docker mode, 'docker' command was not found",
      ],
      evidence: { path: input.env.PATH ?? "", dockerSettings: mode.settings },
      fix: {
        text: "Install the docker CLI (and engine) before running the agent with --docker",
        docs: ["https://docs.docker.com/engine/install/"],
      },
    };
  }
  return {
    status: "skip",
    summary: `docker CLI not found on PATH: ${what} (docker mode is optional)`,
    evidence: { path: input.env.PATH ?? "" },
  };
}

function daemonDown(state: Exclude<DaemonState, { ok: true }>, what: string): CheckResult {
  return {
    status: "skip",
    summary: `${what}: the docker daemon is not reachable (see docker.daemon)`,
    evidence: { daemon: state.reason },
  };
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────────

function cliCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  if (!s.cliPath || s.version?.notFound) return noCli(s, input, "nothing to check");
  if (!s.version) {
    return {
      status: "skip",
      summary: `docker version was not run: the run's time budget was spent`,
      evidence: { cli: s.cliPath },
    };
  }
  const parsed = dockerVersionJson(s.version.stdout);
  if (s.version.timedOut && !parsed?.client) {
    return {
      status: "warn",
      summary: `${s.cliPath} version did not finish within ${seconds(s.version.durationMs)}`,
      details: ["The CLI usually waits like this for a hung daemon; see docker.daemon."],
      evidence: { cli: s.cliPath, timedOut: true },
    };
  }
  if (!parsed?.client) {
    return {
      status: "warn",
      summary: `${s.cliPath} is not a docker CLI doctor understands: ${
        lastLine(s.version.stderr || s.version.stdout) || "no output"
      }`,
      details: ["`docker version --format '{{json .}}'` printed no client version."],
      evidence: { cli: s.cliPath, exitCode: s.version.code },
    };
  }
  const server = parsed.server ? `; server ${parsed.server.version}` : "; server not reachable";
  return {
    status: "pass",
    summary: `docker CLI ${parsed.client.version} (${s.cliPath})${server}`,
    evidence: {
      cli: s.cliPath,
      clientVersion: parsed.client.version,
      clientApiVersion: parsed.client.apiVersion,
      context: parsed.client.context,
      ...(parsed.server ? { serverVersion: parsed.server.version } : {}),
    },
  };
}

/** A daemon that does not answer only fails when a docker flag asks for docker mode. */
function daemonCheckOptional(s: DockerSnapshot, input: DoctorInput): CheckResult {
  const r = daemonCheck(s, input);
  if (r.status !== "fail") return r;
  const mode = modeOf(s, input);
  if (mode.flags.length) return r;
  if (mode.settings.length) {
    return {
      ...r,
      status: "warn",
      summary: `${r.summary} (${settingsOnly(mode.settings)})`,
      evidence: { ...r.evidence, dockerSettings: mode.settings },
    };
  }
  return {
    ...r,
    status: "warn",
    summary:
      `${r.summary} (nothing here asks for docker mode; the agent needs it only with --docker)`,
  };
}

function daemonCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  const state = daemonState(s);
  const endpoint = {
    endpoint: s.endpoint.url,
    endpointSource: s.endpoint.source,
    ...(s.endpoint.context ? { context: s.endpoint.context } : {}),
  };
  if (state.ok) {
    const info = s.info ? dockerInfoJson(s.info.stdout) : undefined;
    const details: string[] = [];
    if (info?.rootless) details.push("rootless docker: containers run as your user");
    for (const w of info?.warnings ?? []) details.push(w);
    return {
      status: "pass",
      summary: `docker daemon ${state.serverVersion} answers at ${s.endpoint.url} (${
        s.endpoint.source === "DOCKER_HOST"
          ? "env DOCKER_HOST"
          : s.endpoint.source === "context"
          ? `context ${s.endpoint.context}`
          : "default"
      })`,
      ...(details.length ? { details } : {}),
      evidence: {
        ...endpoint,
        serverVersion: state.serverVersion,
        ...(state.apiVersion ? { apiVersion: state.apiVersion } : {}),
        ...(info?.rootless ? { rootless: true } : {}),
      },
    };
  }
  if (state.reason === "no-cli") return noCli(s, input, "cannot ask the daemon");
  const evidence: Record<string, unknown> = {
    ...endpoint,
    reason: state.reason,
    ...(state.line ? { stderr: state.line } : {}),
    ...(s.socket
      ? {
        socket: s.socket.path,
        socketExists: s.socket.stat.exists,
        connect: s.socket.connect.outcome,
      }
      : {}),
  };
  const details = state.line ? [`docker: ${state.line}`] : [];
  const inContainer = containerMarkers(s, input.env).length > 0;
  switch (state.reason) {
    case "absent":
    case "refused": {
      const commands = state.reason === "absent"
        ? ["sudo systemctl start docker", "sudo systemctl status docker --no-pager"]
        : [
          "sudo systemctl restart docker",
          "sudo journalctl -u docker --no-pager -n 50",
        ];
      if (inContainer && s.endpoint.source === "default") {
        details.push(
          "This machine is a container: to use the host's daemon, start it with -v /var/run/docker.sock:/var/run/docker.sock",
        );
      }
      return {
        status: "fail",
        summary: state.message,
        details,
        evidence,
        fix: {
          text: state.reason === "absent"
            ? "Start the docker daemon (install docker engine if dockerd is missing)"
            : "Restart the docker daemon; its socket is left over from a daemon that stopped",
          commands,
          docs: ["https://docs.docker.com/engine/daemon/start/"],
        },
      };
    }
    case "permission": {
      const st = s.socket?.stat;
      const groupName = st?.exists ? s.user?.groupNames[String(st.gid)] : undefined;
      const inGroup = st?.exists && s.user ? s.user.gids.includes(st.gid) : undefined;
      if (st?.exists) {
        details.push(
          `${s.socket!.path}: ${modeString(st.mode)} uid ${st.uid} gid ${st.gid}${
            groupName ? ` (${groupName})` : ""
          }`,
        );
      }
      if (s.user) {
        details.push(
          `you are uid ${s.user.uid}, groups ${s.user.gids.join(",") || "(none)"}` +
            (inGroup === false
              ? ` — not in ${groupName ?? `gid ${st?.exists ? st.gid : "?"}`}`
              : ""),
        );
        if (inGroup) {
          details.push(
            "You are in the socket's group but this session is not: log out and in again, or run `newgrp docker`.",
          );
        }
      }
      const group = groupName ?? "docker";
      return {
        status: "fail",
        summary: `${state.message}: ${
          inGroup === false ? `your user is not in group ${group}` : "the daemon refuses this user"
        }`,
        details,
        evidence: { ...evidence, ...(s.user ? { uid: s.user.uid, gids: s.user.gids } : {}) },
        fix: {
          text:
            `Add your user to group ${group} and start a new login session (membership is root-equivalent), or use rootless docker`,
          commands: [`sudo usermod -aG ${group} $USER`, `newgrp ${group}`],
          docs: [DOCS_POSTINSTALL],
        },
      };
    }
    case "timeout":
      return {
        status: "warn",
        summary: state.message,
        details,
        evidence,
        fix: {
          text: "Check the daemon's health; restart it if it stays unresponsive",
          commands: ["sudo journalctl -u docker --no-pager -n 50", "sudo systemctl restart docker"],
        },
      };
    case "error":
      return {
        status: "fail",
        summary: `${state.message}: ${state.line ?? "no message"}`,
        details,
        evidence,
      };
  }
}

function versionCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  if (!s.cliPath || s.version?.notFound) return noCli(s, input, "no version to check");
  const parsed = s.version ? dockerVersionJson(s.version.stdout) : undefined;
  const client = parsed?.client?.version;
  const server = parsed?.server?.version;
  const gpus = visibleDevices(input.env, cpuOnlyMode(input.agent).hidesGpus);
  const old: string[] = [];
  for (const [side, v] of [["client", client], ["server", server]] as const) {
    const t = v ? versionTuple(v) : undefined;
    if (t && !atLeast(t, GPUS_MIN)) old.push(`${side} ${v}`);
  }
  const evidence = { clientVersion: client, serverVersion: server, gpusArgs: gpus.dockerGpus };
  if (old.length) {
    if (gpus.dockerGpus.length) {
      return {
        status: "fail",
        summary: `docker ${
          old.join(", ")
        } is older than 19.03: it has no --gpus, which the agent passes (${
          gpus.dockerGpus.join(" ")
        })`,
        evidence,
        fix: {
          text:
            "Upgrade docker to 19.03 or later, or set CLEARML_DOCKER_SKIP_GPUS_FLAG=1 with the nvidia runtime as docker's default runtime",
          docs: [DOCS_DOCKER],
        },
      };
    }
    return {
      status: "pass",
      summary: `docker ${old.join(", ")} is older than 19.03, but the agent passes no --gpus here${
        gpus.skipGpusFlag ? " (CLEARML_DOCKER_SKIP_GPUS_FLAG is set)" : ""
      }`,
      evidence,
    };
  }
  if (!server) {
    const state = daemonState(s);
    if (!state.ok) {
      return daemonDown(state, `client ${client ?? "unknown"}; server version unknown`);
    }
  }
  return {
    status: "pass",
    summary: `docker ${server ? `server ${server}` : ""}${server && client ? ", " : ""}${
      client ? `client ${client}` : ""
    }: 19.03 or later (--gpus supported)`,
    evidence,
  };
}

function runtimesCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  if (!s.cliPath || s.version?.notFound) return noCli(s, input, "no GPU support to check");
  const state = daemonState(s);
  if (!state.ok) return daemonDown(state, "cannot list the daemon's runtimes");
  const info = s.info ? dockerInfoJson(s.info.stdout) : undefined;
  const runtimes = info?.runtimes ?? [];
  const nvidiaRuntimes = runtimes.filter((r) => /nvidia/i.test(r));
  const hook = s.toolkit["nvidia-container-runtime-hook"];
  const cdi = Object.entries(s.cdiSpecs).flatMap(([dir, files]) => files.map((f) => `${dir}/${f}`));
  const supports: string[] = [];
  if (nvidiaRuntimes.length) supports.push(`runtime ${nvidiaRuntimes.join(", ")}`);
  if (hook) supports.push(`${hook} (used by --gpus)`);
  if (cdi.length) supports.push(`CDI specs ${cdi.join(", ")}`);
  const gpus = visibleDevices(input.env, cpuOnlyMode(input.agent).hidesGpus);
  const evidence = {
    runtimes,
    defaultRuntime: info?.defaultRuntime,
    toolkit: s.toolkit,
    cdiSpecs: s.cdiSpecs,
    nvidiaDriver: s.nvidiaDriver,
    agentGpuArgs: gpus.dockerGpus,
  };
  const details = [
    `runtimes: ${runtimes.join(", ") || "(none reported)"}; default ${info?.defaultRuntime ?? "?"}`,
    `the agent would pass: ${
      gpus.dockerGpus.length ? gpus.dockerGpus.join(" ") : "no --gpus"
    } (NVIDIA_VISIBLE_DEVICES=${gpus.containerNv} inside)`,
  ];
  const smoke = "docker run --rm --gpus all ubuntu nvidia-smi";
  if (s.nvidiaDriver) {
    if (supports.length) {
      return {
        status: "pass",
        summary: `docker can start GPU containers: ${supports.join("; ")}`,
        details: [...details, `smoke test: ${smoke}`],
        evidence,
      };
    }
    return {
      status: "fail",
      summary:
        "docker cannot start GPU containers: no nvidia runtime, no nvidia-container-runtime-hook on PATH, no CDI specs",
      details: [
        ...details,
        'GPU tasks fail with: docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]]',
      ],
      evidence,
      fix: {
        text:
          "Install the NVIDIA Container Toolkit, register it with docker and restart the daemon",
        commands: [
          "sudo nvidia-ctk runtime configure --runtime=docker",
          "sudo systemctl restart docker",
          smoke,
        ],
        docs: [DOCS_TOOLKIT],
      },
    };
  }
  if (gpus.dockerGpus.length && !supports.length) {
    return {
      status: "warn",
      summary: `no NVIDIA GPU here, but the agent would run containers with ${
        gpus.dockerGpus.join(" ")
      }, which docker cannot satisfy`,
      details: [
        ...details,
        'Tasks would fail with: could not select device driver "" with capabilities: [[gpu]]',
      ],
      evidence,
      fix: {
        text:
          "On a machine without GPUs run the agent with --cpu-only (or NVIDIA_VISIBLE_DEVICES=none)",
        commands: ["clearml agent daemon --queue default --docker --cpu-only"],
      },
    };
  }
  return {
    status: "skip",
    summary:
      `no NVIDIA GPU on this host (/proc/driver/nvidia/version absent): GPU containers are not needed${
        supports.length ? `; docker has ${supports.join("; ")}` : ""
      }`,
    details,
    evidence,
  };
}

/** What the agent runs in the image, from its libc (issue 6: glibc build, musl build, or pip). */
function libcLine(f: ImageLibcFacts): string {
  const where = f.arch ? ` (${f.arch})` : "";
  switch (f.libc) {
    case "glibc":
      return `libc: glibc${where}: clearml agent mounts its glibc build into it`;
    case "musl":
      return f.hasLibstdcxx
        ? `libc: musl with libstdc++${where}: clearml agent mounts its musl build into it`
        : `libc: musl without libstdc++.so.6/libgcc_s.so.1${where}: clearml agent installs clearml-agent with pip in it instead`;
    case "none":
      return `libc: none${where}: clearml agent installs clearml-agent with pip in it instead`;
    case "unknown":
      return `libc: unknown (${f.error ?? "not read"})`;
  }
}

function imageCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  const a = agentDockerImage(input.agent);
  const from = originText(a.origin);
  const ref = dockerImageRef(a.image);
  const evidence: Record<string, unknown> = {
    value: a.raw,
    origin: from,
    image: a.image,
    ...(a.imageArgs.length ? { imageArgs: maskArgv(a.imageArgs) } : {}),
  };
  if (!ref.ok) {
    return {
      status: "fail",
      summary: `default docker image ${
        JSON.stringify(a.image)
      } (${from}) is not a valid image reference: ${ref.problems[0]}`,
      details: [
        ...ref.problems,
        "docker run would stop with: invalid reference format",
        ...(a.imageArgs.length
          ? [`arguments after the image: ${JSON.stringify(maskArgv(a.imageArgs))}`]
          : []),
      ],
      evidence: { ...evidence, problems: ref.problems },
      fix: {
        text:
          "Set a lower-case image reference such as nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04, without quotes",
        docs: ["https://docs.docker.com/reference/cli/docker/image/tag/"],
      },
    };
  }
  evidence.canonical = ref.canonical;
  const details: string[] = [`resolves to ${ref.canonical}`];
  let status: CheckResult["status"] = "pass";
  const warnings: string[] = [];
  if (ref.tag === undefined && ref.digest === undefined) {
    details.push("no tag: docker uses :latest, which changes under you");
  }
  if (a.imageArgs.length) {
    details.push(
      `the value also holds docker arguments (split on single spaces): ${
        JSON.stringify(maskArgv(a.imageArgs))
      }; they replace agent.default_docker.arguments`,
    );
    if (a.imageArgs.some((t) => t === "")) {
      warnings.push(
        "two spaces in a row give an empty docker argument (the value is split on single spaces)",
      );
    }
  }
  const rules = getNode(input.agent.tree, ["agent", "default_docker", "match_rules"]);
  if (rules?.type === "list") {
    rules.items.forEach((rule, i) => {
      const img = rule.type === "object" ? rule.entries.get("image") : undefined;
      if (img?.type !== "scalar" || typeof img.value !== "string") return;
      const r = dockerImageRef(img.value.split(" ")[0] ?? "");
      if (!r.ok) {
        warnings.push(
          `agent.default_docker.match_rules[${i}].image ${JSON.stringify(img.value)} (${
            formatOrigin(img.origin)
          }): ${r.problems[0]}`,
        );
      }
    });
  }
  if (s.image) {
    details.push(
      s.image.inspect.code === 0
        ? `present locally (${s.image.inspect.stdout.trim().slice(0, 19)}…)`
        : "not present locally: the first task pulls it (a private registry needs docker login)",
    );
    evidence.local = s.image.inspect.code === 0;
  }
  if (s.imageLibc) {
    details.push(libcLine(s.imageLibc));
    evidence.libc = s.imageLibc.libc;
    evidence.arch = s.imageLibc.arch;
  }
  if (warnings.length) status = "warn";
  return {
    status,
    summary: warnings.length
      ? warnings[0]!
      : `default docker image ${a.image} (${from})${
        a.imageArgs.length ? ` with arguments ${a.imageArgs.join(" ")}` : ""
      }`,
    details: [...warnings, ...details],
    evidence,
  };
}

interface ArgList {
  label: string;
  argv: string[];
  origin?: Origin;
  /** Written as one string in clearml.conf: the agent passes it as one argument. */
  wasString: boolean;
  /** The agent expands $VAR in -e values of this list from its own environment. */
  expands: boolean;
}

function argLists(input: DoctorInput): ArgList[] {
  const out: ArgList[] = [];
  const extra = getNode(input.agent.tree, ["agent", "extra_docker_arguments"]);
  if (extra?.type === "list") {
    out.push({
      label: "agent.extra_docker_arguments",
      argv: extra.items.map((i) => (i.type === "scalar" ? String(i.value ?? "") : "")),
      origin: extra.origin,
      wasString: false,
      expands: true,
    });
  } else if (extra?.type === "scalar" && extra.value !== null && extra.value !== "") {
    out.push({
      label: "agent.extra_docker_arguments",
      argv: [String(extra.value)],
      origin: extra.origin,
      wasString: true,
      expands: true,
    });
  }
  const a = agentDockerImage(input.agent);
  if (a.imageArgs.length) {
    out.push({
      label: "arguments after the default image",
      argv: a.imageArgs,
      ...(a.origin ? { origin: a.origin } : {}),
      wasString: false,
      expands: false,
    });
  } else if (a.defaultArgs) {
    out.push({
      label: "agent.default_docker.arguments",
      argv: a.defaultArgs.argv,
      origin: a.defaultArgs.origin,
      wasString: a.defaultArgs.wasString,
      expands: false,
    });
  }
  return out;
}

/** `$NAME` / `${NAME}` references in the values of `-e`/`--env` pairs. */
function envRefs(argv: readonly string[]): string[] {
  const out: string[] = [];
  let inEnv = false;
  for (const t of argv) {
    if (t.startsWith("-")) {
      inEnv = t === "-e" || t === "--env";
      continue;
    }
    if (!inEnv || !t.includes("=")) continue;
    const value = t.slice(t.indexOf("=") + 1);
    for (
      const m of value.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g)
    ) {
      out.push(m[1] ?? m[2]!);
    }
  }
  return out;
}

function argsCheck(_s: DockerSnapshot, input: DoctorInput): CheckResult {
  const env = variableState(input.agent, "CLEARML_AGENT_EXTRA_DOCKER_ARGS");
  if (env?.status === "invalid") {
    return {
      status: "fail",
      summary: `${env.name} does not split as shell words: ${env.error}`,
      details: [
        "clearml-agent raises ValueError while starting: every agent command stops (exit 1)",
        `value: ${maskArgv([env.raw ?? ""])[0]}`,
      ],
      evidence: { variable: env.name, error: env.error },
      fix: { text: `Balance the quotes in ${env.name}` },
    };
  }
  const lists = argLists(input);
  const nonEmpty = lists.filter((l) => l.argv.length > 0);
  if (nonEmpty.length === 0) {
    return {
      status: "skip",
      summary: "no extra or default docker arguments are set",
    };
  }
  const failures: string[] = [];
  const warnings: string[] = [];
  const details: string[] = [];
  for (const l of nonEmpty) {
    const where = `${l.label} (${originText(l.origin)})`;
    details.push(`${where}: argv ${JSON.stringify(maskArgv(l.argv))}`);
    if (l.wasString && /\s/.test(l.argv[0] ?? "")) {
      failures.push(
        `${where} is a string, so docker gets ONE argument ${
          JSON.stringify(maskArgv(l.argv)[0])
        }: write it as a list`,
      );
      continue;
    }
    for (const t of l.argv) {
      if (t.startsWith("-") && /\s/.test(t)) {
        failures.push(
          `${where}: element ${JSON.stringify(maskArgv([t])[0])} is passed to docker as ONE ` +
            `argument (docker does not split it at the space), so docker rejects or misreads it`,
        );
      }
    }
    if (l.argv.some((t) => t === "")) details.push(`${where}: empty elements are dropped`);
    if (l.expands) {
      const missing = [...new Set(envRefs(l.argv))].filter((n) => input.env[n] === undefined);
      for (const n of missing) {
        warnings.push(
          `${where}: $${n} is not set in the agent's environment, so it stays literally "$${n}"`,
        );
      }
    }
  }
  const evidence = {
    lists: nonEmpty.map((l) => ({
      key: l.label,
      origin: originText(l.origin),
      argv: maskArgv(l.argv),
    })),
  };
  if (failures.length) {
    return {
      status: "fail",
      summary: failures[0]!,
      details: [...failures, ...warnings, ...details],
      evidence,
      fix: {
        text:
          'Give every docker argument its own list element: ["--shm-size", "8g"] or ["--shm-size=8g"], not ["--shm-size 8g"]',
        docs: [DOCS_DOCKER],
      },
    };
  }
  return {
    status: warnings.length ? "warn" : "pass",
    summary: warnings[0] ??
      `docker arguments split as intended: ${
        nonEmpty.map((l) => maskArgv(l.argv.filter((t) => t !== "")).join(" ")).join(" | ")
      }`,
    details: [...warnings, ...details],
    evidence,
  };
}

/** Labels the agent sets itself; a user label with the same key confuses child counting. */
const AGENT_LABELS = new Set(["clearml-worker-id", "clearml-parent-worker-id"]);

function labelsCheck(_s: DockerSnapshot, input: DoctorInput): CheckResult {
  const st = variableState(input.agent, "CLEARML_AGENT_EXTRA_DOCKER_LABELS");
  if (!st || st.status === "unset") {
    return { status: "skip", summary: "CLEARML_AGENT_EXTRA_DOCKER_LABELS is not set" };
  }
  if (st.status === "invalid") {
    return {
      status: "fail",
      summary: `${st.name} does not split as shell words: ${st.error}`,
      details: [
        "clearml-agent fails every task in its daemon loop (FATAL ERROR), and the task stays in_progress",
        `value: ${st.raw ?? ""}`,
      ],
      evidence: { variable: st.name, error: st.error },
      fix: { text: `Balance the quotes in ${st.name}, e.g. team=ml "owner=John Doe"` },
    };
  }
  const labels = Array.isArray(st.value) ? st.value.map(String) : [];
  const argv = labels.flatMap((l) => ["-l", l]);
  const warnings: string[] = [];
  for (const l of labels) {
    const eq = l.indexOf("=");
    const key = eq < 0 ? l : l.slice(0, eq);
    if (eq < 0) {
      warnings.push(`label ${JSON.stringify(l)} has no =value: docker stores an empty value`);
    } else if (key === "") warnings.push(`label ${JSON.stringify(l)} has an empty key`);
    if (/\s/.test(key)) warnings.push(`label key ${JSON.stringify(key)} contains whitespace`);
    if (AGENT_LABELS.has(key)) {
      warnings.push(
        `label ${
          JSON.stringify(key)
        } is set by the agent itself; a second value breaks child-container counting`,
      );
    }
  }
  return {
    status: warnings.length ? "warn" : labels.length ? "pass" : "skip",
    summary: warnings[0] ??
      (labels.length
        ? `${labels.length} label(s): docker run gets ${JSON.stringify(argv)}`
        : `${st.name} holds no labels`),
    details: [
      ...warnings,
      `after the agent's own -l clearml-worker-id=… -l clearml-parent-worker-id=…`,
    ],
    evidence: { variable: st.name, argv },
  };
}

/** Host cache paths the agent rewrites through the host mount (agent-exec §2.8). */
const MOUNTED_CACHES: ReadonlyArray<readonly string[]> = [
  ["agent", "docker_apt_cache"],
  ["agent", "docker_pip_cache"],
  ["agent", "pip_download_cache", "path"],
  ["sdk", "storage", "cache", "default_base_dir"],
  ["agent", "vcs_cache", "path"],
  ["agent", "venvs_cache", "path"],
];

function hostMountCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  const st = variableState(input.agent, "CLEARML_AGENT_K8S_HOST_MOUNT");
  const markers = containerMarkers(s, input.env);
  if (!st || st.status !== "set") {
    const state = daemonState(s);
    if (markers.length && state.ok) {
      return {
        status: "warn",
        summary:
          "this machine is a container that talks to a docker daemon, and no CLEARML_AGENT_DOCKER_HOST_MOUNT is set",
        details: [
          "Sibling containers get this container's cache and config paths, which the daemon looks up on the host.",
          ...markers,
        ],
        evidence: { containerMarkers: markers },
        fix: {
          text:
            "Mount a host folder into this container and name both sides: CLEARML_AGENT_DOCKER_HOST_MOUNT=<host path>:<path here>",
          commands: [
            "docker run -v /opt/clearml:/root/.clearml -e CLEARML_AGENT_DOCKER_HOST_MOUNT=/opt/clearml:/root/.clearml …",
          ],
        },
      };
    }
    return {
      status: "skip",
      summary:
        "CLEARML_AGENT_DOCKER_HOST_MOUNT is not set (needed only when the agent runs in a container)",
    };
  }
  const name = st.name ?? "CLEARML_AGENT_K8S_HOST_MOUNT";
  const value = String(st.value ?? "");
  const colon = value.indexOf(":");
  if (colon < 0) {
    return {
      status: "fail",
      summary:
        `${name}=${value} has no ':' between the host path and the path inside the container`,
      details: [
        "The agent splits at the first ':'; without one the container path is empty, every cache path gets the host path in front and the config path is garbled",
      ],
      evidence: { variable: name, value },
      fix: { text: `Write ${name}=<host path>:<path inside this container>` },
    };
  }
  const node = value.slice(0, colon);
  const pod = value.slice(colon + 1);
  const problems: string[] = [];
  const warnings: string[] = [];
  if (node === "") problems.push("the host path (before ':') is empty");
  if (pod === "") problems.push("the container path (after ':') is empty");
  if (pod.includes(":")) {
    warnings.push(
      `the container path ${
        JSON.stringify(pod)
      } holds another ':'; the agent keeps its lock files in the part after the last one`,
    );
  }
  for (const p of [node, pod]) {
    if (p && !p.startsWith("/")) warnings.push(`${JSON.stringify(p)} is not an absolute path`);
  }
  if (s.hostMountTarget && !s.hostMountTarget.stat.exists) {
    problems.push(
      `${pod} does not exist here: copying the task configuration into it fails ("could not copy configuration file")`,
    );
  }
  const mapped: string[] = [];
  const dropped: string[] = [];
  if (pod) {
    for (const path of MOUNTED_CACHES) {
      const n = getNode(input.agent.tree, path);
      if (n?.type !== "scalar" || n.value === null || n.value === "") continue;
      const local = expandUser(String(n.value), input.home);
      if (local.includes(pod)) mapped.push(`${local} → ${local.replace(pod, node)}`);
      else dropped.push(`${path.join(".")} = ${local}`);
    }
  }
  if (dropped.length) {
    warnings.push(
      `${dropped.length} cache folder(s) are outside ${pod}; the agent drops them ("K8S mount missing, ignoring cached folder"): ${
        dropped.join("; ")
      }`,
    );
  }
  const evidence = { variable: name, hostPath: node, containerPath: pod, mapped, dropped };
  if (problems.length) {
    return {
      status: "fail",
      summary: `${name}: ${problems[0]}`,
      details: [...problems, ...warnings],
      evidence,
      fix: {
        text: `Mount ${node || "<host path>"} at ${pod || "<path>"} and set ${name}=<host>:<path>`,
      },
    };
  }
  return {
    status: warnings.length ? "warn" : "pass",
    summary: warnings[0] ??
      `${name}: host ${node} is ${pod} here; ${mapped.length} cache folder(s) mapped`,
    details: [...warnings, ...mapped],
    evidence,
  };
}

function inContainerCheck(s: DockerSnapshot, input: DoctorInput): CheckResult {
  const markers = containerMarkers(s, input.env);
  if (!markers.length) {
    return {
      status: "pass",
      summary: "not inside a container",
      evidence: { inContainer: false },
    };
  }
  const state = daemonState(s);
  const details = [...markers];
  if (s.cliPath && !state.ok && state.reason !== "no-cli") {
    details.push(
      "To start task containers from here, mount the host's socket (-v /var/run/docker.sock:/var/run/docker.sock) and set CLEARML_AGENT_DOCKER_HOST_MOUNT",
    );
  }
  return {
    status: "pass",
    summary: `inside a container (${markers[0]})`,
    details,
    evidence: { inContainer: true, markers },
  };
}

const checks: ReadonlyArray<Check<DockerSnapshot>> = [
  { id: "docker.cli", title: "docker CLI", run: cliCheck },
  { id: "docker.daemon", title: "docker daemon reachable", run: daemonCheckOptional },
  { id: "docker.version", title: "docker 19.03 or later", run: versionCheck },
  { id: "docker.runtimes", title: "GPU support in docker", run: runtimesCheck },
  { id: "docker.image", title: "default docker image", run: imageCheck },
  { id: "docker.args", title: "extra docker arguments", run: argsCheck },
  { id: "docker.labels", title: "extra docker labels", run: labelsCheck },
  { id: "docker.host_mount", title: "host mount for sibling containers", run: hostMountCheck },
  { id: "docker.in_container", title: "running inside a container", run: inContainerCheck },
];

export const dockerCategory: Category<DockerSnapshot> = {
  name: "docker",
  title: "Docker",
  probe: (input, tools) => probeDocker(input, tools),
  external: true,
  checks,
};
