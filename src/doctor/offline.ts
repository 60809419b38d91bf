import type { DoctorInput } from "./types.ts";
import { variableState } from "../settings/resolve.ts";
import { truthy } from "../settings/read_variable.ts";

/** Why the server checks do not run, or undefined. */
export function offlineReason(input: DoctorInput): string | undefined {
  if (input.options.offline) return "--offline was given: no network checks";
  const s = variableState(input.sdk, "CLEARML_OFFLINE_MODE");
  if (s?.status === "set" && truthy(s.value)) {
    return `${s.name}=${s.raw} turns on offline mode: the SDK contacts no server`;
  }
  return undefined;
}
