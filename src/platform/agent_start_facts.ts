/**
 * The machine facts clearml-agent's Session derives start-up values from (see
 * `settings/agent_start.ts`): the host name, the Python that runs tasks, and CUDA/cuDNN from the
 * run's one CUDA detection (`cuda.ts`, which probes only when a version is not configured).
 */
import { hostname } from "node:os";
import { exec } from "./exec.ts";
import { findExecutable } from "./find_executable.ts";
import { detectCuda } from "./cuda.ts";
import type { AgentStartFacts } from "../settings/agent_start.ts";
import type { Resolution } from "../settings/resolve.ts";

type Env = Readonly<Record<string, string>>;

const TIMEOUT_MS = 5000;

/** `major.minor` of `python3` on PATH (the interpreter our agent runs tasks with). */
async function pythonVersion(env: Env, cwd: string): Promise<string | undefined> {
  const py = findExecutable("python3", env, cwd);
  if (!py) return undefined;
  const r = await exec(py, ["--version"], { timeoutMs: TIMEOUT_MS });
  return /Python (\d+)\.(\d+)/.exec(r.stdout + r.stderr)?.slice(1, 3).join(".");
}

export async function gatherAgentStartFacts(
  agent: Resolution,
  env: Env,
  cwd: string,
): Promise<AgentStartFacts> {
  const [python, cuda] = await Promise.all([
    pythonVersion(env, cwd),
    detectCuda({ agent, env, cwd, timeoutMs: TIMEOUT_MS }),
  ]);
  const facts: AgentStartFacts = {
    hostname: hostname(),
    detected: { cuda: cuda.cuda, cudnn: cuda.cudnn },
    detectedFrom: cuda.source === cuda.cudnnSource
      ? cuda.source
      : `${cuda.source}; cuDNN: ${cuda.cudnnSource}`,
  };
  if (python) facts.python = python;
  return facts;
}
