/**
 * The CUDA/cuDNN versions clearml-agent would use (agent-exec §3.2, with its quirks: NVML's
 * integer reading, nvcc's three-character capture, the one cudnn.h next to nvcc) and CPU-only
 * mode (§3.4), as pure functions over the gathered GPU facts and the agent's resolved settings.
 * Doctor's gpu checks and the agent's detection (cuda.ts) both read them.
 */
import type { GpuFacts } from "./gpu_facts.ts";
import { NVML_LIB } from "./gpu_facts.ts";
import { nvidiaDriverVersion } from "./parse/nvidia_driver_version.ts";
import { type NvidiaSmi, nvidiaSmi } from "./parse/nvidia_smi.ts";
import { nvccVersion } from "./parse/nvcc_version.ts";
import { cudnnHeader } from "./parse/cudnn_header.ts";
import { type Resolution, variableState } from "../settings/resolve.ts";
import type { VariableState } from "../settings/read_variable.ts";
import { type ConfNode, formatOrigin, getNode, type Origin, toPlain } from "../settings/tree.ts";
import { normalizeCudaVersion } from "../settings/normalize_cuda.ts";
import { truthy } from "../settings/read_variable.ts";

export interface DriverFacts {
  /** Version from /proc (kernel module). */
  procVersion?: string;
  procOpen: boolean;
  procPresent: boolean;
  smi?: NvidiaSmi;
  smiRan: boolean;
  smiOk: boolean;
  smiTimedOut: boolean;
}

export function driverFacts(s: GpuFacts): DriverFacts {
  const procPresent = "text" in s.procVersion;
  const proc = "text" in s.procVersion ? nvidiaDriverVersion(s.procVersion.text) : undefined;
  const plain = s.nvidiaSmi.plain;
  const smi = plain ? nvidiaSmi(`${plain.stdout}\n${plain.stderr}`) : undefined;
  return {
    ...(proc?.version ? { procVersion: proc.version } : {}),
    procOpen: proc?.open ?? false,
    procPresent,
    ...(smi ? { smi } : {}),
    smiRan: Boolean(plain && !plain.notFound),
    smiOk: Boolean(plain && plain.code === 0 && smi?.driverVersion),
    smiTimedOut: Boolean(plain?.timedOut),
  };
}

export interface CpuOnlyMode {
  /** Ours: `agent.cpu_only` true from CLEARML_CPU_ONLY or --cpu-only (GPUs hidden, CUDA 0). */
  hidesGpus: boolean;
  /** `agent.cpu_only: true` from a file: the agent skips CUDA wheels but GPUs stay visible. */
  fileKey: boolean;
  origin?: Origin;
  variable?: VariableState;
}

/** CPU-only mode as the configuration asks for it. */
export function cpuOnlyMode(agent: Resolution): CpuOnlyMode {
  const node = getNode(agent.tree, ["agent", "cpu_only"]);
  const variable = variableState(agent, "CLEARML_CPU_ONLY");
  // the agent's test: `not agent.get('cpu_only', False)` (clearml_agent/helper/package/
  // requirements.py:627), Python truthiness; ours sets a boolean from CLEARML_CPU_ONLY and the flag
  const on = node !== undefined && truthy(toPlain(node));
  const kind = node?.origin.kind;
  return {
    hidesGpus: on && (kind === "env" || kind === "flag"),
    fileKey: on && kind !== "env" && kind !== "flag",
    ...(node ? { origin: node.origin } : {}),
    ...(variable && variable.status !== "unset" ? { variable } : {}),
  };
}

/**
 * The agent's reading of NVML's `nvmlSystemGetCudaDriverVersion` (agent-exec §3.2 step 2):
 * `12020` → `122`, `12000` → `120`, and the quirk `9020` → `902`.
 */
export function agentNvmlCuda(driverCuda: number): string {
  const s = String(driverCuda);
  if (s.length >= 4 && s[2] === "0" && s[3] !== "0") return s.slice(0, 2) + s[3];
  return s.slice(0, 3);
}

