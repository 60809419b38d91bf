/**
 * The run's CUDA detection (clearml_agent/helper/package/requirements.py:806-880): configured
 * versions in the agent's format (clearml_agent/session.py:406-431:
 * `11.8` → `118`, `12.4` → `124`, cuDNN `8.9` → `89`) without probing, nvcc 13.0 without a driver
 * → `130`/`0`, a GPU server's NVML answer, CPU-only, and one detection per run however often it
 * is asked. Then, under CI=true or CLEARML_IT=1, the same cases against the real clearml-agent
 * 1.9.2 (`clearml-agent config` prints `agent.cuda_version`/`cudnn_version` as its Session
 * computed them, `clearml_agent/session.py:155-162`) on this machine: ours must say the same.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { peer } from "../_helpers/peers.ts";
import { fileURLToPath } from "node:url";
import { detectCuda, type DetectCudaOptions } from "../../src/platform/cuda.ts";
import type { ExecResult } from "../../src/platform/exec.ts";
import { resolve } from "../../src/settings/resolve.ts";
import { nodeFsView } from "../../src/settings/node_fs_view.ts";
import { resolveWith } from "../_helpers/resolve.ts";
import { fakeHost, type FakeMachine } from "../_helpers/fake_host.ts";
import { PARTS_REQUIRED, showSkip } from "../_helpers/real_part.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const gpuFixture = (name: string) =>
  readFileSync(join(HERE, "../fixtures/doctor/gpu", name), "utf8");
const CONF = "/home/u/clearml.conf";

function ran(stdout: string): ExecResult {
  return { code: 0, stdout, stderr: "", timedOut: false, notFound: false, durationMs: 5 };
}

/** A fake machine and exec that count every program run. */
function machine(m: FakeMachine, answers: Record<string, string>) {
  const calls: string[] = [];
  const exec: DetectCudaOptions["exec"] = (cmd, args) => {
    const key = [cmd, ...args].join(" ");
    calls.push(key);
    const hit = answers[key];
    return Promise.resolve(
      hit !== undefined ? ran(hit) : { ...ran(""), code: null, notFound: true },
    );
  };
  return { host: fakeHost(m), exec, calls };
}

/** This development machine: nvcc 13.0 in /usr/local/bin, no driver, no GPU. */
const toolkitOnly = () =>
  machine(
    { executables: ["/usr/local/bin/nvcc"] },
    { "/usr/local/bin/nvcc --version": gpuFixture("nvcc_version_13.0.txt") },
  );

const PATH = "/usr/local/bin:/usr/bin:/bin";

describe("detectCuda()", () => {
  it("nvcc 13.0 and no driver: 130 / 0, as clearml-agent reports on this machine", async () => {
    const m = toolkitOnly();
    const agent = resolveWith("agent", { PATH });
    const d = await detectCuda({ agent, env: { PATH }, cwd: "/", host: m.host, exec: m.exec });
    assert.equal(d.cuda, "130");
    assert.equal(d.cudnn, "0");
    assert.equal(d.source, "nvcc --version (/usr/local/bin/nvcc)");
    assert.equal(d.probed, true);
  });

  it("a GPU server: NVML's answer (driver CUDA 12.2 → 122) wins over nvcc 11.8", async () => {
    const m = machine({
      executables: ["/usr/bin/nvidia-smi", "/usr/local/cuda/bin/nvcc"],
      files: {
        "/proc/driver/nvidia/version": gpuFixture("proc_driver_nvidia_version_535.txt"),
        "/usr/local/cuda/include/cudnn.h": gpuFixture("cudnn_7.6.5.h"),
        "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1": "",
      },
    }, {
      "/usr/bin/nvidia-smi": gpuFixture("nvidia_smi_535_2xA100.txt"),
      "/usr/local/cuda/bin/nvcc --version": gpuFixture("nvcc_version_11.8.txt"),
    });
    const env = { PATH: "/usr/local/cuda/bin:/usr/bin" };
    const agent = resolveWith("agent", env);
    const d = await detectCuda({ agent, env, cwd: "/", host: m.host, exec: m.exec });
    assert.equal(d.cuda, "122");
    assert.equal(d.source, "NVML (driver)");
    assert.equal(d.cudnn, "76", "cudnn.h next to nvcc: major 7 + minor 6");
  });

  const configured: Array<
    [string, Record<string, string>, Record<string, string>, string, string]
  > = [
    [
      "clearml.conf 11.8 / 8.9",
      {},
      { [CONF]: "agent.cuda_version: 11.8\nagent.cudnn_version: 8.9" },
      "118",
      "89",
    ],
    [
      "CLEARML_CUDA_VERSION=12.4, CLEARML_CUDNN_VERSION=8.9",
      {
        CLEARML_CUDA_VERSION: "12.4",
        CLEARML_CUDNN_VERSION: "8.9",
      },
      {},
      "124",
      "89",
    ],
    [
      "CUDA_VERSION=11.8.0 (an nvidia/cuda image), CUDNN_VERSION=8.9.7.29",
      {
        CUDA_VERSION: "11.8.0",
        CUDNN_VERSION: "8.9.7.29",
      },
      {},
      "118",
      "89",
    ],
    [
      "already ×10: 118 / 89",
      { CLEARML_CUDA_VERSION: "118", CLEARML_CUDNN_VERSION: "89" },
      {},
      "118",
      "89",
    ],
  ];
  for (const [name, env, files, cuda, cudnn] of configured) {
    it(`both configured (${name}): ${cuda} / ${cudnn}, nothing probed`, async () => {
      const m = toolkitOnly();
      const agent = resolveWith("agent", env, files);
      const d = await detectCuda({ agent, env, cwd: "/", host: m.host, exec: m.exec });
      assert.deepEqual([d.cuda, d.cudnn, d.probed], [cuda, cudnn, false]);
      assert.deepEqual(m.calls, []);
    });
  }

  it("only the CUDA version configured: the cuDNN step still runs (cudnn.h next to nvcc)", async () => {
    const m = machine({
      executables: ["/usr/local/bin/nvcc"],
      files: { "/usr/local/include/cudnn.h": gpuFixture("cudnn_7.6.5.h") },
    }, { "/usr/local/bin/nvcc --version": gpuFixture("nvcc_version_13.0.txt") });
    const agent = resolveWith("agent", { CLEARML_CUDA_VERSION: "11.8" });
    const d = await detectCuda({ agent, env: { PATH }, cwd: "/", host: m.host, exec: m.exec });
    assert.equal(d.cuda, "118");
    assert.equal(d.cudnn, "76");
  });

  it("--cpu-only: 0 / 0 without running anything", async () => {
    const m = toolkitOnly();
    const agent = resolveWith("agent", { PATH });
    const d = await detectCuda({
      agent,
      env: { PATH },
      cwd: "/",
      cpuOnlyFlag: true,
      host: m.host,
      exec: m.exec,
    });
    assert.deepEqual([d.cuda, d.cudnn, d.cpuOnly, d.source], ["0", "0", true, "--cpu-only"]);
    assert.deepEqual(m.calls, []);
  });

  const cpuOnlyVar: Array<[string, string[], boolean, number]> = [
    ["1", ["0", "0"], true, 0],
    ["0", ["130", "0"], false, 1],
  ];
  for (const [value, versions, cpuOnly, runs] of cpuOnlyVar) {
    it(`CLEARML_CPU_ONLY=${value} (ours: the documented --cpu-only meaning): ${versions.join(" / ")}`, async () => {
      const m = toolkitOnly();
      const env = { PATH, CLEARML_CPU_ONLY: value };
      const agent = resolveWith("agent", env);
      const d = await detectCuda({ agent, env, cwd: "/", host: m.host, exec: m.exec });
      assert.deepEqual([d.cuda, d.cudnn, d.cpuOnly], [...versions, cpuOnly]);
      assert.equal(m.calls.length, runs);
    });
  }

  it("is computed once per run: a second ask for the same settings runs nothing", async () => {
    const m = toolkitOnly();
    const agent = resolveWith("agent", { PATH });
    const o = { agent, env: { PATH }, cwd: "/", host: m.host, exec: m.exec };
    const [a, b] = await Promise.all([detectCuda(o), detectCuda(o)]);
    const c = await detectCuda(o);
    assert.equal(a, b);
    assert.equal(a, c);
    assert.deepEqual(m.calls, ["/usr/local/bin/nvcc --version"]);
    // other settings (another run) detect again
    await detectCuda({ ...o, agent: resolveWith("agent", { PATH }) });
    assert.equal(m.calls.length, 2);
  });
});

