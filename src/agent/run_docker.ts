/**
 * Docker mode (agent-exec §2.12): make the host cache dirs, copy ~/.ssh fresh, write the
 * container's configuration file, log the masked argv, run `docker run …` with its output
 * captured like any task; after an abort, stop the container the docker CLI leaves behind.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ClearmlError } from "../errors.ts";
import { type HostFacts, type Plan, type PlanSettings, stepOf } from "./plan_types.ts";
import type { TaskLog } from "./task_log.ts";
import { spawnCaptured, type SpawnResult } from "./spawn_captured.ts";
import { containerConfig } from "./container_config.ts";
import { exec } from "../platform/exec.ts";

export interface DockerRunOptions {
  signal?: AbortSignal;
  graceMs?: number;
}

/** The `clearml-worker-id` label value of a docker argv (how the container is found again). */
export function workerLabelOf(argv: readonly string[]): string | null {
  for (let i = 0; i + 1 < argv.length; i++) {
    if (argv[i] === "-l" && argv[i + 1]!.startsWith("clearml-worker-id=")) return argv[i + 1]!;
  }
  return null;
}

async function stopContainers(env: Record<string, string>, label: string, log: TaskLog) {
  const ps = await exec("docker", ["ps", "-q", "--filter", `label=${label}`], {
    env,
    timeoutMs: 15_000,
  });
  const ids = ps.stdout.split("\n").map((s) => s.trim()).filter(Boolean);
  if (!ids.length) return;
  log.write(`Stopping container ${ids.join(" ")}`);
  await exec("docker", ["stop", "-t", "1", ...ids], { env, timeoutMs: 30_000 });
}

export async function runDocker(
  plan: Plan,
  settings: PlanSettings,
  _host: HostFacts,
  log: TaskLog,
  opts: DockerRunOptions,
): Promise<SpawnResult> {
  const step = stepOf(plan, "docker");
  if (!step) throw new ClearmlError("the plan is in docker mode but has no docker step", 1);
  for (const m of step.messages) log.write(m);
  for (const d of step.mkdirs) mkdirSync(d, { recursive: true });
  const env = { ...settings.env };
  if (step.sshCopy) {
    rmSync(step.sshCopy.to, { recursive: true, force: true });
    mkdirSync(dirname(step.sshCopy.to), { recursive: true });
    const cp = await spawnCaptured(["cp", "-a", step.sshCopy.from, step.sshCopy.to], log, { env });
    if (cp.code !== 0) log.write(`Warning: could not copy ${step.sshCopy.from}: ssh not mounted`);
  }
  mkdirSync(dirname(step.configPath), { recursive: true });
  writeFileSync(
    step.configPath,
    JSON.stringify(containerConfig(settings.resolution.tree, step.configOverrides), null, 2),
    { mode: 0o600 },
  );
  chmodSync(step.configPath, 0o600);
  log.write(`Running Docker:\nExecuting: ${JSON.stringify(step.argvDisplay)}`);
  const r = await spawnCaptured(step.argv, log, {
    env,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
  });
  const label = workerLabelOf(step.argv);
  if ((r.aborted || r.code === null) && label) await stopContainers(env, label, log);
  return r;
}
