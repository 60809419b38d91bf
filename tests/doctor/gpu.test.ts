/**
 * The gpu category: parsers on real and hand-written fixtures, the agent's CUDA detection chain
 * and GPU visibility (clearml_agent/helper/package/requirements.py:806-880,
 * clearml_agent/helper/gpu/gpustat.py:459-491, clearml_agent/session.py:155-162), every check on snapshots, and the
 * probe on a fake machine. Fixture provenance: tests/fixtures/doctor/gpu/README.md.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gpuCategory } from "../../src/doctor/checks/gpu.ts";
import {
  agentNvmlCuda,
  cpuOnlyMode,
  type CudaChain,
  cudaChain,
} from "../../src/platform/cuda_chain.ts";
import { type GpuSnapshot, probeGpu, SMI_QUERY } from "../../src/doctor/probes/gpu_probe.ts";
import type { HostFacts } from "../../src/platform/host_facts.ts";
import { nvccVersion } from "../../src/platform/parse/nvcc_version.ts";
import { nvidiaSmi } from "../../src/platform/parse/nvidia_smi.ts";
import { nvidiaSmiCsv } from "../../src/platform/parse/nvidia_smi_csv.ts";
import { nvidiaDriverVersion } from "../../src/platform/parse/nvidia_driver_version.ts";
import { cudnnHeader } from "../../src/platform/parse/cudnn_header.ts";
import { visibleDevices } from "../../src/platform/parse/visible_devices.ts";
import type { CheckResult, DoctorInput, ProbeTools } from "../../src/doctor/types.ts";
import type { ExecResult } from "../../src/platform/exec.ts";
import { normalizeCudaVersion } from "../../src/settings/normalize_cuda.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/doctor/gpu");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const CONF = "/home/u/clearml.conf";

function ran(stdout: string, more: Partial<ExecResult> = {}): ExecResult {
  return { code: 0, stdout, stderr: "", timedOut: false, notFound: false, durationMs: 30, ...more };
}

/** This development machine: CUDA 13.0 toolkit (nvcc on PATH), no driver, no GPU. */
function toolkitOnly(over: Partial<GpuSnapshot> = {}): GpuSnapshot {
  return {
    platform: "linux",
    procVersion: { error: "ENOENT" },
    devices: [],
    nvml: {
      searched: ["/usr/lib/x86_64-linux-gnu"],
      found: [],
      ldconfig: ran(fixture("ldconfig_p_no_nvml.txt")),
    },
    nvidiaSmi: {},
    nvcc: {
      path: "/usr/local/bin/nvcc",
      version: ran(fixture("nvcc_version_13.0.txt")),
      offPath: [],
    },
    cudnn: {
      agentHeader: { path: "/usr/local/include/cudnn.h", read: { error: "ENOENT" } },
      headers: [],
      searched: ["/usr/include", "/usr/local/cuda/include"],
    },
    skipped: [],
    ...over,
  };
}

/** Nothing NVIDIA at all. */
function bare(over: Partial<GpuSnapshot> = {}): GpuSnapshot {
  return toolkitOnly({
    nvcc: { offPath: [] },
    cudnn: { headers: [], searched: ["/usr/include"] },
    ...over,
  });
}

/** A GPU server: driver 535 (CUDA 12.2), NVML, two A100, CUDA 11.8 toolkit, cuDNN 8.9.7. */
function gpuServer(over: Partial<GpuSnapshot> = {}): GpuSnapshot {
  return {
    platform: "linux",
    procVersion: { text: fixture("proc_driver_nvidia_version_535.txt") },
    devices: ["nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"],
    nvml: {
      searched: ["/usr/lib/x86_64-linux-gnu"],
      found: [],
      ldconfig: ran(fixture("ldconfig_p_nvml.txt")),
    },
    nvidiaSmi: {
      path: "/usr/bin/nvidia-smi",
      plain: ran(fixture("nvidia_smi_535_2xA100.txt")),
      query: ran(fixture("nvidia_smi_query_2xA100.csv")),
    },
    nvcc: {
      path: "/usr/local/cuda/bin/nvcc",
      version: ran(fixture("nvcc_version_11.8.txt")),
      offPath: [],
    },
    cudnn: {
      agentHeader: {
        path: "/usr/local/cuda/include/cudnn.h",
        read: { text: fixture("cudnn_8.9.7.h") },
      },
      headers: [
        { path: "/usr/local/cuda/include/cudnn.h", text: fixture("cudnn_8.9.7.h") },
        { path: "/usr/local/cuda/include/cudnn_version.h", text: fixture("cudnn_version_8.9.7.h") },
      ],
      searched: ["/usr/include", "/usr/local/cuda/include"],
    },
    skipped: [],
    ...over,
  };
}

