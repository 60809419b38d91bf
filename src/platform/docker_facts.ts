/**
 * The docker CLI and daemon facts: the CLI on PATH and what `docker version`/`docker info` say,
 * the daemon's endpoint (DOCKER_HOST, the CLI context, the default socket) and what connecting to
 * it does (permission, stale socket, absent), the user's groups, NVIDIA container support (driver,
 * toolkit programs, CDI specs), the container markers of this machine, and optionally whether an
 * image is present. Every command and read is bounded; steps left when the budget is spent are
 * listed in `skipped`. Doctor's docker probe gathers them; `dockerDaemonState` (docker_daemon.ts)
 * reads them.
 */
import type { ExecResult } from "./exec.ts";
import type { ConnectResult, StatResult } from "./host_facts.ts";
import { findOnPath } from "./find_executable.ts";
import { type ContainerFacts, gatherContainerFacts } from "./container.ts";
import type { GatherOptions } from "./gather.ts";
import { dockerVersionJson } from "./parse/docker_version_json.ts";
import { dockerInfoJson } from "./parse/docker_info_json.ts";

export type EndpointSource = "DOCKER_HOST" | "context" | "default";

export interface DockerEndpoint {
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`… */
  url: string;
  source: EndpointSource;
  /** The context name when the CLI uses a non-default one. */
  context?: string;
}

export interface DockerFacts {
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
  /** The current user, and the names of its groups and of the socket's group. */
  user?: { uid: number; gids: number[]; groupNames: Record<string, string> };
  /** An NVIDIA kernel driver is loaded (`/proc/driver/nvidia/version` readable). */
  nvidiaDriver: boolean;
  /** NVIDIA Container Toolkit programs found on PATH, name → path. */
  toolkit: Record<string, string>;
  /** CDI spec files (`*.yaml`, `*.json`) per spec directory. */
  cdiSpecs: Record<string, string[]>;
  container: ContainerFacts;
  /** `docker image inspect` of the image asked for, run when the daemon answered. */
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

export interface GatherDockerOptions extends GatherOptions {
  /** An image to look for locally (`docker image inspect`) when the daemon answers. */
  image?: string;
}

export async function gatherDockerFacts(o: GatherDockerOptions): Promise<DockerFacts> {
  const { env, cwd, host, run, platform } = o;
  const skipped = o.skipped ?? [];

  const cliName = platform === "win32" ? "docker.exe" : "docker";
  const cliPath = await findOnPath(host, cliName, env, cwd);
  let endpoint = endpointFromEnv(env, platform);

  const [version, who, container, nvidiaDriver, toolkit] = await Promise.all([
    cliPath ? run("docker version", cliPath, ["version", "--format", "{{json .}}"]) : undefined,
    (async () => {
      const status = await host.readText("/proc/self/status");
      if (!("text" in status)) return undefined;
      const ids = userFromStatus(status.text);
      if (!ids) return undefined;
      const etc = await host.readText("/etc/group");
      return { ...ids, etcGroup: "text" in etc ? etc.text : "" };
    })(),
    gatherContainerFacts(host),
    host.readText("/proc/driver/nvidia/version").then((r) => "text" in r),
    (async () => {
      const found: Record<string, string> = {};
      for (const name of TOOLKIT_PROGRAMS) {
        const path = await findOnPath(host, name, env, cwd);
        if (path) found[name] = path;
      }
      return found;
    })(),
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
  let socket: DockerFacts["socket"];
  let tcp: DockerFacts["tcp"];
  if (target && "path" in target) {
    const [stat, connect] = await Promise.all([host.stat(target.path), host.connect(target)]);
    socket = { path: target.path, stat, connect };
  } else if (target) {
    tcp = { ...target, connect: await host.connect(target) };
  }

  // Names of the user's groups and of the socket's group (which the user may not be in).
  const socketGid = socket?.stat.exists ? [socket.stat.gid] : [];
  const user = who && {
    uid: who.uid,
    gids: who.gids,
    groupNames: groupNames(who.etcGroup, new Set([...who.gids, ...socketGid])),
  };

  let info: ExecResult | undefined;
  let image: DockerFacts["image"];
  if (cliPath && parsed?.server) {
    const ref = o.image;
    const [i, inspect] = await Promise.all([
      run("docker info", cliPath, ["info", "--format", "{{json .}}"]),
      ref
        ? run("docker image inspect", cliPath, ["image", "inspect", "--format", "{{.Id}}", ref])
        : undefined,
    ]);
    info = i;
    if (inspect && ref) image = { ref, inspect };
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
    ...(image ? { image } : {}),
    skipped,
  };
}
