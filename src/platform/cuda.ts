/**
 * CUDA/cuDNN detection for a run (agent-exec §3): the versions clearml-agent would use, in its
 * format (`11.8` → `118`; nothing found → `0`), computed ONCE per run and shared by everything
 * that asks (the agent's plan, its PyTorch resolver, doctor). `--cpu-only` (ours also
 * `CLEARML_CPU_ONLY`) gives `0`/`0` without probing, as the agent's Session does; both versions
 * configured (`agent.cuda_version`/`cudnn_version` or `CLEARML_CUDA_VERSION`/`CUDNN_VERSION`)
 * also skip every probe. Otherwise the GPU facts are gathered (NVML through nvidia-smi, nvcc,
 * nvidia-smi, the cudnn.h next to nvcc) and read by the pure chain of cuda_chain.ts.
 */
import type { Resolution } from "../settings/resolve.ts";
import { exec as realExec, type ExecResult } from "./exec.ts";
import { type HostFacts, nodeHostFacts } from "./host_facts.ts";
import { gatherGpuFacts, type GpuFacts } from "./gpu_facts.ts";
import { cpuOnlyMode, type CudaChain, cudaChain } from "./cuda_chain.ts";
import { getNode } from "../settings/tree.ts";

export {
  agentNvmlCuda,
  type ChainStep,
  type CpuOnlyMode,
  cpuOnlyMode,
  type CudaChain,
  cudaChain,
} from "./cuda_chain.ts";
export { gatherGpuFacts, type GpuFacts } from "./gpu_facts.ts";
export { type VisibleDevices, visibleDevices } from "./parse/visible_devices.ts";

export interface CudaDetection {
  /** `agent.cuda_version` as the agent ends up with it: `118`, `130`, `0` (nothing found). */
  cuda: string;
  /** `agent.cudnn_version` likewise: `89`, `0`. */
  cudnn: string;
  /** Where the CUDA version came from (`nvcc --version (/usr/local/bin/nvcc)`, `--cpu-only`…). */
  source: string;
  cudnnSource: string;
  /** CPU-only mode (flag or CLEARML_CPU_ONLY): GPUs hidden, versions `0`. */
  cpuOnly: boolean;
  /** The chain with every step, when it ran. */
  chain?: CudaChain;
  /** Whether any program or file was probed (false: cpu-only or both versions configured). */
  probed: boolean;
}

export interface DetectCudaOptions {
  /** The agent's resolved settings (`resolveFor(…, "agent")`). */
  agent: Resolution;
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** `--cpu-only` on the command line. */
  cpuOnlyFlag?: boolean;
  /** Per-step timeout (nvidia-smi can hang on a wedged driver). */
  timeoutMs?: number;
  platform?: string;
  host?: HostFacts;
  exec?: (
    cmd: string,
    args: readonly string[],
    opts: { timeoutMs: number; env: Record<string, string> },
  ) => Promise<ExecResult>;
}

/** Facts of a machine where nothing was probed (the chain then stops at the configuration). */
function unprobed(platform: string): GpuFacts {
  return {
    platform,
    procVersion: { error: "not probed" },
    devices: [],
    nvml: { searched: [], found: [] },
    nvidiaSmi: {},
    nvcc: { offPath: [] },
    cudnn: { headers: [], searched: [] },
    skipped: [],
  };
}

function configured(agent: Resolution, key: string): boolean {
  const node = getNode(agent.tree, ["agent", key]);
  if (node?.type !== "scalar") return false;
  const v = node.value;
  return !(v === null || v === "" || v === 0 || v === false);
}

async function detect(o: DetectCudaOptions): Promise<CudaDetection> {
  const platform = o.platform ?? process.platform;
  const cpuOnly = Boolean(o.cpuOnlyFlag) || cpuOnlyMode(o.agent).hidesGpus;
  if (cpuOnly) {
    const source = o.cpuOnlyFlag ? "--cpu-only" : "CPU-only mode (CLEARML_CPU_ONLY)";
    return {
      cuda: "0",
      cudnn: "0",
      source,
      cudnnSource: source,
      cpuOnly: true,
      probed: false,
    };
  }
  const both = configured(o.agent, "cuda_version") && configured(o.agent, "cudnn_version");
  let facts = unprobed(platform);
  if (!both) {
    const timeoutMs = o.timeoutMs ?? 5000;
    const run = o.exec ?? ((cmd, args, opts) => realExec(cmd, args, opts));
    facts = await gatherGpuFacts({
      env: o.env,
      cwd: o.cwd,
      host: o.host ?? nodeHostFacts(timeoutMs),
      platform,
      run: (_label, cmd, args) =>
        run(cmd, args, { timeoutMs, env: { ...o.env, LC_ALL: "C", LANG: "C" } }),
    });
  }
  const chain = cudaChain(facts, o.agent, o.env);
  return {
    cuda: chain.cuda,
    cudnn: chain.cudnn,
    source: chain.cudaFrom,
    cudnnSource: chain.cudnnFrom,
    cpuOnly: false,
    chain,
    probed: !both,
  };
}

const runs = new WeakMap<Resolution, Map<string, Promise<CudaDetection>>>();

/**
 * The run's CUDA detection: the first call for these settings probes, later calls get the same
 * answer (the same promise), so the chain is computed once per run.
 */
export function detectCuda(o: DetectCudaOptions): Promise<CudaDetection> {
  let byFlag = runs.get(o.agent);
  if (!byFlag) runs.set(o.agent, byFlag = new Map());
  const key = o.cpuOnlyFlag ? "cpu" : "gpu";
  let p = byFlag.get(key);
  if (!p) {
    // The agent swallows any failure of detection (agent-exec §3.1): the values stay unset → 0.
    p = detect(o).catch((e: unknown): CudaDetection => ({
      cuda: "0",
      cudnn: "0",
      source: `detection failed: ${e instanceof Error ? e.message : String(e)}`,
      cudnnSource: "detection failed",
      cpuOnly: false,
      probed: true,
    }));
    byFlag.set(key, p);
  }
  return p;
}