function chainFor(s: GpuSnapshot, input: DoctorInput): CudaChain {
  return cudaChain(s, input.agent, input.env);
}

function check(id: string, s: GpuSnapshot, input: DoctorInput = doctorInput()): CheckResult {
  const c = gpuCategory.checks.find((k) => k.id === id);
  assert.ok(c, `no check ${id}`);
  return c.run(s, input);
}

const NO_DRIVER = "no NVIDIA driver: /proc/driver/nvidia/version absent, nvidia-smi not found";

describe("GPU parsers", () => {
  it("nvccVersion() reads the real CUDA 13.0 nvcc output", () => {
    assert.deepEqual(nvccVersion(fixture("nvcc_version_13.0.txt")), {
      release: "13.0",
      build: "V13.0.88",
      agentCapture: "13.",
      agentCuda: "130",
    });
  });

  // clearml_agent/helper/package/requirements.py:834-838
  it("nvccVersion() reproduces the agent's 3-character capture: release 11.8 is 110", () => {
    const v = nvccVersion(fixture("nvcc_version_11.8.txt"));
    assert.equal(v.release, "11.8");
    assert.equal(v.agentCapture, "11.");
    assert.equal(v.agentCuda, "110");
  });

  it("nvccVersion() keeps the minor of a single-digit major: release 9.2 is 92", () => {
    assert.equal(nvccVersion(fixture("nvcc_version_9.2.txt")).agentCuda, "92");
  });

  it("nvccVersion() finds nothing in unrelated text", () => {
    assert.deepEqual(nvccVersion("bash: nvcc: command not found"), {});
  });

  it("nvidiaSmi() reads driver, CUDA 12.2 as the agent's 122 (T25) and both GPUs", () => {
    const smi = nvidiaSmi(fixture("nvidia_smi_535_2xA100.txt"));
    assert.equal(smi.driverVersion, "535.129.03");
    assert.equal(smi.cudaVersion, "12.2");
    assert.equal(smi.agentCuda, "122");
    assert.deepEqual(smi.gpus, [
      { index: 0, name: "NVIDIA A100-SXM4-40GB", busId: "00000000:07:00.0" },
      { index: 1, name: "NVIDIA A100-SXM4-40GB", busId: "00000000:0F:00.0" },
    ]);
    assert.equal(smi.problem, undefined);
  });

  it("nvidiaSmi() reads the 550-series table layout", () => {
    const smi = nvidiaSmi(fixture("nvidia_smi_550_rtx4090.txt"));
    assert.equal(smi.cudaVersion, "12.4");
    assert.equal(smi.agentCuda, "124");
    assert.deepEqual(smi.gpus.map((g) => g.name), ["NVIDIA GeForce RTX 4090"]);
  });

  it("nvidiaSmi() classifies the well-known failure messages", () => {
    assert.equal(nvidiaSmi(fixture("nvidia_smi_no_driver.txt")).problem?.kind, "no-driver");
    const mismatch = nvidiaSmi(fixture("nvidia_smi_mismatch.txt"));
    assert.equal(mismatch.problem?.kind, "version-mismatch");
    assert.equal(mismatch.nvmlLibraryVersion, "535.154");
    assert.equal(nvidiaSmi(fixture("nvidia_smi_no_devices.txt")).problem?.kind, "no-devices");
  });

  it("nvidiaSmiCsv() maps the columns by header name", () => {
    const gpus = nvidiaSmiCsv(fixture("nvidia_smi_query_2xA100.csv"));
    assert.equal(gpus.length, 2);
    assert.deepEqual(gpus[1], {
      index: 1,
      name: "NVIDIA A100-SXM4-40GB",
      uuid: "GPU-9d1c7e4b-3a2f-4c58-8b7e-6a5f4e3d2c1b",
      driverVersion: "535.129.03",
      memoryTotalMiB: 40960,
      busId: "00000000:0F:00.0",
    });
    assert.deepEqual(nvidiaSmiCsv("index, name\n0, [N/A]\n"), [{ index: 0 }]);
    assert.deepEqual(nvidiaSmiCsv("No devices were found\n"), []);
  });

  it("nvidiaDriverVersion() reads proprietary and open kernel modules", () => {
    assert.deepEqual(
      nvidiaDriverVersion(fixture("proc_driver_nvidia_version_535.txt")).version,
      "535.129.03",
    );
    const open = nvidiaDriverVersion(fixture("proc_driver_nvidia_version_550_open.txt"));
    assert.equal(open.version, "550.54.14");
    assert.equal(open.open, true);
    assert.deepEqual(nvidiaDriverVersion("garbage"), { open: false });
  });

  it("cudnnHeader() reads cudnn_version.h of cuDNN 8 and the agent's glued reading 89", () => {
    const h = cudnnHeader(fixture("cudnn_version_8.9.7.h"));
    assert.equal(h.version, "8.9.7");
    assert.equal(h.agentReading, "89");
  });

  it("cudnnHeader() finds no version in cuDNN 8's cudnn.h, like the agent", () => {
    const h = cudnnHeader(fixture("cudnn_8.9.7.h"));
    assert.equal(h.version, undefined);
    assert.equal(h.agentReading, undefined);
  });

  it("cudnnHeader() reads cuDNN 7's cudnn.h as 7.6.5, and as 76 the agent's way", () => {
    const h = cudnnHeader(fixture("cudnn_7.6.5.h"));
    assert.equal(h.version, "7.6.5");
    assert.equal(h.agentReading, "76");
  });

  // clearml_agent/helper/gpu/gpustat.py:487-491
  it("agentNvmlCuda() reproduces the agent's NVML conversion, quirk included", () => {
    const cases: Array<[number, string]> = [
      [12020, "122"],
      [11080, "118"],
      [12000, "120"],
      [10010, "101"],
      [9020, "902"],
    ];
    for (const [nvml, agent] of cases) assert.equal(agentNvmlCuda(nvml), agent, String(nvml));
  });

  it("normalize_cuda gives the agent's strings for the T21 vectors", () => {
    const cases: Array<[string, string]> = [
      ["11.8", "118"],
      ["11.8.89", "118"],
      ["10.0.130", "100"],
      ["118", "118"],
      ["12", "12"],
      ["", ""],
      ["11.x", "11.x"],
    ];
    for (const [v, want] of cases) assert.equal(normalizeCudaVersion(v), want, v);
  });
});

