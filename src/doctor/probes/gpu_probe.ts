/**
 * Doctor's gpu probe: the platform's GPU facts (src/platform/gpu_facts.ts) gathered with the
 * run's step runner (timeouts, English messages, the run's budget).
 */
import type { DoctorInput, ProbeTools } from "../types.ts";
import { type HostFacts, nodeHostFacts } from "../../platform/host_facts.ts";
import { gatherGpuFacts, type GpuFacts } from "../../platform/gpu_facts.ts";
import { stepRunner } from "./_step_runner.ts";

export { NVML_LIB, SMI_QUERY } from "../../platform/gpu_facts.ts";
export type GpuSnapshot = GpuFacts;

export function probeGpu(
  input: DoctorInput,
  tools: ProbeTools,
  host: HostFacts = nodeHostFacts(tools.stepTimeoutMs),
  platform: string = process.platform,
): Promise<GpuSnapshot> {
  const skipped: string[] = [];
  // the snapshot's environment (PATH, LD_LIBRARY_PATH…), English messages
  const run = stepRunner(tools, input.env, skipped);
  return gatherGpuFacts({ env: input.env, cwd: input.cwd, host, run, platform, skipped });
}
