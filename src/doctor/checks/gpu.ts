/**
 * Doctor's gpu category: the NVIDIA driver and NVML, nvidia-smi, and the CUDA/cuDNN versions
 * clearml-agent would pick (agent-exec §3.2: config/env, then NVML, nvcc, nvidia-smi, with
 * the agent's own quirks), GPU visibility (§3.5, §2.4) and CPU-only mode (§3.4).
 * A machine without an NVIDIA GPU is not broken: its checks skip and say why.
 */
import type { Category, Check, CheckResult, DoctorInput } from "../types.ts";
import { type GpuSnapshot, NVML_LIB, probeGpu } from "../probes/gpu_probe.ts";
import {
  type ChainStep,
  cpuOnlyMode,
  type CudaChain,
  cudaChain,
  type DriverFacts,
  driverFacts,
} from "../../platform/cuda_chain.ts";
import { nvidiaSmiCsv } from "../../platform/parse/nvidia_smi_csv.ts";
import { cudnnHeader } from "../../platform/parse/cudnn_header.ts";
import { visibleDevices } from "../../platform/parse/visible_devices.ts";
import { variableState } from "../../settings/resolve.ts";
import { formatOrigin } from "../../settings/tree.ts";
import { seconds } from "../../platform/seconds.ts";
import { cudaVersionInt10 } from "../../settings/normalize_cuda.ts";

const DOCS_DRIVER = "https://docs.nvidia.com/datacenter/tesla/driver-installation-guide/";
const DOCS_CUDA_ENV = "https://clear.ml/docs/latest/docs/clearml_agent/clearml_agent_env_var";

// ── shared readings of the snapshot ───────────────────────────────────────────────────────────

/** The chain once per snapshot and settings: gpu.cuda, gpu.cudnn and gpu.cpu_only share it. */
const chains = new WeakMap<GpuSnapshot, WeakMap<DoctorInput["agent"], CudaChain>>();

function chainOf(s: GpuSnapshot, input: DoctorInput): CudaChain {
  let bySettings = chains.get(s);
  if (!bySettings) chains.set(s, bySettings = new WeakMap());
  let chain = bySettings.get(input.agent);
  if (!chain) bySettings.set(input.agent, chain = cudaChain(s, input.agent, input.env));
  return chain;
}

/** nvidia-smi's exit codes (NVML return codes), for the ones users meet. */
const SMI_EXIT: Readonly<Record<number, string>> = {
  2: "invalid argument",
  3: "operation not available on this GPU",
  4: "no permission",
  6: "query unsuccessful",
  8: "external power cables not attached",
  9: "NVIDIA driver is not loaded",
  10: "kernel interrupt problem",
  12: "NVML shared library not found",
  14: "infoROM is corrupted",
  15: "a GPU has fallen off the bus",
  17: "blocked by the operating system or cgroups",
  18: "driver/library version mismatch",
  255: "other error",
};

/** Whether this machine has an NVIDIA driver at all (the reason when not). */
function noDriverReason(s: GpuSnapshot, d: DriverFacts): string | undefined {
  if (d.procPresent || d.smiOk) return undefined;
  if (s.platform === "darwin") return "macOS has no NVIDIA CUDA driver";
  if (d.smiRan) return undefined; // nvidia-smi exists but failed: a broken driver, not no driver
  const proc = "error" in s.procVersion && s.procVersion.error !== "ENOENT"
    ? `/proc/driver/nvidia/version unreadable (${s.procVersion.error})`
    : "/proc/driver/nvidia/version absent";
  return `no NVIDIA driver: ${proc}, nvidia-smi not found`;
}

