/**
 * `gitSettings()`: the agent's git settings from its resolved configuration, each with its
 * origin, and the `GitCredentialConfig` that `cloneUrl()` takes. Environment variables
 * (`CLEARML_AGENT_GIT_USER/PASS/HOST`) are already in the tree, at the keys they override.
 */
import type { DoctorInput } from "./types.ts";
import type { GitCredentialConfig } from "../agent/git_url.ts";
import { type Setting, settingAt, settingText, settingTruthy } from "./setting_at.ts";

export interface GitSettings {
  user: Setting;
  pass: Setting;
  host: Setting;
  forceSsh: Setting;
  forceSshUser: Setting;
  forceSshPort: Setting;
  translateSsh: Setting;
  askPass: Setting;
  config: GitCredentialConfig;
}

export function gitSettings(input: DoctorInput): GitSettings {
  const at = (key: string) => settingAt(input.agent, key);
  const user = at("agent.git_user");
  const pass = at("agent.git_pass");
  const host = at("agent.git_host");
  const forceSsh = at("agent.force_git_ssh_protocol");
  const forceSshUser = at("agent.force_git_ssh_user");
  const forceSshPort = at("agent.force_git_ssh_port");
  const translateSsh = at("agent.translate_ssh");
  const askPass = at("agent.enable_git_ask_pass");
  const port = forceSshPort.value;
  return {
    user,
    pass,
    host,
    forceSsh,
    forceSshUser,
    forceSshPort,
    translateSsh,
    askPass,
    config: {
      user: settingText(user) ?? null,
      pass: settingText(pass) ?? null,
      host: settingText(host) ?? null,
      forceSsh: settingTruthy(forceSsh),
      forceSshUser: settingText(forceSshUser) ?? null,
      forceSshPort: typeof port === "number" || typeof port === "string" ? port : null,
      // Absent means the shipped default (true).
      translateSsh: translateSsh.value === undefined ? true : settingTruthy(translateSsh),
    },
  };
}

/** Linux with `agent.enable_git_ask_pass` (default true): credentials go through GIT_ASKPASS. */
export function usesAskPass(s: GitSettings, platform: string): boolean {
  const enabled = s.askPass.value === undefined || settingTruthy(s.askPass);
  return enabled && platform === "linux";
}