describe("visibleDevices()", () => {
  it("visibleDevices() gives --gpus all with nothing set", () => {
    const v = visibleDevices({}, false);
    assert.deepEqual(v.dockerGpus, ["--gpus", "all"]);
    assert.equal(v.containerNv, "all");
  });

  it('visibleDevices() quotes a device list inside the argv element (T47: --gpus "device=0,1")', () => {
    const v = visibleDevices({ NVIDIA_VISIBLE_DEVICES: "0,1" }, false);
    assert.deepEqual(v.dockerGpus, ["--gpus", '"device=0,1"']);
    assert.equal(v.containerNv, "all");
  });

  // clearml_agent/commands/worker.py:4450-4452
  it("visibleDevices() with the skip flag passes the dotted MIG form inside", () => {
    const v = visibleDevices(
      { NVIDIA_VISIBLE_DEVICES: "0:1", CLEARML_DOCKER_SKIP_GPUS_FLAG: "1" },
      false,
    );
    assert.deepEqual(v.dockerGpus, []);
    assert.equal(v.containerNv, "0.1");
  });

  it('visibleDevices() treats only lower-case none as no GPU (T49: --gpus "device=NONE")', () => {
    assert.deepEqual(visibleDevices({ NVIDIA_VISIBLE_DEVICES: "NONE" }, false).dockerGpus, [
      "--gpus",
      '"device=NONE"',
    ]);
    const none = visibleDevices({ NVIDIA_VISIBLE_DEVICES: "none" }, false);
    assert.deepEqual(none.dockerGpus, []);
    assert.equal(none.containerNv, "none");
  });

  // clearml_agent/commands/worker.py:4442-4459
  it("visibleDevices() gives no --gpus and NVIDIA_VISIBLE_DEVICES=all for two empty variables", () => {
    const v = visibleDevices({ NVIDIA_VISIBLE_DEVICES: "", CUDA_VISIBLE_DEVICES: "" }, false);
    assert.deepEqual(v.dockerGpus, []);
    assert.equal(v.containerNv, "all");
  });

  // clearml_agent/session.py:132-133,366-372
  it("visibleDevices() copies CUDA_VISIBLE_DEVICES to NVIDIA_VISIBLE_DEVICES", () => {
    const v = visibleDevices({ CUDA_VISIBLE_DEVICES: "2,3" }, false);
    assert.equal(v.nvidia, "2,3");
    assert.deepEqual(v.dockerGpus, ["--gpus", '"device=2,3"']);
  });

  it("visibleDevices() in CPU-only mode sets both variables to none", () => {
    const v = visibleDevices({ NVIDIA_VISIBLE_DEVICES: "0" }, true);
    assert.equal(v.nvidia, "none");
    assert.equal(v.cuda, "none");
    assert.deepEqual(v.dockerGpus, []);
  });
});

