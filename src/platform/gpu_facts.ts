/**
 * The GPU/CUDA probe outputs (doctor's gpu category and the agent's CUDA detection read the
 * same facts), cheapest and most authoritative first: the kernel module's
 * `/proc/driver/nvidia/version`, the `/dev/nvidia*` nodes, where `libnvidia-ml.so.1` (NVML)
 * lives, then `nvidia-smi` and `nvcc --version` (each with a timeout: a hung driver makes
 * nvidia-smi hang), and the cuDNN headers. Also the one `cudnn.h` clearml-agent reads: two
 * levels up from the `nvcc` found on PATH, then `include/cudnn.h`.
 */
import type { ExecResult } from "./exec.ts";
import { dirname, join } from "node:path";
import type { ReadResult } from "./host_facts.ts";
import type { GatherOptions } from "./gather.ts";
import { findOnPath } from "./find_executable.ts";

export interface GpuFacts {
  platform: string;
  /** `/proc/driver/nvidia/version`: the text, or the read error (`ENOENT`: no driver loaded). */
  procVersion: ReadResult;
  /** `/dev/nvidia*` entries. */
  devices: string[];
  nvml: {
    /** Directories searched for `libnvidia-ml.so.1`, in order. */
    searched: string[];
    /** Paths where it exists. */
    found: string[];
    /** `ldconfig -p`, when an ldconfig was found. */
    ldconfig?: ExecResult;
  };
  nvidiaSmi: {
    /** `nvidia-smi` on PATH. */
    path?: string;
    /** `nvidia-smi` with no arguments, as the agent runs it. */
    plain?: ExecResult;
    /** `--query-gpu=… --format=csv,nounits`, run when the plain run worked. */
    query?: ExecResult;
  };
  nvcc: {
    /** `nvcc` on PATH (what the agent runs). */
    path?: string;
    version?: ExecResult;
    /** nvcc found in the usual places but not on PATH: the agent does not see these. */
    offPath: string[];
  };
  cudnn: {
    /** The header the agent reads: `<nvcc dir>/../include/cudnn.h`. */
    agentHeader?: { path: string; read: ReadResult };
    /** Every cudnn.h / cudnn_version.h found (path and text). */
    headers: Array<{ path: string; text: string }>;
    searched: string[];
  };
  /** Steps not run because the run's time budget was spent. */
  skipped: string[];
}

export const NVML_LIB = "libnvidia-ml.so.1";

/** Where distributions, the NVIDIA runfile, containers and WSL put the driver's libraries. */
const LIB_DIRS = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/lib/x86_64-linux-gnu",
  "/usr/lib64",
  "/usr/lib",
  "/usr/local/nvidia/lib64",
  "/usr/local/nvidia/lib",
  "/usr/lib/wsl/lib",
];

export const SMI_QUERY = [
  "--query-gpu=index,name,uuid,driver_version,memory.total,pci.bus_id",
  "--format=csv,nounits",
];

function unique(list: string[]): string[] {
  return [...new Set(list.filter(Boolean))];
}

export type GatherGpuOptions = GatherOptions;

export async function gatherGpuFacts(o: GatherGpuOptions): Promise<GpuFacts> {
  const { env, cwd, host, run, platform } = o;
  const skipped = o.skipped ?? [];
  const cudaHomes = unique([env.CUDA_HOME ?? "", env.CUDA_PATH ?? "", "/usr/local/cuda"]);
  const libDirs = unique([...(env.LD_LIBRARY_PATH ?? "").split(":"), ...LIB_DIRS]);
  const includeDirs = unique([
    "/usr/include",
    "/usr/include/x86_64-linux-gnu",
    "/usr/include/aarch64-linux-gnu",
    ...cudaHomes.map((h) => join(h, "include")),
  ]);

  const [procVersion, devices, nvmlFound, ldconfigPath, smiPath, nvccPath] = await Promise.all([
    host.readText("/proc/driver/nvidia/version"),
    host.list("/dev").then((names) => (names ?? []).filter((n) => n.startsWith("nvidia"))),
    Promise.all(libDirs.map(async (d) => {
      const p = join(d, NVML_LIB);
      return (await host.stat(p)).exists ? p : undefined;
    })).then((ps) => ps.filter((p): p is string => p !== undefined)),
    (async () =>
      await findOnPath(host, "ldconfig", env, cwd) ??
        (await host.isExecutable("/sbin/ldconfig")
          ? "/sbin/ldconfig"
          : (await host.isExecutable("/usr/sbin/ldconfig") ? "/usr/sbin/ldconfig" : undefined)))(),
    findOnPath(host, "nvidia-smi", env, cwd),
    findOnPath(host, "nvcc", env, cwd),
  ]);

  const offPathCandidates = cudaHomes.map((h) => join(h, "bin", "nvcc"));
  const agentHeaderPath = nvccPath ? join(dirname(dirname(nvccPath)), "include", "cudnn.h") : "";

  const [ldconfig, plain, nvccVersion, offPath, headers, agentRead] = await Promise.all([
    ldconfigPath ? run("ldconfig -p", ldconfigPath, ["-p"]) : undefined,
    smiPath ? run("nvidia-smi", smiPath, []) : undefined,
    nvccPath ? run("nvcc --version", nvccPath, ["--version"]) : undefined,
    Promise.all(
      offPathCandidates.map(async (p) =>
        p !== nvccPath && await host.isExecutable(p) ? p : undefined
      ),
    ).then((ps) => ps.filter((p): p is string => p !== undefined)),
    Promise.all(
      includeDirs.flatMap((d) => ["cudnn.h", "cudnn_version.h"].map((f) => join(d, f))).map(
        async (path) => {
          const r = await host.readText(path);
          return "text" in r ? { path, text: r.text } : undefined;
        },
      ),
    ).then((hs) => hs.filter((h): h is { path: string; text: string } => h !== undefined)),
    agentHeaderPath ? host.readText(agentHeaderPath) : undefined,
  ]);

  const query = smiPath && plain?.code === 0
    ? await run("nvidia-smi --query-gpu", smiPath, SMI_QUERY)
    : undefined;

  return {
    platform,
    procVersion,
    devices,
    nvml: {
      searched: libDirs,
      found: nvmlFound,
      ...(ldconfig ? { ldconfig } : {}),
    },
    nvidiaSmi: {
      ...(smiPath ? { path: smiPath } : {}),
      ...(plain ? { plain } : {}),
      ...(query ? { query } : {}),
    },
    nvcc: {
      ...(nvccPath ? { path: nvccPath } : {}),
      ...(nvccVersion ? { version: nvccVersion } : {}),
      offPath: unique(offPath),
    },
    cudnn: {
      ...(agentRead ? { agentHeader: { path: agentHeaderPath, read: agentRead } } : {}),
      headers,
      searched: includeDirs,
    },
    skipped,
  };
}
