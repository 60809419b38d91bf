/**
 * The directories the agent and the SDK write to, computed from the settings snapshot (pure):
 * Python's temp-dir candidates, `CLEARML_AGENT_TEMP_STDOUT_FILE_DIR`, and the cache folders the
 * agent creates at start-up (agent-exec §1 row 25, §5.1 step 6, §5.7).
 */
import { isAbsolute, join } from "node:path";
import type { DoctorInput } from "./types.ts";
import { settingAt, settingText } from "./setting_at.ts";
import { expandUser } from "../settings/expand_user.ts";

export interface FsTarget {
  /** Dotted key or variable the path comes from. */
  key: string;
  /** As configured. */
  raw: string;
  /** Expanded and absolute. */
  path: string;
  /** Where the value came from. */
  from: string;
}

/** Python's `os.path.expandvars`: `$NAME` and `${NAME}` of set variables; others stay. */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith("{") ? name.slice(1, -1) : name;
    const value = env[key];
    return value === undefined ? whole : value;
  });
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : join(cwd, path);
}

/** Python's temp-dir candidates: the platform's one rule (src/platform/temp_stdout.ts). */
export { tempDirCandidates } from "../platform/temp_stdout.ts";

/** `CLEARML_AGENT_TEMP_STDOUT_FILE_DIR` as the agent uses it: no `~` expansion, relative to cwd. */
export function tempStdoutTarget(input: DoctorInput): FsTarget | undefined {
  const v = input.agent.variables.find((s) =>
    s.variable.name === "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR"
  );
  if (v?.status !== "set" || typeof v.value !== "string" || v.value === "") return undefined;
  return {
    key: v.name ?? "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
    raw: v.raw ?? v.value,
    path: absolute(v.value, input.cwd),
    from: `env ${v.name}`,
  };
}

/** The agent's cache folders (created at start-up) and the SDK's cache. */
export const CACHE_KEYS = [
  "agent.venvs_dir",
  "agent.venvs_cache.path",
  "agent.vcs_cache.path",
  "agent.pip_download_cache.path",
  "agent.docker_pip_cache",
  "agent.docker_apt_cache",
] as const;

export function cacheTargets(input: DoctorInput, tempDir?: string): FsTarget[] {
  const out: FsTarget[] = [];
  // The agent expands variables, then `~`; the SDK `~`, then variables.
  const expandAgent = (raw: string) =>
    absolute(expandUser(expandVars(raw, input.env), input.home), input.cwd);
  const expandSdk = (raw: string) =>
    absolute(expandVars(expandUser(raw, input.home), input.env), input.cwd);
  for (const key of CACHE_KEYS) {
    const s = settingAt(input.agent, key);
    const raw = settingText(s);
    // An empty venvs_cache.path turns the cache off; the others are then not created either.
    if (!raw) continue;
    out.push({ key, raw, path: expandAgent(raw), from: s.from });
  }
  const sdk = settingAt(input.sdk, "sdk.storage.cache.default_base_dir");
  const raw = settingText(sdk);
  if (raw) {
    out.push({
      key: "sdk.storage.cache.default_base_dir",
      raw,
      path: expandSdk(raw),
      from: sdk.from,
    });
  } else if (tempDir) {
    out.push({
      key: "sdk.storage.cache.default_base_dir",
      raw: "",
      path: join(tempDir, "clearml_cache"),
      from: "empty: the SDK uses <temp dir>/clearml_cache",
    });
  }
  return out;
}