describe("gpu.driver", () => {
  it("gpu.driver skips a machine without a driver and says precisely why", () => {
    const r = check("gpu.driver", toolkitOnly());
    assert.equal(r.status, "skip");
    assert.equal(r.summary, NO_DRIVER);
  });

  it("gpu.driver passes with the kernel module's version", () => {
    const r = check("gpu.driver", gpuServer());
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "NVIDIA driver 535.129.03 loaded (proprietary kernel module)");
  });

  it("gpu.driver names the open kernel modules", () => {
    const r = check(
      "gpu.driver",
      gpuServer({ procVersion: { text: fixture("proc_driver_nvidia_version_550_open.txt") } }),
    );
    assert.match(r.summary, /550\.54\.14 loaded \(open kernel module\)/);
  });

  it("gpu.driver fails on a driver/library version mismatch and says to reboot", () => {
    const s = gpuServer({
      nvidiaSmi: {
        path: "/usr/bin/nvidia-smi",
        plain: ran(fixture("nvidia_smi_mismatch.txt"), { code: 18 }),
      },
    });
    const r = check("gpu.driver", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /kernel module 535\.129\.03, NVML library 535\.154/);
    assert.deepEqual(r.fix?.commands, ["sudo reboot"]);
  });

  it("gpu.driver fails when nvidia-smi is installed but the kernel module is not loaded", () => {
    const s = bare({
      nvidiaSmi: {
        path: "/usr/bin/nvidia-smi",
        plain: ran(fixture("nvidia_smi_no_driver.txt"), { code: 9 }),
      },
    });
    const r = check("gpu.driver", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /kernel module is not loaded/);
    assert.ok(r.fix?.commands?.includes("sudo modprobe nvidia"));
  });

  it("gpu.driver passes from nvidia-smi alone where /proc has no driver file (WSL)", () => {
    const s = gpuServer({ procVersion: { error: "ENOENT" } });
    const r = check("gpu.driver", s);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /535\.129\.03 \(from nvidia-smi/);
  });

  it("gpu.driver skips on macOS", () => {
    assert.match(check("gpu.driver", bare({ platform: "darwin" })).summary, /macOS/);
  });
});

describe("gpu.nvml", () => {
  it("gpu.nvml skips without a driver", () => {
    assert.equal(check("gpu.nvml", toolkitOnly()).status, "skip");
  });

  it("gpu.nvml passes with libnvidia-ml.so.1 found through ldconfig -p", () => {
    const r = check("gpu.nvml", gpuServer());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /\/lib\/x86_64-linux-gnu\/libnvidia-ml\.so\.1/);
  });

  it("gpu.nvml warns when the driver is loaded but libnvidia-ml.so.1 is missing", () => {
    const s = gpuServer({
      nvml: {
        searched: ["/usr/lib64"],
        found: [],
        ldconfig: ran(fixture("ldconfig_p_no_nvml.txt")),
      },
    });
    const r = check("gpu.nvml", s);
    assert.equal(r.status, "warn");
    assert.match(r.details!.join("\n"), /11\.8 → 110/);
  });
});

