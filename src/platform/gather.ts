/** What a platform adapter needs to gather facts: the environment, the machine, a command runner. */
import type { ExecResult } from "./exec.ts";
import type { HostFacts } from "./host_facts.ts";

/** Runs one probe command (bounded); undefined when it was not run (budget spent). */
export type StepRun = (
  label: string,
  cmd: string,
  args: string[],
) => Promise<ExecResult | undefined>;

export interface GatherOptions {
  env: Readonly<Record<string, string>>;
  cwd: string;
  host: HostFacts;
  run: StepRun;
  platform: string;
  /** Labels of the steps not run (the run's budget spent), filled by `run`. */
  skipped?: string[];
}
