/**
 * `usesActivatedVenv()`: whether clearml-agent installs a task's packages into an already
 * activated venv instead of creating one (agent-exec §1 row 1(c), T61). That is meant for an
 * agent running inside a container image that ships its own venv: `CLEARML_DOCKER_IMAGE` and
 * `VIRTUAL_ENV` set, `agent.docker_use_activated_venv` on (its default) and
 * `agent.package_manager.system_site_packages` on, and `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL`
 * unset. The agent then uses `python` on PATH and prints "Warning! Found python virtual
 * environment [...] already activated inside the container...". Pure.
 */
import { truthy } from "../settings/read_variable.ts";
import type { Plain } from "../settings/tree.ts";

export interface ActivatedVenvInput {
  env: Readonly<Record<string, string | undefined>>;
  /** `agent.docker_use_activated_venv`; undefined means the default (true). */
  dockerUseActivatedVenv: Plain | undefined;
  /** `agent.package_manager.system_site_packages`. */
  systemSitePackages: Plain | undefined;
}

export function usesActivatedVenv(input: ActivatedVenvInput): boolean {
  const { env } = input;
  if (env.CLEARML_AGENT_SKIP_PIP_VENV_INSTALL) return false;
  if (!env.CLEARML_DOCKER_IMAGE && !env.TRAINS_DOCKER_IMAGE) return false;
  if (!env.VIRTUAL_ENV?.trim()) return false;
  const useActivated = input.dockerUseActivatedVenv === undefined ||
    truthy(input.dockerUseActivatedVenv);
  return useActivated && truthy(input.systemSitePackages);
}