describe("gpu.nvidia_smi", () => {
  it("gpu.nvidia_smi passes and lists the GPUs from the CSV query", () => {
    const r = check("gpu.nvidia_smi", gpuServer());
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "driver 535.129.03, CUDA 12.2, 2 GPUs");
    assert.match(r.details![0]!, /^0: NVIDIA A100-SXM4-40GB, 40960 MiB, GPU-5a8e2f3c/);
  });

  it("gpu.nvidia_smi warns when nvidia-smi hangs (a hung driver)", () => {
    const s = gpuServer({
      nvidiaSmi: {
        path: "/usr/bin/nvidia-smi",
        plain: ran("", { code: null, timedOut: true, durationMs: 2000 }),
      },
    });
    const r = check("gpu.nvidia_smi", s);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /did not answer within 2 s: the driver may be hung/);
  });

  it("gpu.nvidia_smi fails with the NVML meaning of its exit code", () => {
    const s = gpuServer({
      nvidiaSmi: {
        path: "/usr/bin/nvidia-smi",
        plain: ran(fixture("nvidia_smi_no_devices.txt"), { code: 6 }),
      },
    });
    const r = check("gpu.nvidia_smi", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /exit 6: query unsuccessful\): No devices were found/);
  });

  it("gpu.nvidia_smi warns when the driver is loaded but nvidia-smi is not on PATH", () => {
    const r = check("gpu.nvidia_smi", gpuServer({ nvidiaSmi: {} }));
    assert.equal(r.status, "warn");
  });

  it("gpu.nvidia_smi skips without a driver", () => {
    assert.equal(check("gpu.nvidia_smi", toolkitOnly()).summary, NO_DRIVER);
  });
});

