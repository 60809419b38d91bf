/**
 * Plain `nvidia-smi` output (the agent runs it with no arguments, agent-exec §3.2 step 5): the
 * header's driver and CUDA versions, the GPU rows of the table, and the well-known failure
 * messages. The human table is not a stable format, so only the parts every driver since the
 * 4xx series prints are read.
 */

export interface SmiGpu {
  index: number;
  name: string;
  busId?: string;
}

export type SmiProblemKind =
  | "no-driver" // couldn't communicate with the driver (module not loaded)
  | "version-mismatch" // kernel module and NVML library differ (driver upgraded, no reboot)
  | "no-devices" // driver loaded, no GPU found
  | "gpu-lost" // a GPU fell off the bus / unknown error on a device
  | "nvml-missing" // libnvidia-ml.so not found
  | "nvml-error"; // any other NVML initialisation failure

export interface NvidiaSmi {
  smiVersion?: string;
  driverVersion?: string;
  /** The highest CUDA version the driver supports (`12.2`). */
  cudaVersion?: string;
  /** The agent's value: `str(int(float("maj.min") * 10))` (`122`). */
  agentCuda?: string;
  gpus: SmiGpu[];
  problem?: { kind: SmiProblemKind; line: string };
  /** `NVML library version: 535.154` printed with a version mismatch. */
  nvmlLibraryVersion?: string;
}

const PROBLEMS: ReadonlyArray<[RegExp, SmiProblemKind]> = [
  [/version mismatch/i, "version-mismatch"],
  [/couldn't communicate with the NVIDIA driver/i, "no-driver"],
  [/No devices were found/i, "no-devices"],
  [/fallen off the bus|GPU is lost|Unable to determine the device handle/i, "gpu-lost"],
  [/couldn't find libnvidia-ml|NVML Shared Library Not Found/i, "nvml-missing"],
  [/Failed to initialize NVML/i, "nvml-error"],
];

const GPU_ROW =
  /^\|\s+(\d+)\s+(.+?)\s+(?:On|Off)\s+\|\s+([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])\s/;

export function nvidiaSmi(text: string): NvidiaSmi {
  const out: NvidiaSmi = { gpus: [] };
  const smi = /NVIDIA-SMI\s+([0-9][0-9.]*)/.exec(text);
  if (smi) out.smiVersion = smi[1];
  const driver = /Driver Version:\s*([0-9][0-9.]*)/.exec(text);
  if (driver) out.driverVersion = driver[1];
  const cuda = /CUDA Version:\s*([0-9]+\.[0-9]+)/.exec(text);
  if (cuda) out.cudaVersion = cuda[1];
  const agent = /CUDA Version: ([0-9]+).([0-9]+)/.exec(text);
  if (agent) out.agentCuda = String(Math.trunc(Number(`${agent[1]}.${agent[2]}`) * 10));
  for (const line of text.split("\n")) {
    const m = GPU_ROW.exec(line);
    if (m) out.gpus.push({ index: Number(m[1]), name: m[2]!.trim(), busId: m[3] });
  }
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  for (const [re, kind] of PROBLEMS) {
    const line = lines.find((l) => re.test(l));
    if (line) {
      out.problem = { kind, line };
      break;
    }
  }
  const lib = /NVML library version:\s*([0-9][0-9.]*)/.exec(text);
  if (lib) out.nvmlLibraryVersion = lib[1];
  return out;
}
