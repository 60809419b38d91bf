/**
 * Which configuration files a consumer reads, and their parsed trees, exactly as the SDK's and
 * the agent's loaders find them (sdk-config.md §1.1-1.2, agent-exec.md §0.4).
 */
import { dirname, join } from "./path.ts";
import type { FsView } from "./fs_view.ts";
import type { Consumer } from "./variable.ts";
import { type ConfNode, type ObjectNode, objectNode, setNode } from "./tree.ts";
import { parseHocon } from "./hocon/parse.ts";
import { absoluteFrom, expandUser } from "./expand_user.ts";

export interface FileReport {
  path: string;
  /** Why this path was looked at. */
  reason: string;
  status: "parsed" | "missing" | "not-a-file" | "unreadable" | "error";
  /** Parse error with file:line:col, or the read error. */
  error?: string;
  /** Files it included, in order. */
  includes?: string[];
  /** For CLEARML_CONFIG_PATH trees: the key the file is placed under. */
  key?: string;
}

export interface SourcesInput {
  env: Readonly<Record<string, string>>;
  home: string;
  cwd: string;
  consumer: Consumer;
  fs: FsView;
  /** `--config-file` (absolute or relative to cwd). */
  configFile?: string;
}

export interface Sources {
  /** Parsed trees in merge order, lowest first (built-in defaults not included). */
  layers: ObjectNode[];
  files: FileReport[];
  /** The `<env>` name (default/demo/local) and where it came from. */
  envName: string;
  /** Problems that stop the real program at first config access (bad CLEARML_ENV, parse errors). */
  errors: string[];
}

const ENV_NAMES = ["default", "demo", "local"];

/** Read `CLEARML_ENV`/`TRAINS_ENV` raw, as the loaders do (the agent reads only TRAINS_ENV). */
function envName(input: SourcesInput, errors: string[]): string {
  const names = input.consumer === "sdk" ? ["CLEARML_ENV", "TRAINS_ENV"] : ["TRAINS_ENV"];
  for (const n of names) {
    const v = input.env[n];
    if (v === undefined) continue;
    if (v === "") {
      errors.push(`${n} is set but empty: the ${input.consumer} stops with "Missing environment"`);
      return "default";
    }
    if (!ENV_NAMES.includes(v)) {
      errors.push(
        `${n}=${JSON.stringify(v)} is not one of default, demo, local (the real program stops ` +
          `with "Invalid environment None")`,
      );
      return "default";
    }
    return v;
  }
  return "default";
}

/** First non-empty stripped value among names (EnvEntry rule). */
function firstSet(env: Readonly<Record<string, string>>, names: string[]) {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return { name: n, value: v };
  }
  return undefined;
}

export function loadSources(input: SourcesInput): Sources {
  const errors: string[] = [];
  const files: FileReport[] = [];
  const layers: ObjectNode[] = [];
  const name = envName(input, errors);

  const readOne = (path: string, reason: string, key?: string): void => {
    const r = input.fs.read(path);
    const report: FileReport = { path, reason, status: "parsed" };
    if (key !== undefined) report.key = key;
    files.push(report);
    if (r.kind !== "file") {
      report.status = r.kind;
      if (r.kind === "unreadable") {
        report.error = r.error;
        // A decoding error already names the file, its line and the byte.
        errors.push(r.error.startsWith(path) ? r.error : `Cannot read ${path}: ${r.error}`);
      }
      return;
    }
    const includes: string[] = [];
    try {
      let tree: ConfNode = parseHocon(r.text, {
        file: path,
        env: input.env,
        readInclude: (inc, from) => {
          const target = absoluteFrom(inc, input.home, dirname(from));
          const got = input.fs.read(target);
          includes.push(target);
          return got.kind === "file" ? { file: target, text: got.text } : undefined;
        },
      });
      if (key !== undefined) tree = setNode(objectNode(tree.origin), key.split("."), tree);
      layers.push(tree as ObjectNode);
    } catch (e: unknown) {
      report.status = "error";
      report.error = e instanceof Error ? e.message : String(e);
      errors.push(report.error);
    }
    if (includes.length) report.includes = includes;
  };

  // Layer 5: CLEARML_CONFIG_PATH tree, its default/ then its <env>/ (file path → key).
  const configPath = firstSet(input.env, ["CLEARML_CONFIG_PATH", "TRAINS_CONFIG_PATH"]);
  if (configPath) {
    const root = expandUser(configPath.value, input.home);
    for (const sub of name === "default" ? ["default"] : ["default", name]) {
      const dir = join(root, sub);
      for (const rel of input.fs.listConf(dir) ?? []) {
        const key = rel.slice(0, -".conf".length).split("/").join(".");
        readOne(join(dir, rel), `${configPath.name} (${sub}/)`, key);
      }
    }
  }

  // Layer 7: the user file(s).
  if (input.configFile !== undefined) {
    const path = absoluteFrom(input.configFile, input.home, input.cwd);
    const r = input.fs.read(path);
    if (r.kind !== "file") {
      // The agent's --config-file stops with this; ours does for both consumers.
      errors.push(`Could not open configuration file: ${path} (--config-file: ${r.kind})`);
      files.push({ path, reason: "--config-file", status: r.kind });
    } else readOne(path, "--config-file");
  } else {
    const override = firstSet(input.env, ["CLEARML_CONFIG_FILE", "TRAINS_CONFIG_FILE"]);
    if (override) {
      // expanduser only, never expandvars (sdk-config #8)
      readOne(absoluteFrom(override.value, input.home, input.cwd), override.name);
    } else {
      readOne(join(input.home, "trains.conf"), "default search (~/trains.conf)");
      readOne(join(input.home, "clearml.conf"), "default search (~/clearml.conf)");
    }
  }
  return { layers, files, envName: name, errors };
}