describe("gpu.cuda", () => {
  // clearml_agent/helper/package/requirements.py:809-812
  it("gpu.cuda takes CLEARML_CUDA_VERSION and CLEARML_CUDNN_VERSION and probes nothing else", () => {
    const input = doctorInput({ CLEARML_CUDA_VERSION: "11.8", CLEARML_CUDNN_VERSION: "8.9.0" });
    const chain = cudaChain(gpuServer(), input.agent, input.env);
    assert.equal(chain.cuda, "118");
    assert.equal(chain.cudnn, "89");
    assert.ok(chain.steps.slice(1).every((s) => s.notAsked && !s.used));
    const r = check("gpu.cuda", gpuServer(), input);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CUDA 118 from agent\.cuda_version \(env CLEARML_CUDA_VERSION\)/);
  });

  it("gpu.cuda uses NVML's answer (the driver's CUDA 12.2 → 122) before nvcc", () => {
    const chain = chainFor(gpuServer(), doctorInput());
    assert.equal(chain.cuda, "122");
    assert.equal(chain.cudaFrom, "NVML (driver)");
    const nvcc = chain.steps.find((s) => s.source.startsWith("nvcc"));
    assert.equal(nvcc?.answer, "110");
    assert.equal(nvcc?.notAsked, true);
    assert.equal(check("gpu.cuda", gpuServer()).status, "pass");
  });

  it("catches user-pain E31: nvcc release 11.8 read as CUDA 110 picks the wrong PyTorch wheels", () => {
    const s = gpuServer({ nvml: { searched: [], found: [] }, nvidiaSmi: {} });
    const r = check("gpu.cuda", s);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /release 11\.8, but the agent reads it as CUDA 110 \(not 118\)/);
    assert.deepEqual(r.fix?.commands, ["export CLEARML_CUDA_VERSION=11.8"]);
  });

  it("gpu.cuda warns on this machine's setup: nvcc 13.0 and no driver gives CUDA builds without a GPU", () => {
    const r = check("gpu.cuda", toolkitOnly());
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /CUDA 130 from nvcc --version \(\/usr\/local\/bin\/nvcc\), but this machine has no NVIDIA driver/,
    );
  });

  it("gpu.cuda skips with no driver and no CUDA source (CPU builds)", () => {
    const r = check("gpu.cuda", bare());
    assert.equal(r.status, "skip");
    assert.match(r.summary, /the agent uses CUDA 0/);
  });

  it("catches user-pain E29: a GPU machine where the agent finds no CUDA version gets CPU builds", () => {
    const s = gpuServer({
      nvml: { searched: [], found: [] },
      nvidiaSmi: {},
      nvcc: { offPath: ["/usr/local/cuda/bin/nvcc"] },
    });
    const r = check("gpu.cuda", s);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /finds no CUDA version: tasks get CPU builds/);
    assert.ok(r.details?.some((d) => d.includes("not on PATH (found /usr/local/cuda/bin/nvcc")));
  });

  it("gpu.cuda falls back to nvidia-smi's CUDA Version when NVML and nvcc are missing", () => {
    const s = gpuServer({ nvml: { searched: [], found: [] }, nvcc: { offPath: [] } });
    const chain = chainFor(s, doctorInput());
    assert.equal(chain.cuda, "122");
    assert.equal(chain.cudaFrom, "nvidia-smi");
  });

  it("gpu.cuda fails on a non-numeric version from clearml.conf (PyTorch resolution would raise)", () => {
    const input = doctorInput({}, { [CONF]: 'agent.cuda_version: "11.x"' });
    const r = check("gpu.cuda", gpuServer(), input);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /"11\.x" .*\/home\/u\/clearml\.conf.* is not a number/);
  });

  it("gpu.cuda warns when the configured CUDA is newer than the driver supports", () => {
    const r = check("gpu.cuda", gpuServer(), doctorInput({ CLEARML_CUDA_VERSION: "13.0" }));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /CUDA 130 .* newer than the driver supports \(CUDA 12\.2\)/);
  });

  it("gpu.cuda reports CPU-only mode from CLEARML_CPU_ONLY as CUDA 0", () => {
    const r = check("gpu.cuda", gpuServer(), doctorInput({ CLEARML_CPU_ONLY: "1" }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CPU-only: CUDA 0 \(agent\.cuda_version \(env CLEARML_CPU_ONLY\)\)/);
  });

  it("gpu.cuda notes that an image's CUDA_VERSION wins inside nvidia/cuda containers", () => {
    const r = check("gpu.cuda", gpuServer(), doctorInput({ CUDA_VERSION: "12.2.2" }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CUDA 122 from agent\.cuda_version \(env CUDA_VERSION\)/);
    assert.ok(r.details?.some((d) => /image's version wins/.test(d)));
  });
});

describe("gpu.cudnn", () => {
  it("gpu.cudnn passes with the configured cuDNN", () => {
    const r = check("gpu.cudnn", gpuServer(), doctorInput({ CLEARML_CUDNN_VERSION: "8.9" }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /cuDNN 89 from agent\.cudnn_version/);
  });

  it("gpu.cudnn says the agent misses cuDNN 8 (it reads only cudnn.h next to nvcc)", () => {
    const r = check("gpu.cudnn", gpuServer());
    assert.equal(r.status, "pass");
    assert.match(
      r.summary,
      /cuDNN 8\.9\.7 is installed .* the agent reads only cudnn\.h next to nvcc and uses 0/,
    );
  });

  it("gpu.cudnn reads cuDNN 7's cudnn.h next to nvcc the agent's way", () => {
    const header = fixture("cudnn_7.6.5.h");
    const s = gpuServer({
      cudnn: {
        agentHeader: { path: "/usr/local/cuda/include/cudnn.h", read: { text: header } },
        headers: [{ path: "/usr/local/cuda/include/cudnn.h", text: header }],
        searched: [],
      },
    });
    const r = check("gpu.cudnn", s);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /cuDNN 7\.6\.5 .* the agent reads 76/);
  });

  it("gpu.cudnn skips when no cuDNN header exists", () => {
    const r = check("gpu.cudnn", toolkitOnly());
    assert.equal(r.status, "skip");
    assert.match(r.summary, /no cuDNN headers found/);
  });
});

describe("gpu.visibility", () => {
  it("gpu.visibility passes with every GPU visible and --gpus all", () => {
    const r = check("gpu.visibility", gpuServer());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /every GPU is visible/);
  });

  it('catches user-pain E27: CUDA_VISIBLE_DEVICES="" hides every GPU from tasks', () => {
    const r = check("gpu.visibility", gpuServer(), doctorInput({ CUDA_VISIBLE_DEVICES: "" }));
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /host-mode tasks see no GPU: CUDA_VISIBLE_DEVICES="" \(set but empty\)/,
    );
    assert.ok(r.details?.some((d) => d.includes("docker-mode tasks get no --gpus")));
  });

  it('gpu.visibility fails on CUDA_VISIBLE_DEVICES=-1, which becomes --gpus "device=-1"', () => {
    const r = check("gpu.visibility", gpuServer(), doctorInput({ CUDA_VISIBLE_DEVICES: "-1" }));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /--gpus "device=-1"/);
  });

  // clearml_agent/commands/worker.py:4450,4458
  it("gpu.visibility fails on NVIDIA_VISIBLE_DEVICES=NONE", () => {
    const r = check("gpu.visibility", gpuServer(), doctorInput({ NVIDIA_VISIBLE_DEVICES: "NONE" }));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /only lower-case "none" means no GPU/);
  });

  it("gpu.visibility passes a device list and shows the docker argument", () => {
    const r = check("gpu.visibility", gpuServer(), doctorInput({ NVIDIA_VISIBLE_DEVICES: "0,1" }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /tasks get GPUs 0,1: --gpus "device=0,1"/);
  });

  it("gpu.visibility warns about a GPU index nvidia-smi does not list", () => {
    const r = check("gpu.visibility", gpuServer(), doctorInput({ CUDA_VISIBLE_DEVICES: "0,3" }));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /GPU index 3 does not exist: nvidia-smi lists 2 GPU/);
  });

  it("gpu.visibility warns when the two variables disagree", () => {
    const input = doctorInput({ NVIDIA_VISIBLE_DEVICES: "0", CUDA_VISIBLE_DEVICES: "1" });
    const r = check("gpu.visibility", gpuServer(), input);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /differ/);
  });

  it("gpu.visibility skips without a driver", () => {
    assert.equal(check("gpu.visibility", toolkitOnly()).status, "skip");
  });

  it("gpu.visibility passes in CPU-only mode", () => {
    const r = check("gpu.visibility", gpuServer(), doctorInput({ CLEARML_CPU_ONLY: "true" }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CPU-only mode/);
  });
});