// ── against the real clearml-agent on this machine ───────────────────────────────────────────

const enabled = PARTS_REQUIRED;
const peerPath = () => peer("clearml-agent.sh");

/** `agent.cuda_version` and `agent.cudnn_version` as the real agent's Session computes them. */
function realAgent(env: Record<string, string>, conf: string, home: string): [string, string] {
  const out = execFileSync(peerPath(), ["--config-file", conf, "config"], {
    env: { ...env, HOME: home },
    encoding: "utf8",
    timeout: 60_000,
  });
  const get = (key: string) => {
    const m = new RegExp(`^agent\\.${key} = (.*)$`, "m").exec(out);
    assert.ok(m, `no agent.${key} in:\n${out.slice(0, 2000)}`);
    return m[1]!.trim();
  };
  return [get("cuda_version"), get("cudnn_version")];
}

showSkip("detectCuda() against the real agent", !enabled && "set CLEARML_IT=1 to run");
describe("detectCuda() equals the real clearml-agent 1.9.2 on this machine", {
  skip: !enabled && "set CLEARML_IT=1 to run",
}, () => {
  const path = `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/local/bin`;
  const cases: Array<[string, Record<string, string>, string]> = [
    ["this machine as it is", {}, ""],
    ['clearml.conf 11.8 / "8.9"', {}, 'agent.cuda_version: 11.8\nagent.cudnn_version: "8.9"\n'],
    ["CLEARML_CUDA_VERSION=12.4 only", { CLEARML_CUDA_VERSION: "12.4" }, ""],
    ["CUDA_VERSION=11.8.0, CUDNN_VERSION=8.9.7", {
      CUDA_VERSION: "11.8.0",
      CUDNN_VERSION: "8.9.7",
    }, ""],
    ["no nvcc on PATH", { PATH: "/usr/bin:/bin" }, ""],
  ];
  for (const [name, extra, conf] of cases) {
    it(name, { timeout: 60_000 }, async () => {
      const home = mkdtempSync(join(tmpdir(), "cuda-peer-"));
      try {
        const confPath = join(home, "clearml.conf");
        writeFileSync(confPath, conf);
        const env: Record<string, string> = { PATH: path, ...extra, HOME: home };
        const expected = realAgent(env, confPath, home);
        const agent = resolve({
          consumer: "agent",
          env: { ...env, CLEARML_CONFIG_FILE: confPath },
          home,
          cwd: home,
          fs: nodeFsView,
        });
        const d = await detectCuda({ agent, env, cwd: home });
        assert.deepEqual([d.cuda, d.cudnn], expected, `ours from ${d.source}`);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