function stepLine(step: ChainStep): string {
  const mark = step.used ? "→" : step.notAsked ? "·" : " ";
  const answer = step.answer !== undefined ? step.answer : "—";
  return `${mark} ${step.source}: ${answer}${step.note ? ` (${step.note})` : ""}${
    step.notAsked ? " [not asked]" : ""
  }`;
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────────

function driverCheck(s: GpuSnapshot): CheckResult {
  const d = driverFacts(s);
  const none = noDriverReason(s, d);
  if (none) return { status: "skip", summary: none, evidence: { driver: false } };
  const evidence: Record<string, unknown> = {
    ...(d.procVersion ? { kernelModule: d.procVersion } : {}),
    ...(d.smi?.driverVersion ? { nvidiaSmiDriver: d.smi.driverVersion } : {}),
    ...(d.smi?.nvmlLibraryVersion ? { nvmlLibrary: d.smi.nvmlLibraryVersion } : {}),
    devices: s.devices,
  };
  if (d.smi?.problem?.kind === "version-mismatch") {
    return {
      status: "fail",
      summary: `driver/library version mismatch: kernel module ${
        d.procVersion ?? "?"
      }, NVML library ${d.smi.nvmlLibraryVersion ?? "newer"}`,
      details: [
        d.smi.problem.line,
        "The driver was upgraded but the old kernel module is still loaded.",
      ],
      evidence,
      fix: {
        text: "Reboot (or unload and reload the nvidia kernel modules)",
        commands: ["sudo reboot"],
      },
    };
  }
  if (d.procPresent) {
    if (!d.procVersion) {
      return {
        status: "warn",
        summary: "/proc/driver/nvidia/version has no version doctor can read",
        details: ["text" in s.procVersion ? s.procVersion.text.split("\n")[0] ?? "" : ""],
        evidence,
      };
    }
    return {
      status: "pass",
      summary: `NVIDIA driver ${d.procVersion} loaded (${
        d.procOpen ? "open" : "proprietary"
      } kernel module)`,
      evidence,
    };
  }
  if (d.smiOk) {
    return {
      status: "pass",
      summary: `NVIDIA driver ${
        d.smi!.driverVersion
      } (from nvidia-smi; no /proc/driver/nvidia/version, as on WSL)`,
      evidence,
    };
  }
  if (d.smi?.problem?.kind === "no-driver" || s.nvidiaSmi.plain?.code === 9) {
    return {
      status: "fail",
      summary: "nvidia-smi is installed but the NVIDIA kernel module is not loaded",
      details: [d.smi?.problem?.line ?? "nvidia-smi exit 9: NVIDIA driver is not loaded"],
      evidence,
      fix: {
        text:
          "Load the module (a driver installed without rebooting, a kernel update without DKMS, or Secure Boot blocking it)",
        commands: ["sudo modprobe nvidia", "sudo dmesg | grep -i -E 'nvrm|nvidia' | tail"],
        docs: [DOCS_DRIVER],
      },
    };
  }
  return {
    status: "warn",
    summary: `nvidia-smi is installed but the driver state is unclear: ${
      d.smiTimedOut ? "nvidia-smi timed out" : d.smi?.problem?.line ?? "nvidia-smi failed"
    }`,
    evidence,
  };
}

function nvmlCheck(s: GpuSnapshot): CheckResult {
  const d = driverFacts(s);
  const none = noDriverReason(s, d);
  const ldconfigHits = (s.nvml.ldconfig?.stdout ?? "").split("\n")
    .filter((l) => l.includes(`${NVML_LIB} `) || l.trim().startsWith(NVML_LIB))
    .map((l) => l.split("=>")[1]?.trim() ?? l.trim());
  const found = [...new Set([...s.nvml.found, ...ldconfigHits])];
  const evidence = { found, searched: s.nvml.searched, ldconfig: Boolean(s.nvml.ldconfig) };
  if (none) {
    return {
      status: "skip",
      summary: found.length ? `${none} (${NVML_LIB} is present: ${found[0]})` : none,
      evidence,
    };
  }
  if (!found.length) {
    return {
      status: "warn",
      summary: `${NVML_LIB} not found: the agent cannot ask the driver for its CUDA version`,
      details: [
        "Without NVML the agent falls back to nvcc --version, whose 3-character reading loses the minor version (11.8 → 110).",
        `searched: ${s.nvml.searched.join(", ")} and ldconfig -p`,
      ],
      evidence,
      fix: {
        text:
          "Install the driver's user-space libraries (e.g. libnvidia-compute-<version>); in a container set NVIDIA_DRIVER_CAPABILITIES=compute,utility",
        docs: [DOCS_DRIVER],
      },
    };
  }
  return {
    status: "pass",
    summary: `${NVML_LIB} found: ${found[0]}${found.length > 1 ? ` (+${found.length - 1})` : ""}`,
    evidence,
  };
}

function smiCheck(s: GpuSnapshot): CheckResult {
  const d = driverFacts(s);
  const none = noDriverReason(s, d);
  if (none) return { status: "skip", summary: none };
  const plain = s.nvidiaSmi.plain;
  if (!s.nvidiaSmi.path || !plain || plain.notFound) {
    if (!s.nvidiaSmi.path) {
      return {
        status: "warn",
        summary: "the driver is loaded but nvidia-smi is not on PATH",
        details: ["nvidia-smi is the agent's last CUDA fallback and the way to see the GPUs."],
        fix: { text: "Install the driver's utilities package (nvidia-utils-<version>)" },
      };
    }
    return { status: "skip", summary: "nvidia-smi was not run: the run's time budget was spent" };
  }
  if (plain.timedOut) {
    return {
      status: "warn",
      summary: `nvidia-smi did not answer within ${
        seconds(plain.durationMs)
      }: the driver may be hung`,
      details: [
        "A hung nvidia-smi usually means a GPU error (Xid) or a GPU that fell off the bus; tasks would hang the same way.",
      ],
      evidence: { path: s.nvidiaSmi.path, timedOut: true },
      fix: {
        text: "Look for Xid errors; reset the GPU or reboot. Persistence mode avoids slow starts.",
        commands: ["sudo dmesg | grep -i -E 'xid|nvrm' | tail", "sudo nvidia-smi -pm 1"],
      },
    };
  }
  const smi = d.smi!;
  if (plain.code !== 0) {
    const meaning = plain.code !== null ? SMI_EXIT[plain.code] : undefined;
    const line = smi.problem?.line ??
      (plain.stdout + "\n" + plain.stderr).split("\n").map((l) => l.trim()).filter(Boolean).pop() ??
      "";
    return {
      status: "fail",
      summary: `nvidia-smi failed (exit ${plain.code ?? "killed"}${
        meaning ? `: ${meaning}` : ""
      }): ${line}`,
      details: [line],
      evidence: { path: s.nvidiaSmi.path, exitCode: plain.code, problem: smi.problem?.kind },
      fix: {
        text: smi.problem?.kind === "version-mismatch"
          ? "Reboot so that the kernel module matches the upgraded driver libraries"
          : smi.problem?.kind === "no-devices"
          ? "Check that the GPU is seated and visible (lspci | grep -i nvidia) and that the driver supports it"
          : "Check the driver installation and the kernel log",
        commands: ["sudo dmesg | grep -i -E 'nvrm|xid' | tail"],
      },
    };
  }
  const csv = s.nvidiaSmi.query?.code === 0 ? nvidiaSmiCsv(s.nvidiaSmi.query.stdout) : [];
  const gpus = csv.length
    ? csv.map((g) =>
      `${g.index ?? "?"}: ${g.name ?? "?"}${g.memoryTotalMiB ? `, ${g.memoryTotalMiB} MiB` : ""}${
        g.uuid ? `, ${g.uuid}` : ""
      }${g.busId ? `, ${g.busId}` : ""}`
    )
    : smi.gpus.map((g) => `${g.index}: ${g.name}${g.busId ? `, ${g.busId}` : ""}`);
  const count = csv.length || smi.gpus.length;
  return {
    status: "pass",
    summary: `driver ${smi.driverVersion}, CUDA ${smi.cudaVersion ?? "?"}, ${count} GPU${
      count === 1 ? "" : "s"
    }`,
    details: gpus,
    evidence: {
      path: s.nvidiaSmi.path,
      driverVersion: smi.driverVersion,
      cudaVersion: smi.cudaVersion,
      gpus: csv.length ? csv : smi.gpus,
    },
  };
}

function cudaCheck(s: GpuSnapshot, input: DoctorInput): CheckResult {
  const chain = chainOf(s, input);
  const d = driverFacts(s);
  const none = noDriverReason(s, d);
  const details = [...chain.steps.map(stepLine), `the agent uses CUDA ${chain.cuda}`];
  const evidence = {
    cuda: chain.cuda,
    from: chain.cudaFrom,
    steps: chain.steps,
    ...(chain.nvccQuirk ? { nvccQuirk: chain.nvccQuirk } : {}),
  };
  const summary = `the agent uses CUDA ${chain.cuda} from ${chain.cudaFrom}`;
  let int10: string;
  try {
    int10 = cudaVersionInt10(chain.cuda);
  } catch (e: unknown) {
    return {
      status: "fail",
      summary: `CUDA version ${
        JSON.stringify(chain.cuda)
      } (${chain.cudaFrom}) is not a number: PyTorch wheel resolution will fail`,
      details: [...details, `ValueError: ${e instanceof Error ? e.message : String(e)}`],
      evidence,
      fix: {
        text: "Give the version as 11.8 or 118 (agent.cuda_version or CLEARML_CUDA_VERSION)",
        docs: [DOCS_CUDA_ENV],
      },
    };
  }
  const cpuOnly = cpuOnlyMode(input.agent);
  if (chain.cuda === "0" && cpuOnly.hidesGpus) {
    return { status: "pass", summary: `CPU-only: CUDA 0 (${chain.cudaFrom})`, details, evidence };
  }
  if (chain.nvccQuirk && chain.cudaFrom.startsWith("nvcc")) {
    return {
      status: "warn",
      summary:
        `nvcc says release ${chain.nvccQuirk.release}, but the agent reads it as CUDA ${chain.nvccQuirk.agent} (not ${chain.nvccQuirk.actual})`,
      details,
      evidence,
      fix: {
        text:
          `Set the version explicitly so PyTorch wheels match: agent.cuda_version: ${chain.nvccQuirk.release}`,
        commands: [`export CLEARML_CUDA_VERSION=${chain.nvccQuirk.release}`],
        docs: [DOCS_CUDA_ENV],
      },
    };
  }
  if (none) {
    if (chain.cuda === "0") {
      return {
        status: "skip",
        summary: `${none}; no CUDA source either: the agent uses CUDA 0 (CPU builds)`,
        details,
        evidence,
      };
    }
    return {
      status: "warn",
      summary:
        `${summary}, but this machine has no NVIDIA driver: tasks get CUDA builds and no GPU`,
      details,
      evidence,
      fix: {
        text: "On a CPU-only machine run the agent with --cpu-only (ours also: CLEARML_CPU_ONLY=1)",
      },
    };
  }
  if (chain.cuda === "0") {
    return {
      status: "warn",
      summary:
        "an NVIDIA driver is present but the agent finds no CUDA version: tasks get CPU builds",
      details,
      evidence,
      fix: {
        text: "Set the CUDA version the tasks should use, or make NVML / nvidia-smi available",
        commands: [
          `export CLEARML_CUDA_VERSION=${d.smi?.cudaVersion ?? "12.2"}`,
        ],
        docs: [DOCS_CUDA_ENV],
      },
    };
  }
  const driverCuda = d.smiOk ? d.smi?.cudaVersion : undefined;
  if (driverCuda) {
    const driverMajor = Number(driverCuda.split(".")[0]);
    const usedMajor = Math.floor(Number(int10) / 10);
    if (usedMajor > driverMajor) {
      return {
        status: "warn",
        summary: `${summary}, newer than the driver supports (CUDA ${driverCuda})`,
        details,
        evidence,
        fix: {
          text: `Upgrade the driver, or set agent.cuda_version to ${driverCuda} or lower`,
          docs: [DOCS_DRIVER],
        },
      };
    }
  }
  const inImage = input.env.CUDA_VERSION !== undefined &&
    variableState(input.agent, "CLEARML_CUDA_VERSION")?.name === "CUDA_VERSION";
  return {
    status: "pass",
    summary,
    details: inImage
      ? [...details, "CUDA_VERSION is set (as in nvidia/cuda images): the image's version wins"]
      : details,
    evidence,
  };
}

function cudnnCheck(s: GpuSnapshot, input: DoctorInput): CheckResult {
  const chain = chainOf(s, input);
  const found = s.cudnn.headers.map((h) => ({ path: h.path, ...cudnnHeader(h.text) }))
    .filter((h) => h.version !== undefined);
  const details = [
    ...chain.cudnnSteps.map(stepLine),
    ...found.map((h) => `${h.path}: cuDNN ${h.version}`),
    `the agent uses cuDNN ${chain.cudnn}`,
  ];
  const evidence = {
    cudnn: chain.cudnn,
    from: chain.cudnnFrom,
    headers: found.map((h) => ({ path: h.path, version: h.version })),
  };
  if (/[^0-9]/.test(chain.cudnn)) {
    return {
      status: "warn",
      summary: `cuDNN version ${JSON.stringify(chain.cudnn)} (${chain.cudnnFrom}) is not a number`,
      details,
      evidence,
      fix: { text: "Give the version as 8.9 or 89 (agent.cudnn_version or CLEARML_CUDNN_VERSION)" },
    };
  }
  if (chain.cudnnSteps[0]!.used) {
    return {
      status: "pass",
      summary: `the agent uses cuDNN ${chain.cudnn} from ${chain.cudnnFrom}`,
      details,
      evidence,
    };
  }
  if (!found.length) {
    return {
      status: "skip",
      summary: `no cuDNN headers found (searched ${
        s.cudnn.searched.join(", ")
      }): the agent uses cuDNN ${chain.cudnn}`,
      details,
      evidence,
    };
  }
  const best = found[0]!;
  const agentMatches = chain.cudnn === `${best.major}${best.minor ?? "0"}`;
  return {
    status: "pass",
    summary: agentMatches
      ? `cuDNN ${best.version} (${best.path}); the agent reads ${chain.cudnn}`
      : `cuDNN ${best.version} is installed (${best.path}), but the agent reads only cudnn.h next to nvcc and uses ${chain.cudnn}`,
    details: agentMatches ? details : [
      ...details,
      `Set agent.cudnn_version: ${best.major}.${best.minor ?? "0"} if a task depends on it.`,
    ],
    evidence,
  };
}

/** Values that hide every GPU, and why. */
function hidingValue(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === "") return `${name}="" (set but empty) hides every GPU`;
  if (value.trim() === "-1") return `${name}=-1 hides every GPU`;
  if (value.trim().toLowerCase() === "none") return `${name}=${value} hides every GPU`;
  return undefined;
}