describe("gpu.cpu_only", () => {
  it("gpu.cpu_only skips when CPU-only mode is not asked for", () => {
    assert.equal(check("gpu.cpu_only", gpuServer()).status, "skip");
  });

  it("gpu.cpu_only warns that the Python agent ignores CLEARML_CPU_ONLY on a machine with CUDA", () => {
    const r = check("gpu.cpu_only", toolkitOnly(), doctorInput({ CLEARML_CPU_ONLY: "1" }));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /clearml-agent \(Python\) ignores it/);
    assert.match(r.fix?.text ?? "", /--cpu-only/);
  });

  it("gpu.cpu_only passes for CLEARML_CPU_ONLY on a machine with nothing CUDA", () => {
    const r = check("gpu.cpu_only", bare(), doctorInput({ CLEARML_CPU_ONLY: "1" }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /CPU-only mode \(env CLEARML_CPU_ONLY\)/);
  });

  it("gpu.cpu_only fails on a value that is not a boolean", () => {
    const r = check("gpu.cpu_only", bare(), doctorInput({ CLEARML_CPU_ONLY: "maybe" }));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /CLEARML_CPU_ONLY="maybe" is not a boolean/);
  });

  // clearml_agent/helper/package/requirements.py:627: `self.active = not agent.get('cpu_only',
  // False)`: Python truthiness of the value as the file gives it, not the bool spellings
  for (
    const [value, on] of [["2", true], ['"no"', true], ['"false"', true], ["0", false], [
      "false",
      false,
    ], ['""', false]] as const
  ) {
    it(`cpuOnlyMode() reads agent.cpu_only: ${value} in a file as the agent's \`if\` does (${on})`, () => {
      const input = doctorInput({}, { [CONF]: `agent.cpu_only: ${value}` });
      assert.equal(cpuOnlyMode(input.agent).fileKey, on);
      assert.equal(cpuOnlyMode(input.agent).hidesGpus, false);
    });
  }

  it("gpu.cpu_only explains that agent.cpu_only in clearml.conf leaves the GPUs visible", () => {
    const input = doctorInput({}, { [CONF]: "agent.cpu_only: true" });
    const r = check("gpu.cpu_only", gpuServer(), input);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /GPUs stay visible to tasks/);
  });
});

// ── the probe, on a fake machine ────────────────────────────────────────────────────────────────

