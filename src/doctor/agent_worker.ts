/**
 * The worker name and ids the agent would register on this machine (agent-exec §5.2), from the
 * settings snapshot and the host name. Pure.
 */
import type { DoctorInput } from "./types.ts";
import { visibleDevices, type WorkerId, workerId } from "../agent/worker_id.ts";
import { settingAt, settingText } from "./setting_at.ts";

export interface WorkerNameChoice {
  name: string;
  /** Where the name came from. */
  from: string;
}

export function workerName(input: DoctorInput, hostname: string): WorkerNameChoice {
  const s = settingAt(input.agent, "agent.worker_name");
  const name = settingText(s);
  if (name) return { name, from: s.from };
  return { name: hostname, from: "host name" };
}

/** Ours: `CLEARML_CPU_ONLY` acts like `--cpu-only`. */
function cpuOnly(input: DoctorInput): boolean {
  const v = input.agent.variables.find((s) => s.variable.name === "CLEARML_CPU_ONLY");
  return v?.status === "set" && v.value === true;
}

export function configuredWorkerId(input: DoctorInput): { id: string; from: string } | undefined {
  const s = settingAt(input.agent, "agent.worker_id");
  const id = settingText(s);
  return id ? { id, from: s.from } : undefined;
}

/** The id a `daemon` started now would register (first slot, no flags). */
export function daemonWorkerId(input: DoctorInput, hostname: string): WorkerId {
  return workerId({
    name: workerName(input, hostname).name,
    configuredId: configuredWorkerId(input)?.id,
    devices: visibleDevices(input.env, { cpuOnly: cpuOnly(input) }),
    mode: "daemon",
    slot: 0,
  });
}

/** The id of a `daemon --services-mode`: services mode implies `--cpu-only`. */
export function servicesWorkerId(input: DoctorInput, hostname: string): WorkerId {
  return workerId({
    name: workerName(input, hostname).name,
    configuredId: configuredWorkerId(input)?.id,
    devices: visibleDevices(input.env, { cpuOnly: true }),
    mode: "daemon",
    slot: 0,
  });
}

/** `CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD` as the agent reads it (stripped), or undefined. */
export function childCountTemplate(input: DoctorInput): string | undefined {
  const v = input.agent.variables.find((s) =>
    s.variable.name === "CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD"
  );
  return v?.status === "set" && typeof v.value === "string" && v.value !== "" ? v.value : undefined;
}