function visibilityCheck(s: GpuSnapshot, input: DoctorInput): CheckResult {
  const cpuOnly = cpuOnlyMode(input.agent);
  const v = visibleDevices(input.env, cpuOnly.hidesGpus);
  const rawNvidia = input.env.NVIDIA_VISIBLE_DEVICES;
  const rawCuda = input.env.CUDA_VISIBLE_DEVICES;
  const d = driverFacts(s);
  const none = noDriverReason(s, d);
  const host = v.cuda === undefined
    ? "host-mode tasks: every GPU (CUDA_VISIBLE_DEVICES unset)"
    : `host-mode tasks: CUDA_VISIBLE_DEVICES=${JSON.stringify(v.cuda)}`;
  const docker = `docker-mode tasks: ${
    v.dockerGpus.length ? v.dockerGpus.join(" ") : "no --gpus"
  }, NVIDIA_VISIBLE_DEVICES=${v.containerNv} inside`;
  const details = [
    `NVIDIA_VISIBLE_DEVICES ${rawNvidia === undefined ? "unset" : JSON.stringify(rawNvidia)}, ` +
    `CUDA_VISIBLE_DEVICES ${rawCuda === undefined ? "unset" : JSON.stringify(rawCuda)}` +
    (cpuOnly.hidesGpus ? " (CPU-only mode sets both to none)" : ""),
    host,
    docker,
  ];
  if (rawCuda && !rawNvidia && !cpuOnly.hidesGpus) {
    details.push(`the agent copies CUDA_VISIBLE_DEVICES into NVIDIA_VISIBLE_DEVICES=${rawCuda}`);
  }
  const evidence = {
    nvidiaVisibleDevices: rawNvidia ?? null,
    cudaVisibleDevices: rawCuda ?? null,
    agentNvidia: v.nvidia ?? null,
    agentCuda: v.cuda ?? null,
    dockerGpus: v.dockerGpus,
    containerNv: v.containerNv,
  };
  if (cpuOnly.hidesGpus) {
    return {
      status: "pass",
      summary: "CPU-only mode: no GPU is given to tasks",
      details,
      evidence,
    };
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  const gd = v.gpuDevices;
  if (gd !== undefined && gd !== "none" && gd.trim().toLowerCase() === "none") {
    problems.push(
      `${
        rawNvidia ? "NVIDIA" : "CUDA"
      }_VISIBLE_DEVICES=${gd}: only lower-case "none" means no GPU; the agent passes ${
        v.dockerGpus.join(" ") || "it on"
      } to docker, which fails`,
    );
  }
  if (gd !== undefined && gd.trim() === "-1" && v.dockerGpus.length) {
    problems.push(
      `the agent passes ${v.dockerGpus.join(" ")} to docker (from ${
        rawNvidia ? "NVIDIA" : "CUDA"
      }_VISIBLE_DEVICES=-1), which docker rejects`,
    );
  }
  const hostHide = hidingValue("CUDA_VISIBLE_DEVICES", v.cuda);
  if (hostHide) warnings.push(`host-mode tasks see no GPU: ${hostHide}`);
  if (!v.skipGpusFlag && v.dockerGpus.length === 0) {
    if (v.containerNv === "none") {
      warnings.push("docker-mode tasks get no GPU: NVIDIA_VISIBLE_DEVICES=none");
    } else if (gd === "") {
      warnings.push(
        "docker-mode tasks get no --gpus: CUDA_VISIBLE_DEVICES is set but empty (and NVIDIA_VISIBLE_DEVICES is not set)",
      );
    }
  }
  if (rawNvidia && rawCuda && rawNvidia !== rawCuda) {
    warnings.push(
      `NVIDIA_VISIBLE_DEVICES=${rawNvidia} and CUDA_VISIBLE_DEVICES=${rawCuda} differ: docker tasks follow the first, host tasks the second`,
    );
  }
  const smiGpus = d.smiOk ? d.smi?.gpus.length ?? 0 : 0;
  const indices = (v.gpuDevices ?? "").split(",").map((x) => x.trim()).filter((x) =>
    /^\d+$/.test(x)
  )
    .map(Number);
  if (smiGpus > 0) {
    const missing = indices.filter((i) => i >= smiGpus);
    if (missing.length) {
      warnings.push(
        `GPU index ${missing.join(", ")} does not exist: nvidia-smi lists ${smiGpus} GPU(s)`,
      );
    }
  }
  if (problems.length) {
    return {
      status: "fail",
      summary: problems[0]!,
      details: [...problems, ...warnings, ...details],
      evidence,
      fix: { text: 'Use "none" (lower case) to hide GPUs, or list device indices such as 0,1' },
    };
  }
  if (none) {
    return {
      status: "skip",
      summary: `${none}${warnings.length ? ` (${warnings[0]})` : ""}`,
      details,
      evidence,
    };
  }
  if (warnings.length) {
    return {
      status: "warn",
      summary: warnings[0]!,
      details: [...warnings, ...details],
      evidence,
      fix: {
        text:
          "Unset the variable to give tasks every GPU, or list the GPUs to use (0,1); use --cpu-only for CPU-only workers",
      },
    };
  }
  return {
    status: "pass",
    summary: v.gpuDevices === undefined
      ? "every GPU is visible (NVIDIA_VISIBLE_DEVICES and CUDA_VISIBLE_DEVICES unset): docker gets --gpus all"
      : `tasks get GPUs ${v.gpuDevices}: ${v.dockerGpus.join(" ") || "no --gpus"} in docker mode`,
    details,
    evidence,
  };
}

function cpuOnlyCheck(s: GpuSnapshot, input: DoctorInput): CheckResult {
  const mode = cpuOnlyMode(input.agent);
  const variable = mode.variable;
  if (variable?.status === "invalid") {
    return {
      status: "fail",
      summary: `${variable.name}=${
        JSON.stringify(variable.raw)
      } is not a boolean: clearml agent stops (exit 3)`,
      details: [
        variable.error ?? "",
        "Accepted: y yes t true on 1 / n no f false off 0 (any case, no spaces).",
        "clearml-agent (Python) never reads this variable, so it would start anyway and use the GPUs.",
      ],
      evidence: { variable: variable.name, raw: variable.raw },
      fix: { text: `Set ${variable.name}=1 (or unset it)` },
    };
  }
  if (mode.hidesGpus) {
    const chain = chainOf(s, input);
    const pythonWouldUseGpu = variable?.status === "set" && mode.origin?.kind === "env" &&
      (driverFacts(s).procPresent || driverFacts(s).smiOk ||
        chain.steps.slice(1).some((st) => st.answer));
    const details = [
      "clearml agent: like --cpu-only: NVIDIA_VISIBLE_DEVICES=CUDA_VISIBLE_DEVICES=none, CUDA and cuDNN 0, worker name <name>:cpu",
    ];
    if (mode.origin?.kind === "env") {
      details.push(
        "clearml-agent 1.9.2 (Python) ignores CLEARML_CPU_ONLY: there use --cpu-only on its command line",
      );
    }
    return {
      status: pythonWouldUseGpu ? "warn" : "pass",
      summary: pythonWouldUseGpu
        ? `${variable?.name} makes clearml agent CPU-only, but clearml-agent (Python) ignores it and would use this machine's GPU/CUDA`
        : `CPU-only mode (${mode.origin ? formatOrigin(mode.origin) : "flag"})`,
      details,
      evidence: { cpuOnly: true, origin: mode.origin ? formatOrigin(mode.origin) : undefined },
      ...(pythonWouldUseGpu
        ? {
          fix: {
            text:
              "With the Python agent, pass --cpu-only: clearml-agent daemon --queue Q --cpu-only",
          },
        }
        : {}),
    };
  }
  if (mode.fileKey) {
    return {
      status: "pass",
      summary: `agent.cpu_only: true (${
        formatOrigin(mode.origin!)
      }): CUDA wheels are not resolved, but GPUs stay visible to tasks`,
      details: ["Only --cpu-only (ours also CLEARML_CPU_ONLY=1) hides the GPUs and sets CUDA 0."],
      evidence: { cpuOnly: "file", origin: formatOrigin(mode.origin!) },
    };
  }
  if (variable?.status === "set") {
    return {
      status: "pass",
      summary: `${variable.name}=${variable.raw}: CPU-only mode is off`,
      evidence: { cpuOnly: false, variable: variable.name },
    };
  }
  return {
    status: "skip",
    summary: "CPU-only mode is not asked for (no --cpu-only, CLEARML_CPU_ONLY or agent.cpu_only)",
  };
}

const checks: ReadonlyArray<Check<GpuSnapshot>> = [
  { id: "gpu.driver", title: "NVIDIA driver", run: driverCheck },
  { id: "gpu.nvml", title: "NVML library", run: nvmlCheck },
  { id: "gpu.nvidia_smi", title: "nvidia-smi", run: smiCheck },
  { id: "gpu.cuda", title: "CUDA version the agent uses", run: cudaCheck },
  { id: "gpu.cudnn", title: "cuDNN version the agent uses", run: cudnnCheck },
  { id: "gpu.visibility", title: "GPU visibility", run: visibilityCheck },
  { id: "gpu.cpu_only", title: "CPU-only mode", run: cpuOnlyCheck },
];

export const gpuCategory: Category<GpuSnapshot> = {
  name: "gpu",
  title: "GPU / CUDA",
  probe: (input, tools) => probeGpu(input, tools),
  external: true,
  checks,
};
