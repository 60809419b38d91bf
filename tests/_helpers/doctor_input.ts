/** A DoctorInput built from an environment and in-memory config files, for check tests. */
import type { DoctorInput, DoctorOptions } from "../../src/doctor/types.ts";
import { CWD, HOME, resolveWith } from "./resolve.ts";

export function doctorInput(
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  options: Partial<DoctorOptions> = {},
): DoctorInput {
  const full = { HOME, ...env };
  return {
    env: full,
    envFromFile: new Map(),
    home: HOME,
    cwd: CWD,
    sdk: resolveWith("sdk", env, files),
    agent: resolveWith("agent", env, files),
    options: {
      offline: false,
      timeoutMs: 10_000,
      probeGit: false,
      queues: [],
      verbose: false,
      ...options,
    },
  };
}
