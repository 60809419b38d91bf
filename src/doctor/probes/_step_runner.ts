import type { ProbeTools } from "../types.ts";
import type { ExecResult } from "../../platform/exec.ts";

/**
 * A command runner for a probe: each command gets the step timeout and the snapshot's
 * environment with English messages (LC_ALL=C); once the run's budget is spent, commands are
 * not started and their labels are recorded in `skipped`.
 */
export function stepRunner(
  tools: ProbeTools,
  env: Readonly<Record<string, string>>,
  skipped: string[],
): (label: string, cmd: string, args: string[]) => Promise<ExecResult | undefined> {
  return async (label, cmd, args) => {
    if (tools.signal.aborted) {
      skipped.push(label);
      return undefined;
    }
    return await tools.exec(cmd, args, {
      timeoutMs: tools.stepTimeoutMs,
      env: { ...env, LC_ALL: "C", LANG: "C" },
    });
  };
}
