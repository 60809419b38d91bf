/**
 * Gathers the docker facts: the CLI and what `docker version`/`docker info` say, the daemon's
 * endpoint and what connecting to it does, the user's groups, NVIDIA container support,
 * container markers of this machine, and the local presence of the agent's default image.
 * Every command and read has a timeout; steps left when the run's budget is spent are skipped.
 */
import type { DoctorInput, ProbeTools } from "../types.ts";
import type { ExecResult } from "../../platform/exec.ts";
import { variableState } from "../../settings/resolve.ts";
import { stepRunner } from "./_step_runner.ts";
import {
  type ConnectResult,
  type HostFacts,
  nodeHostFacts,
  type StatResult,
} from "../../platform/host_facts.ts";
import { findOnPath } from "../../platform/find_executable.ts";
import { type ContainerFacts, gatherContainerFacts } from "../../platform/container.ts";
import { dockerVersionJson } from "../../platform/parse/docker_version_json.ts";
import { dockerInfoJson } from "../../platform/parse/docker_info_json.ts";
import { agentDockerImage } from "../parse/agent_docker_image.ts";
import { dockerImageRef } from "../parse/docker_image_ref.ts";

export type EndpointSource = "DOCKER_HOST" | "context" | "default";

export interface DockerEndpoint {
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`… */
  url: string;
  source: EndpointSource;
  /** The context name when the CLI uses a non-default one. */
  context?: string;
}

export interface DockerSnapshot {
  platform: string;
  /** The docker CLI on PATH; undefined when there is none. */
  cliPath?: string;
  /** `docker version --format '{{json .}}'`. */
  version?: ExecResult;
  /** `docker info --format '{{json .}}'`, run when the daemon answered. */
  info?: ExecResult;
  endpoint: DockerEndpoint;
  /** A unix-socket endpoint: the file and what connecting to it did. */
  socket?: { path: string; stat: StatResult; connect: ConnectResult };
  /** A TCP endpoint and what connecting to it did. */
  tcp?: { host: string; port: number; connect: ConnectResult };
  /** The current user (from /proc/self/status) and the names of the groups that matter. */
  user?: { uid: number; gids: number[]; groupNames: Record<string, string> };
  /** An NVIDIA kernel driver is loaded (`/proc/driver/nvidia/version` readable). */
  nvidiaDriver: boolean;
  /** NVIDIA Container Toolkit programs found on PATH, name → path. */
  toolkit: Record<string, string>;
  /** CDI spec files (`*.yaml`, `*.json`) per spec directory. */
  cdiSpecs: Record<string, string[]>;
  container: ContainerFacts;
  /** The in-container side of `CLEARML_AGENT_*_HOST_MOUNT`, when set. */
  hostMountTarget?: { path: string; stat: StatResult };
  /** `docker image inspect` of the agent's default image, run when the daemon answered. */
  image?: { ref: string; inspect: ExecResult };
  /** Steps not run because the run's time budget was spent. */
  skipped: string[];
}

export const TOOLKIT_PROGRAMS = [
  "nvidia-container-runtime-hook",
  "nvidia-container-runtime",
  "nvidia-ctk",
  "nvidia-container-cli",
] as const;

export const DEFAULT_CDI_DIRS = ["/etc/cdi", "/var/run/cdi"] as const;

/** The endpoint from `DOCKER_HOST`, else the platform default (the context is read later). */
export function endpointFromEnv(
  env: Readonly<Record<string, string>>,
  platform: string,
): DockerEndpoint {
  const host = env.DOCKER_HOST?.trim();
  if (host) return { url: host, source: "DOCKER_HOST" };
  return {
    url: platform === "win32" ? "npipe:////./pipe/docker_engine" : "unix:///var/run/docker.sock",
    source: "default",
  };
}

/** The socket path or TCP address of an endpoint URL; undefined for ssh/npipe and garbage. */
export function endpointTarget(
  url: string,
  env: Readonly<Record<string, string>>,
): { path: string } | { host: string; port: number } | undefined {
  if (url.startsWith("unix://")) {
    const path = url.slice("unix://".length);
    return path ? { path } : undefined;
  }
  if (url.startsWith("/")) return { path: url };
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url);
  if (tcp) {
    const tls = Boolean(env.DOCKER_TLS_VERIFY);
    const port = tcp[2] ? Number(tcp[2]) : tls ? 2376 : 2375;
    return { host: tcp[1]!.replace(/^\[|\]$/g, ""), port };
  }
  return undefined;
}

/** Numeric ids from `/proc/self/status` (`Uid:`, `Groups:`). */
function userFromStatus(text: string): { uid: number; gids: number[] } | undefined {
  const uid = /^Uid:\s+(\d+)/m.exec(text)?.[1];
  if (uid === undefined) return undefined;
  const gid = /^Gid:\s+(\d+)/m.exec(text)?.[1];
  const groups = /^Groups:\s*([\d ]*)$/m.exec(text)?.[1] ?? "";
  const gids = [...new Set([...(gid ? [gid] : []), ...groups.split(/\s+/).filter(Boolean)])]
    .map(Number);
  return { uid: Number(uid), gids };
}

/** `name:x:gid:members` lines of /etc/group, for the gids asked. */
function groupNames(etcGroup: string, gids: Set<number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of etcGroup.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name && gid !== undefined && gids.has(Number(gid))) out[gid] = name;
  }
  return out;
}

export async function probeDocker(
  input: DoctorInput,
  tools: ProbeTools,
  host: HostFacts = nodeHostFacts(tools.stepTimeoutMs),
  platform: string = process.platform,
): Promise<DockerSnapshot> {
  const env = input.env;
  const skipped: string[] = [];
  // the snapshot's environment (DOCKER_HOST, DOCKER_CONTEXT, PATH…), English messages
  const run = stepRunner(tools, env, skipped);

  const cliName = platform === "win32" ? "docker.exe" : "docker";
  const cliPath = await findOnPath(host, cliName, env, input.cwd);
  let endpoint = endpointFromEnv(env, platform);

  const hostMount = variableState(input.agent, "CLEARML_AGENT_K8S_HOST_MOUNT");
  const hostMountValue = hostMount?.status === "set" ? String(hostMount.value ?? "") : "";
  const podPath = hostMountValue.includes(":")
    ? hostMountValue.slice(hostMountValue.indexOf(":") + 1)
    : "";

  const [version, user, container, nvidiaDriver, toolkit, hostMountTarget] = await Promise.all([
    cliPath ? run("docker version", cliPath, ["version", "--format", "{{json .}}"]) : undefined,
    (async () => {
      const status = await host.readText("/proc/self/status");
      if (!("text" in status)) return undefined;
      const ids = userFromStatus(status.text);
      if (!ids) return undefined;
      const etc = await host.readText("/etc/group");
      return { ...ids, groupNames: "text" in etc ? groupNames(etc.text, new Set(ids.gids)) : {} };
    })(),
    gatherContainerFacts(host),
    host.readText("/proc/driver/nvidia/version").then((r) => "text" in r),
    (async () => {
      const found: Record<string, string> = {};
      for (const name of TOOLKIT_PROGRAMS) {
        const path = await findOnPath(host, name, env, input.cwd);
        if (path) found[name] = path;
      }
      return found;
    })(),
    podPath ? host.stat(podPath).then((stat) => ({ path: podPath, stat })) : undefined,
  ]);

  // A non-default context (rootless docker, Docker Desktop) points the CLI elsewhere.
  const parsed = version ? dockerVersionJson(version.stdout) : undefined;
  const context = parsed?.client?.context;
  if (endpoint.source === "default" && cliPath && context && context !== "default") {
    const r = await run("docker context inspect", cliPath, [
      "context",
      "inspect",
      "--format",
      "{{.Endpoints.docker.Host}}",
    ]);
    const url = r?.code === 0 ? r.stdout.trim() : "";
    endpoint = url ? { url, source: "context", context } : { ...endpoint, context };
  }

  const target = endpointTarget(endpoint.url, env);
  let socket: DockerSnapshot["socket"];
  let tcp: DockerSnapshot["tcp"];
  if (target && "path" in target) {
    const [stat, connect] = await Promise.all([host.stat(target.path), host.connect(target)]);
    socket = { path: target.path, stat, connect };
  } else if (target) {
    tcp = { ...target, connect: await host.connect(target) };
  }

  let info: ExecResult | undefined;
  let image: DockerSnapshot["image"];
  if (cliPath && parsed?.server) {
    const ref = agentDockerImage(input.agent).image;
    const valid = dockerImageRef(ref).ok;
    const [i, inspect] = await Promise.all([
      run("docker info", cliPath, ["info", "--format", "{{json .}}"]),
      valid
        ? run("docker image inspect", cliPath, ["image", "inspect", "--format", "{{.Id}}", ref])
        : undefined,
    ]);
    info = i;
    if (inspect) image = { ref, inspect };
  }

  const infoJson = info ? dockerInfoJson(info.stdout) : undefined;
  const cdiDirs = infoJson?.cdiSpecDirs?.length ? infoJson.cdiSpecDirs : [...DEFAULT_CDI_DIRS];
  const cdiSpecs: Record<string, string[]> = {};
  await Promise.all(cdiDirs.map(async (dir) => {
    const names = await host.list(dir);
    if (names) cdiSpecs[dir] = names.filter((n) => /\.(ya?ml|json)$/.test(n));
  }));

  return {
    platform,
    ...(cliPath ? { cliPath } : {}),
    ...(version ? { version } : {}),
    ...(info ? { info } : {}),
    endpoint,
    ...(socket ? { socket } : {}),
    ...(tcp ? { tcp } : {}),
    ...(user ? { user } : {}),
    nvidiaDriver,
    toolkit,
    cdiSpecs,
    container,
    ...(hostMountTarget ? { hostMountTarget } : {}),
    ...(image ? { image } : {}),
    skipped,
  };
}
