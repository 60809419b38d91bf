/**
 * The one container detection (doctor's docker and server categories, the agent): is this
 * process inside a container, and what gives it away. `gatherContainerFacts` reads the few
 * files; `containerMarkers` is the rule, pure:
 * - `/.dockerenv` (docker), `/run/.containerenv` (podman), `/run/systemd/container` (the
 *   manager's name, written by systemd-nspawn, lxc and podman);
 * - `/proc/1/cgroup` naming docker, kubepods (Kubernetes), containerd, libpod, lxc or ECS;
 * - an overlay/aufs root file system (`/proc/self/mountinfo`): cgroup v2 hides the cgroup path;
 * - the variables a runtime sets: `container` (systemd's "in a container" convention, set by
 *   podman, lxc, nspawn), `KUBERNETES_SERVICE_HOST`, `ECS_CONTAINER_METADATA_URI(_V4)`.
 */
import type { HostFacts } from "./host_facts.ts";

export interface ContainerFacts {
  dockerenv: boolean;
  containerenv: boolean;
  /** `/run/systemd/container`, trimmed: `docker`, `lxc`, `podman`, `systemd-nspawn`… */
  systemdContainer?: string;
  /** `/proc/1/cgroup`. */
  cgroup?: string;
  /** The `/proc/self/mountinfo` line of the root mount. */
  rootMount?: string;
}

export interface WhereFacts {
  inContainer: boolean;
  /** What gave it away: `/.dockerenv exists`, `KUBERNETES_SERVICE_HOST is set`, … */
  evidence: string[];
}

const CGROUP_MARKER = /docker|kubepods|containerd|libpod|lxc|\/ecs\//;
const OVERLAY_FS = /^(overlay|aufs|fuse-overlayfs)$/;

/** The root mount's line of a mountinfo text (mount point `/`, field 5). */
export function rootMountLine(mountinfo: string): string | undefined {
  return mountinfo.split("\n").find((l) => l.split(" ")[4] === "/");
}

/** Every marker that says "this is a container", most specific first; empty on a host. */
export function containerMarkers(
  facts: ContainerFacts,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const out: string[] = [];
  if (facts.dockerenv) out.push("/.dockerenv exists");
  if (facts.containerenv) out.push("/run/.containerenv exists (podman)");
  if (facts.systemdContainer) {
    out.push(`/run/systemd/container says ${facts.systemdContainer}`);
  }
  const cg = (facts.cgroup ?? "").split("\n").find((l) => CGROUP_MARKER.test(l));
  if (cg) out.push(`/proc/1/cgroup: ${cg.trim()}`);
  const fsType = facts.rootMount?.split(" - ")[1]?.split(" ")[0];
  if (fsType && OVERLAY_FS.test(fsType)) {
    out.push(`the root file system is ${fsType} (/proc/self/mountinfo)`);
  }
  if (env.container) out.push(`container=${env.container} is set (in a container)`);
  if (env.KUBERNETES_SERVICE_HOST) out.push("KUBERNETES_SERVICE_HOST is set");
  const ecs = env.ECS_CONTAINER_METADATA_URI_V4
    ? "ECS_CONTAINER_METADATA_URI_V4"
    : env.ECS_CONTAINER_METADATA_URI
    ? "ECS_CONTAINER_METADATA_URI"
    : undefined;
  if (ecs) out.push(`${ecs} is set (Amazon ECS)`);
  return out;
}

export async function gatherContainerFacts(host: HostFacts): Promise<ContainerFacts> {
  const [dockerenv, containerenv, systemd, cgroup, mountinfo] = await Promise.all([
    host.stat("/.dockerenv"),
    host.stat("/run/.containerenv"),
    host.readText("/run/systemd/container"),
    host.readText("/proc/1/cgroup"),
    host.readText("/proc/self/mountinfo"),
  ]);
  const rootMount = "text" in mountinfo ? rootMountLine(mountinfo.text) : undefined;
  const manager = "text" in systemd ? systemd.text.trim() : "";
  return {
    dockerenv: dockerenv.exists,
    containerenv: containerenv.exists,
    ...(manager ? { systemdContainer: manager } : {}),
    ...("text" in cgroup ? { cgroup: cgroup.text } : {}),
    ...(rootMount !== undefined ? { rootMount } : {}),
  };
}

/** Whether this process runs in a container, and the evidence. */
export async function detectContainer(
  env: Readonly<Record<string, string | undefined>>,
  host: HostFacts,
): Promise<WhereFacts> {
  const evidence = containerMarkers(await gatherContainerFacts(host), env);
  return { inContainer: evidence.length > 0, evidence };
}
