/**
 * The machine facts clearml-agent's Session derives start-up values from (see
 * `settings/agent_start.ts`): the host name, the Python that runs tasks, and CUDA/cuDNN as its
 * detection finds them. `detectCuda` is the one place to switch to the shared CUDA detection
 * chain once it exists; until then it follows the agent's order with the doctor's parsers:
 * the driver (nvidia-smi's header carries the driver's CUDA version, which NVML reports), then
 * `nvcc --version`; cuDNN from the `cudnn.h` beside nvcc.
 */
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import { exec } from "./exec.ts";
import { findExecutable } from "./find_executable.ts";
import { nvidiaSmi } from "../doctor/parse/nvidia_smi.ts";
import { nvccVersion } from "../doctor/parse/nvcc_version.ts";
import { cudnnHeader } from "../doctor/parse/cudnn_header.ts";
import type { AgentStartFacts } from "../settings/agent_start.ts";

type Env = Readonly<Record<string, string | undefined>>;

const TIMEOUT_MS = 5000;

/** `major.minor` of `python3` on PATH (the interpreter our agent runs tasks with). */
async function pythonVersion(env: Env, cwd: string): Promise<string | undefined> {
  const py = findExecutable("python3", env, cwd);
  if (!py) return undefined;
  const r = await exec(py, ["--version"], { timeoutMs: TIMEOUT_MS });
  return /Python (\d+)\.(\d+)/.exec(r.stdout + r.stderr)?.slice(1, 3).join(".");
}

/** CUDA and cuDNN as the agent detects them, and what they came from. */
export async function detectCuda(
  env: Env,
  cwd: string,
): Promise<{ cuda?: string; cudnn?: string; from: string }> {
  const found: { cuda?: string; cudnn?: string } = {};
  const from: string[] = [];
  const smi = findExecutable("nvidia-smi", env, cwd);
  if (smi) {
    const r = await exec(smi, [], { timeoutMs: TIMEOUT_MS });
    const cuda = r.code === 0 ? nvidiaSmi(r.stdout).agentCuda : undefined;
    if (cuda) {
      found.cuda = cuda;
      from.push("the driver, via nvidia-smi");
    }
  }
  const nvcc = findExecutable("nvcc", env, cwd);
  if (!found.cuda && nvcc) {
    const r = await exec(nvcc, ["--version"], { timeoutMs: TIMEOUT_MS });
    const cuda = nvccVersion(r.stdout).agentCuda;
    if (cuda) {
      found.cuda = cuda;
      from.push("nvcc --version");
    }
  }
  if (nvcc) {
    try {
      const header = join(dirname(dirname(nvcc)), "include", "cudnn.h");
      const cudnn = cudnnHeader(readFileSync(header, "utf8")).agentReading;
      if (cudnn) {
        found.cudnn = cudnn;
        from.push(header);
      }
    } catch {
      // no cudnn.h: the agent reports 0
    }
  }
  return { ...found, from: from.join(", ") || "nothing found" };
}

export async function gatherAgentStartFacts(
  env: Env,
  cwd: string,
  opts: { detectCuda: boolean },
): Promise<AgentStartFacts> {
  const [python, cuda] = await Promise.all([
    pythonVersion(env, cwd),
    opts.detectCuda ? detectCuda(env, cwd) : undefined,
  ]);
  const facts: AgentStartFacts = { hostname: hostname() };
  if (python) facts.python = python;
  if (cuda) {
    facts.detected = {};
    if (cuda.cuda) facts.detected.cuda = cuda.cuda;
    if (cuda.cudnn) facts.detected.cudnn = cuda.cudnn;
    facts.detectedFrom = cuda.from;
  }
  return facts;
}
