/** `clearml env export`: the effective ClearML variables in another tool's format. Pure. */
import { writeYaml } from "./write_yaml.ts";
import { dotenvValue } from "./dotenv.ts";
import { findVariable } from "./catalogue.ts";
import { DYNAMIC_PREFIX } from "./dynamic_env.ts";
import { isClearmlName } from "./env_report.ts";
import { maskEnvValue } from "./mask.ts";

export type ExportFormat = "dotenv" | "docker" | "k8s" | "github";

export interface ExportSelection {
  /** Name/value pairs to write, sorted by name, masked unless `showSecrets`. */
  vars: Array<[string, string]>;
  /** How many values the masking changed. */
  masked: number;
  /** Set variables that a program reads but that are not ClearML settings (`SHELL`, `RANK`…). */
  notClearml: string[];
  /** Set `CLEARML_*`/`TRAINS_*` names that no program reads. */
  unknown: string[];
  /** Names asked for that are not set. */
  unset: string[];
}

/** A ClearML setting by its name: `CLEARML_*`, `TRAINS_*`, the k8s glue's `K8S_GLUE_*`. */
function isClearmlSetting(name: string): boolean {
  return isClearmlName(name) || name.startsWith("K8S_GLUE_");
}

/**
 * What to export from `env`: the named variables when `names` is not empty (any name, known or
 * not), else every set ClearML setting that a program reads, dynamic `CLEARML_AGENT__…` names
 * included. Machine-wide variables some program also reads (`SHELL`, `SSH_AUTH_SOCK`,
 * `CUDA_VISIBLE_DEVICES`, `KUBERNETES_SERVICE_HOST`…) are only exported when named: they describe
 * this machine, and copying them to another changes what runs there.
 */
export function selectExport(
  env: Readonly<Record<string, string>>,
  opts: { names?: readonly string[]; showSecrets?: boolean } = {},
): ExportSelection {
  const out: ExportSelection = { vars: [], masked: 0, notClearml: [], unknown: [], unset: [] };
  const named = opts.names ?? [];
  const chosen: string[] = [];
  if (named.length) {
    for (const n of new Set(named)) (env[n] === undefined ? out.unset : chosen).push(n);
  } else {
    for (const n of Object.keys(env)) {
      const known = findVariable(n) !== undefined || n.startsWith(DYNAMIC_PREFIX);
      if (known && isClearmlSetting(n)) chosen.push(n);
      else if (known) out.notClearml.push(n);
      else if (isClearmlName(n)) out.unknown.push(n);
    }
  }
  for (const n of chosen.sort()) {
    const raw = env[n] ?? "";
    const value = opts.showSecrets ? raw : maskEnvValue(n, raw);
    if (value !== raw) out.masked++;
    out.vars.push([n, value]);
  }
  out.notClearml.sort();
  out.unknown.sort();
  return out;
}

export function renderExport(vars: ReadonlyArray<[string, string]>, format: ExportFormat): string {
  switch (format) {
    case "dotenv":
      return vars.map(([k, v]) => `${k}=${dotenvValue(v)}\n`).join("");
    case "docker":
      // docker --env-file takes the rest of the line verbatim: no quotes, no newlines
      return vars.map(([k, v]) => `${k}=${v.replaceAll("\n", "\\n")}\n`).join("");
    case "k8s": {
      // long values block by block (write_yaml.ts): the same text
      const parts: string[] = [];
      writeYaml({ env: vars.map(([name, value]) => ({ name, value })) }, (t) => void parts.push(t));
      return parts.length === 1 ? parts[0]! : parts.join("");
    }
    case "github":
      return vars.map(([k, v]) => githubLine(k, v)).join("");
  }
}

function githubLine(k: string, v: string): string {
  if (!v.includes("\n")) return `${k}=${v}\n`;
  const delim = heredocDelimiter(v);
  return `${k}<<${delim}\n${v}\n${delim}\n`;
}

/** `CLEARML_EOF` with one `_` more than any `CLEARML_EOF___` in the value: found in one pass. */
function heredocDelimiter(v: string): string {
  const base = "CLEARML_EOF";
  let longest = -1;
  for (let at = v.indexOf(base); at >= 0; at = v.indexOf(base, at + 1)) {
    let end = at + base.length;
    while (v.charCodeAt(end) === 95) end++;
    longest = Math.max(longest, end - at - base.length);
  }
  return base + "_".repeat(longest + 1);
}