function fakeHost(files: Record<string, string>, executables: string[]): HostFacts {
  return {
    readText: (p) =>
      Promise.resolve(files[p] !== undefined ? { text: files[p]! } : { error: "ENOENT" }),
    stat: (p) =>
      Promise.resolve(
        files[p] !== undefined
          ? { exists: true, kind: "file", mode: 0o644, uid: 0, gid: 0 }
          : { exists: false, error: "ENOENT" },
      ),
    list: (d) =>
      Promise.resolve(d === "/dev" ? ["null", "nvidia0", "nvidiactl", "tty"] : undefined),
    isExecutable: (p) => Promise.resolve(executables.includes(p)),
    connect: () => Promise.resolve({ outcome: "ok" }),
  };
}

function fakeTools(answers: Record<string, ExecResult>) {
  const calls: string[] = [];
  const tools: ProbeTools = {
    exec: (cmd, args) => {
      const key = [cmd, ...args].join(" ");
      calls.push(key);
      return Promise.resolve(answers[key] ?? ran("", { code: 127, notFound: true }));
    },
    signal: new AbortController().signal,
    stepTimeoutMs: 2000,
  };
  return { tools, calls };
}

describe("probeGpu()", () => {
  it("probeGpu() runs the nvcc on PATH and reads cudnn.h two levels above it", async () => {
    const { tools, calls } = fakeTools({
      "/usr/local/bin/nvcc --version": ran(fixture("nvcc_version_13.0.txt")),
    });
    const host = fakeHost({}, ["/usr/local/bin/nvcc", "/usr/local/cuda/bin/nvcc"]);
    const s = await probeGpu(
      doctorInput({ PATH: "/usr/local/bin:/usr/bin" }),
      tools,
      host,
      "linux",
    );
    assert.deepEqual(calls, ["/usr/local/bin/nvcc --version"]);
    assert.equal(s.nvcc.path, "/usr/local/bin/nvcc");
    assert.deepEqual(s.nvcc.offPath, ["/usr/local/cuda/bin/nvcc"]);
    assert.equal(s.cudnn.agentHeader?.path, "/usr/local/include/cudnn.h");
    assert.equal(check("gpu.driver", s).summary, NO_DRIVER);
  });

  it("probeGpu() on a GPU machine reads /proc, finds NVML and runs both nvidia-smi forms", async () => {
    const { tools, calls } = fakeTools({
      "/usr/bin/nvidia-smi": ran(fixture("nvidia_smi_535_2xA100.txt")),
      [["/usr/bin/nvidia-smi", ...SMI_QUERY].join(" ")]: ran(
        fixture("nvidia_smi_query_2xA100.csv"),
      ),
      "/usr/sbin/ldconfig -p": ran(fixture("ldconfig_p_nvml.txt")),
    });
    const host = fakeHost(
      {
        "/proc/driver/nvidia/version": fixture("proc_driver_nvidia_version_535.txt"),
        "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1": "",
        "/usr/include/cudnn_version.h": fixture("cudnn_version_8.9.7.h"),
      },
      ["/usr/bin/nvidia-smi", "/usr/sbin/ldconfig"],
    );
    const s = await probeGpu(doctorInput({ PATH: "/usr/sbin:/usr/bin" }), tools, host, "linux");
    assert.ok(calls.includes(["/usr/bin/nvidia-smi", ...SMI_QUERY].join(" ")));
    assert.deepEqual(s.devices, ["nvidia0", "nvidiactl"]);
    assert.deepEqual(s.nvml.found, ["/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"]);
    assert.deepEqual(s.cudnn.headers.map((h) => h.path), ["/usr/include/cudnn_version.h"]);
    const input = doctorInput();
    assert.equal(check("gpu.driver", s, input).status, "pass");
    assert.equal(check("gpu.nvidia_smi", s, input).summary, "driver 535.129.03, CUDA 12.2, 2 GPUs");
    assert.equal(chainFor(s, input).cuda, "122");
  });

  it("probeGpu() does not run the CSV query when plain nvidia-smi fails", async () => {
    const { tools, calls } = fakeTools({
      "/usr/bin/nvidia-smi": ran(fixture("nvidia_smi_no_driver.txt"), { code: 9 }),
    });
    await probeGpu(
      doctorInput({ PATH: "/usr/bin" }),
      tools,
      fakeHost({}, ["/usr/bin/nvidia-smi"]),
      "linux",
    );
    assert.deepEqual(calls, ["/usr/bin/nvidia-smi"]);
  });
});