export interface ChainStep {
  source: string;
  /** What this source says (already in the agent's format), or why it says nothing. */
  answer?: string;
  note?: string;
  /** The agent takes its value from this step. */
  used: boolean;
  /** The agent stops before asking this source. */
  notAsked?: boolean;
}

export interface CudaChain {
  cuda: string;
  cudnn: string;
  cudaFrom: string;
  cudnnFrom: string;
  steps: ChainStep[];
  cudnnSteps: ChainStep[];
  /** The true toolkit version when nvcc's 3-character capture changed it. */
  nvccQuirk?: { release: string; agent: string; actual: string };
}

function configValue(node: ConfNode | undefined): string | undefined {
  if (node?.type !== "scalar") return undefined;
  const v = node.value;
  // Python truthiness: "0" is a value, 0, "" and None are not.
  if (v === null || v === "" || v === 0 || v === false) return undefined;
  return String(v);
}

/** The CUDA and cuDNN versions clearml-agent would use, and what each source says. */
export function cudaChain(
  s: GpuFacts,
  agent: Resolution,
  env: Readonly<Record<string, string>>,
): CudaChain {
  const cudaNode = getNode(agent.tree, ["agent", "cuda_version"]);
  const cudnnNode = getNode(agent.tree, ["agent", "cudnn_version"]);
  const cfgCuda = configValue(cudaNode);
  const cfgCudnn = configValue(cudnnNode);
  const d = driverFacts(s);
  const steps: ChainStep[] = [];
  const cudnnSteps: ChainStep[] = [];
  const cfgLabel = (node: ConfNode | undefined, key: string) =>
    `${key}${node ? ` (${formatOrigin(node.origin)})` : ""}`;

  steps.push({
    source: cfgLabel(cudaNode, "agent.cuda_version"),
    ...(cfgCuda !== undefined ? { answer: normalizeCudaVersion(cfgCuda) } : {}),
    note: cfgCuda === undefined ? "not set" : undefined,
    used: cfgCuda !== undefined,
  });
  cudnnSteps.push({
    source: cfgLabel(cudnnNode, "agent.cudnn_version"),
    ...(cfgCudnn !== undefined ? { answer: normalizeCudaVersion(cfgCudnn) } : {}),
    note: cfgCudnn === undefined ? "not set" : undefined,
    used: cfgCudnn !== undefined,
  });

  let cuda = cfgCuda;
  let cudaFrom = cfgCuda !== undefined ? steps[0]!.source : "";
  const ask = (step: Omit<ChainStep, "used" | "notAsked">, value: string | undefined) => {
    const notAsked = cuda !== undefined;
    const used = !notAsked && value !== undefined;
    steps.push({ ...step, used, ...(notAsked ? { notAsked: true } : {}) });
    if (used) {
      cuda = value;
      cudaFrom = step.source;
    }
  };

  // Steps 2-5 run only while the CUDA version is still unknown (both configured: nothing runs).
  // NVML: the library must load and the driver answer; nvidia-smi prints the same number.
  const nvmlLoads = s.nvml.found.length > 0 ||
    /libnvidia-ml\.so\.1\s/.test(s.nvml.ldconfig?.stdout ?? "");
  const smiCuda = d.smiOk ? d.smi?.cudaVersion : undefined;
  let nvmlValue: string | undefined;
  let nvmlNote: string;
  if (!nvmlLoads) nvmlNote = `${NVML_LIB} not found`;
  else if (!d.procPresent && !d.smiOk) nvmlNote = "the driver is not loaded";
  else if (smiCuda) {
    const [maj, min] = smiCuda.split(".").map(Number) as [number, number];
    nvmlValue = agentNvmlCuda(maj * 1000 + min * 10);
    nvmlNote = `driver supports CUDA ${smiCuda} (read through nvidia-smi)`;
  } else nvmlNote = "answers, but doctor reads its value through nvidia-smi, which gave none";
  ask(
    { source: "NVML (driver)", ...(nvmlValue ? { answer: nvmlValue } : {}), note: nvmlNote },
    nvmlValue,
  );

  if (s.platform === "win32") {
    const vs = Object.keys(env).filter((n) => n.startsWith("CUDA_PATH_V")).map((n) =>
      Number(n.slice("CUDA_PATH_V".length).replaceAll("_", ""))
    ).filter((n) => Number.isInteger(n));
    const best = vs.length ? Math.max(...vs) : undefined;
    const v = best !== undefined && best > 40 ? String(best) : undefined;
    ask({
      source: "CUDA_PATH_V* variables",
      ...(v ? { answer: v } : {}),
      note: v ? undefined : "none",
    }, v);
  }

  let nvccQuirk: CudaChain["nvccQuirk"];
  if (s.nvcc.path && s.nvcc.version) {
    const n = nvccVersion(s.nvcc.version.stdout);
    const actual = n.release ? normalizeCudaVersion(n.release) : undefined;
    if (n.release && n.agentCuda && actual && actual !== n.agentCuda) {
      nvccQuirk = { release: n.release, agent: n.agentCuda, actual };
    }
    ask({
      source: `nvcc --version (${s.nvcc.path})`,
      ...(n.agentCuda ? { answer: n.agentCuda } : {}),
      note: n.release
        ? `release ${n.release}${
          nvccQuirk ? `, read as "${n.agentCapture}" (the agent captures 3 characters)` : ""
        }`
        : s.nvcc.version.timedOut
        ? "timed out"
        : "no release line",
    }, n.agentCuda);
  } else {
    ask({
      source: "nvcc --version",
      note: s.nvcc.offPath.length
        ? `not on PATH (found ${s.nvcc.offPath.join(", ")}, which the agent does not look at)`
        : "nvcc not on PATH",
    }, undefined);
  }

  const smiAgent = d.smi?.agentCuda && s.nvidiaSmi.plain?.code === 0 ? d.smi.agentCuda : undefined;
  ask({
    source: "nvidia-smi",
    ...(smiAgent ? { answer: smiAgent } : {}),
    note: !s.nvidiaSmi.path
      ? "not on PATH"
      : d.smiTimedOut
      ? "timed out"
      : smiAgent
      ? `CUDA Version: ${d.smi?.cudaVersion}`
      : "no CUDA Version line",
  }, smiAgent);

  // cuDNN: only the cudnn.h two levels above nvcc, and only when not configured.
  let cudnn = cfgCudnn;
  let cudnnFrom = cfgCudnn !== undefined ? cudnnSteps[0]!.source : "";
  const header = s.cudnn.agentHeader;
  const reading = header && "text" in header.read
    ? cudnnHeader(header.read.text).agentReading
    : undefined;
  const notAsked = cudnn !== undefined;
  cudnnSteps.push({
    source: header ? header.path : "cudnn.h next to nvcc",
    ...(reading ? { answer: reading } : {}),
    note: !header
      ? "no nvcc on PATH"
      : "error" in header.read
      ? `not found (${header.read.error})`
      : reading
      ? undefined
      : "no CUDNN_MAJOR line (cuDNN 8+ keeps it in cudnn_version.h, which the agent does not read)",
    used: !notAsked && reading !== undefined,
    ...(notAsked ? { notAsked: true } : {}),
  });
  if (!notAsked && reading !== undefined) {
    cudnn = reading;
    cudnnFrom = cudnnSteps[1]!.source;
  }

  return {
    cuda: normalizeCudaVersion(cuda ?? "0"),
    cudnn: normalizeCudaVersion(cudnn ?? "0"),
    cudaFrom: cudaFrom || "nothing (the agent uses 0: CPU builds)",
    cudnnFrom: cudnnFrom || "nothing (the agent uses 0)",
    steps,
    cudnnSteps,
    ...(nvccQuirk ? { nvccQuirk } : {}),
  };
}
