/**
 * A commander-free parser for the commands that scripts and images run most (`--version`,
 * `env`, `config show|get|parse`): loading commander costs more than the rest of such a run.
 * It accepts only well-formed command lines; anything else (help, unknown or conflicting
 * flags, missing values) returns undefined and goes to the full commander tree, which gives
 * the same results (tests/cli/fast_path.test.ts compares the two) and the error messages.
 */
import type { GlobalOptions } from "./global_options.ts";

export type FastCommand =
  | { kind: "version"; json: boolean }
  | {
    kind: "env";
    g: GlobalOptions;
    opts: { json?: boolean; yaml?: boolean; all?: boolean; for?: "sdk" | "agent" };
  }
  | {
    kind: "config-show";
    g: GlobalOptions;
    opts: {
      for: "sdk" | "agent";
      json?: boolean;
      yaml?: boolean;
      hocon?: boolean;
      origin?: boolean;
    };
  }
  | {
    kind: "config-get";
    g: GlobalOptions;
    key: string;
    opts: { for: "sdk" | "agent"; json?: boolean; yaml?: boolean; origin?: boolean };
  }
  | {
    kind: "config-parse";
    g: GlobalOptions;
    file: string;
    opts: { json?: boolean; yaml?: boolean };
  }
  | {
    kind: "agent-execute";
    g: GlobalOptions;
    opts: { taskFile: string; cpuOnly?: boolean; gpus?: string };
  };

const FLAGS: Record<string, string> = {
  "--json": "json",
  "--yaml": "yaml",
  "--all": "all",
  "--hocon": "hocon",
  "--origin": "origin",
  "--show-secrets": "showSecrets",
  "-v": "verbose",
  "--verbose": "verbose",
  "--no-color": "noColor",
  "--cpu-only": "cpuOnly",
};
const VALUES: Record<string, string> = {
  "--for": "for",
  "--config-file": "configFile",
  "--env-file": "envFile",
  "--task-file": "taskFile",
  "--gpus": "gpus",
};
const ALLOWED: Record<string, string[]> = {
  env: ["json", "yaml", "all", "for"],
  "config-show": ["json", "yaml", "hocon", "origin", "for"],
  "config-get": ["json", "yaml", "origin", "for"],
  "config-parse": ["json", "yaml"],
  // the start of a task is timed (≤ 150 ms): `agent execute` without --docker skips commander
  "agent-execute": ["taskFile", "cpuOnly", "gpus"],
};
const GLOBALS = ["showSecrets", "verbose", "noColor", "configFile", "envFile"];

/**
 * `clearml doctor` with only options that change neither what it reads nor what it runs
 * (`--json`, `--offline`, `--strict`): main.ts starts its interpreters before loading the rest.
 */
export function isPlainDoctor(argv: readonly string[]): boolean {
  if (argv[0] !== "doctor") return false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a !== "--json" && a !== "--offline" && a !== "--strict") return false;
  }
  return true;
}

/** `--version`, `-V`, each alone or with `--json`. */
function versionCommand(argv: readonly string[]): FastCommand | undefined {
  let versions = 0;
  let json = 0;
  for (const a of argv) {
    if (a === "--version" || a === "-V") versions++;
    else if (a === "--json") json++;
    else return undefined;
  }
  return versions === 1 && json <= 1 ? { kind: "version", json: json === 1 } : undefined;
}

/**
 * Plain loops and no array or object spreads here and in the commands' own paths: each of
 * `every`, `some`, `filter`, `map` and `Map#forEach` costs tens of microseconds on its first
 * call, before the JIT, and a start that never calls them saves that.
 */
export function parseFast(argv: readonly string[]): FastCommand | undefined {
  if (argv.length >= 1 && argv.length <= 2) {
    let versionWords = true;
    for (const a of argv) {
      if (a !== "--version" && a !== "-V" && a !== "--json") versionWords = false;
    }
    if (versionWords) return versionCommand(argv);
  }
  const flags: Record<string, boolean> = {};
  const values: Record<string, string> = {};
  const envFiles: string[] = [];
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (FLAGS[name] && eq < 0) {
      flags[FLAGS[name]!] = true;
    } else if (VALUES[name]) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith("-"))) return undefined;
      if (VALUES[name] === "envFile") envFiles.push(v);
      else if (values[VALUES[name]!] !== undefined) return undefined;
      else values[VALUES[name]!] = v;
    } else if (!a.startsWith("-") || a === "-") {
      words.push(a);
    } else return undefined;
  }
  let kind: "env" | "config-show" | "config-get" | "config-parse" | "agent-execute";
  let key: string | undefined;
  if (words.length === 1 && words[0] === "env") kind = "env";
  else if (words.length === 2 && words[0] === "config" && words[1] === "show") kind = "config-show";
  else if (words.length === 3 && words[0] === "config" && words[1] === "get") {
    kind = "config-get";
    key = words[2];
  } else if (words.length === 3 && words[0] === "config" && words[1] === "parse") {
    kind = "config-parse";
    key = words[2];
  } else if (
    words.length === 2 && words[0] === "agent" && words[1] === "execute" && values.taskFile
  ) kind = "agent-execute";
  else return undefined;
  const allowed = ALLOWED[kind]!;
  for (const used of [Object.keys(flags), Object.keys(values)]) {
    for (const u of used) if (!GLOBALS.includes(u) && !allowed.includes(u)) return undefined;
  }
  if (flags.json && flags.yaml) return undefined;
  const consumer = values.for;
  if (consumer !== undefined && consumer !== "sdk" && consumer !== "agent") return undefined;

  const g: GlobalOptions = { color: !flags.noColor };
  if (values.configFile !== undefined) g.configFile = values.configFile;
  if (envFiles.length) g.envFile = envFiles;
  if (flags.verbose) g.verbose = true;
  if (flags.showSecrets) g.showSecrets = true;
  // the output flags given (each one allowed for `kind`, as checked above): one loop here, not a
  // helper called per command, which would be one more function run at every start (README)
  const outFlags: Partial<Record<"json" | "yaml" | "all" | "hocon" | "origin", true>> = {};
  for (const n of ["json", "yaml", "all", "hocon", "origin"] as const) {
    if (flags[n] && allowed.includes(n)) outFlags[n] = true;
  }
  if (kind === "agent-execute") {
    const opts = { taskFile: values.taskFile!, ...(flags.cpuOnly ? { cpuOnly: true } : {}) };
    return { kind, g, opts: values.gpus !== undefined ? { ...opts, gpus: values.gpus } : opts };
  }
  if (kind === "env") {
    const opts: { json?: boolean; yaml?: boolean; all?: boolean; for?: "sdk" | "agent" } = outFlags;
    if (consumer) opts.for = consumer;
    return { kind, g, opts };
  }
  if (kind === "config-parse") return { kind, g, file: key!, opts: outFlags };
  const forOpt = (consumer ?? "sdk") as "sdk" | "agent";
  if (kind === "config-show") {
    return {
      kind,
      g,
      opts: Object.assign({ for: forOpt }, outFlags),
    };
  }
  return {
    kind,
    g,
    key: key!,
    opts: Object.assign({ for: forOpt }, outFlags),
  };
}
