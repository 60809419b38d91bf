/**
 * `workerId()`: the worker id and name clearml-agent registers (agent-exec §5.2, T29-T34), and
 * `visibleDevices()`: the device list it reads back to build them (§3.5). Pure.
 */

export type WorkerMode =
  /** `daemon`, and `execute --full-monitoring` (services containers, k8s pods). */
  | "daemon"
  /** Plain `execute`. */
  | "execute";

export interface WorkerIdInput {
  /** `agent.worker_name`, else the host name (`platform.node()`). */
  name: string;
  /** `agent.worker_id` (`CLEARML_WORKER_ID`); empty means generate one. */
  configuredId?: string | null;
  /** `visibleDevices()`: undefined when neither variable is set. */
  devices?: string;
  /** `--dynamic-gpus`. */
  dynamicGpus?: boolean;
  mode: WorkerMode;
  /** Plain `execute` uses the process id. */
  pid?: number;
  /** The first slot not used by a live local agent (0 for the first agent). */
  slot?: number;
}

export interface WorkerId {
  id: string;
  /** The name after generation: `<name>:cpu` on a CPU-only worker. */
  name: string;
  /** Which rule made the id, in a few words. */
  rule: string;
}

export function workerId(input: WorkerIdInput): WorkerId {
  const configured = input.configuredId ?? "";
  if (input.mode === "execute") {
    if (configured) return { id: configured, name: input.name, rule: "agent.worker_id" };
    const pid = input.pid ?? 0;
    return { id: `${input.name}:${pid}`, name: input.name, rule: "<name>:<pid> (execute)" };
  }
  let id = configured;
  let name = input.name;
  let rule = "agent.worker_id";
  if (!id && input.devices !== undefined) {
    const devices = input.devices;
    if (devices && devices.toLowerCase() !== "none") {
      const prefix = input.dynamicGpus ? "dgpu" : "gpu";
      id = `${name}:${prefix}${devices}`;
      rule = `<name>:${prefix}<visible devices>`;
    } else if (devices !== "") {
      name = `${name}:cpu`;
    }
  }
  if (!id) {
    id = `${name}:${input.slot ?? 0}`;
    rule = name.endsWith(":cpu") ? "<name>:cpu:<slot> (CPU only)" : "<name>:<slot>";
  }
  return { id, name, rule };
}

export interface DeviceFlags {
  /** `--gpus X`. */
  gpus?: string;
  /** `--cpu-only` (and ours: `CLEARML_CPU_ONLY`). */
  cpuOnly?: boolean;
}

/**
 * The visible devices the agent reads back after start-up: flags applied to the variables
 * (`--gpus` is ignored inside Kubernetes), `CUDA_VISIBLE_DEVICES` mirrored into an empty
 * `NVIDIA_VISIBLE_DEVICES`, then `NVIDIA_VISIBLE_DEVICES or CUDA_VISIBLE_DEVICES` with `:` as `.`.
 */
export function visibleDevices(
  env: Readonly<Record<string, string | undefined>>,
  flags: DeviceFlags = {},
): string | undefined {
  let nvidia = env.NVIDIA_VISIBLE_DEVICES;
  let cuda = env.CUDA_VISIBLE_DEVICES;
  const k8s = Boolean(env.KUBERNETES_SERVICE_HOST) || Boolean(env.KUBERNETES_PORT);
  if (flags.cpuOnly) {
    nvidia = "none";
    cuda = "none";
  } else if (flags.gpus !== undefined && !k8s) {
    if (flags.gpus === "all") {
      nvidia = "all";
      cuda = undefined;
    } else {
      nvidia = flags.gpus.replaceAll(".", ":");
      cuda = nvidia;
    }
  }
  const value = nvidia ? nvidia : cuda;
  return value === undefined ? undefined : value.replaceAll(":", ".");
}
