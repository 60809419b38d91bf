/**
 * `TaskDoc` and `readTaskDoc()`: a ClearML task as the agent reads it (server-api §2.12: the
 * `script`, `container`, `hyperparams`, `runtime` and `execution` fields), from a JSON or YAML
 * document. A `tasks.get_by_id` response (`{"task": …}` or `{"data": {"task": …}}`) is accepted
 * too, so a saved server answer can be run as it is. Absent fields count as empty, as the
 * server says clients must treat them. Pure: the caller reads the file.
 */
import YAML from "yaml";
import { ConfigError } from "../errors.ts";

export interface TaskScript {
  /** Interpreter the task was created with (server default `python`). */
  binary?: string;
  repository?: string;
  branch?: string;
  tag?: string;
  /** Commit id. */
  version_num?: string;
  entry_point?: string;
  working_dir?: string;
  /** `{"pip": "…", "conda": "…", "org_pip": "…"}`: newline-separated requirement texts. */
  requirements?: Record<string, string>;
  /** Uncommitted changes (a git diff), or a whole script when there is no repository. */
  diff?: string;
}

export interface TaskContainer {
  image?: string;
  /** Docker arguments as one shell string (the server stores one string). */
  arguments?: string;
  setup_shell_script?: string;
}

export interface TaskHyperParam {
  section?: string;
  name?: string;
  value: string;
  type?: string;
  description?: string;
}

export interface TaskExecution {
  queue?: string;
  /** Pre-2.13 docker command (`image args…`); also part of the venv cache key. */
  docker_cmd?: string;
  [key: string]: unknown;
}

export interface TaskDoc {
  id: string;
  name?: string;
  project?: string;
  status?: string;
  script: TaskScript;
  container: TaskContainer;
  /** `{section: {name: {value, …}}}`; the `Environment` section feeds the child environment. */
  hyperparams: Record<string, Record<string, TaskHyperParam>>;
  runtime: Record<string, unknown>;
  execution?: TaskExecution;
}

const SCRIPT_TEXT = [
  "binary",
  "repository",
  "branch",
  "tag",
  "version_num",
  "entry_point",
  "working_dir",
  "diff",
] as const;
const CONTAINER_TEXT = ["image", "setup_shell_script"] as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Shape {
  constructor(readonly source: string) {}
  fail(path: string, expected: string, found: unknown): never {
    const what = found === null ? "null" : Array.isArray(found) ? "a list" : typeof found;
    throw new ConfigError(
      `${this.source}: task field ${path} must be ${expected}, found ${what}`,
    );
  }
  obj(v: unknown, path: string): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(path, "an object", v);
    return v;
  }
  text(v: unknown, path: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    this.fail(path, "a string", v);
  }
}

/** A value's text as the server stores hyper-parameter values (always strings). */
function paramText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** Quote one argv token for a POSIX shell when it needs it (inverse of `shlex.split`). */
function shellQuote(token: string): string {
  if (token !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  return `'${token.replaceAll("'", `'"'"'`)}'`;
}

/** Build a `TaskDoc` from a parsed document; errors name `source` and the field. */
export function taskFromValue(value: unknown, source: string): TaskDoc {
  const s = new Shape(source);
  let doc: unknown = value;
  if (isObj(doc) && isObj(doc.data) && isObj(doc.data.task)) doc = doc.data.task;
  else if (isObj(doc) && isObj(doc.task) && doc.script === undefined) doc = doc.task;
  const root: Obj = isObj(doc) ? doc : s.fail("(document)", "an object (the task)", doc);
  const id = s.text(root.id, "id");
  if (!id || !id.trim()) {
    throw new ConfigError(`${source}: the task has no id (expected a non-empty string field id)`);
  }

  const scriptIn = s.obj(root.script, "script");
  const script: TaskScript = {};
  for (const k of SCRIPT_TEXT) {
    const t = s.text(scriptIn[k], `script.${k}`);
    if (t !== undefined) script[k] = t;
  }
  if (scriptIn.requirements !== undefined && scriptIn.requirements !== null) {
    const req = scriptIn.requirements;
    const out: Record<string, string> = {};
    if (typeof req === "string") out.pip = req;
    else {
      for (const [k, v] of Object.entries(s.obj(req, "script.requirements"))) {
        if (v === null || v === undefined) continue;
        if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[k] = v.join("\n");
        else out[k] = s.text(v, `script.requirements.${k}`) ?? "";
      }
    }
    script.requirements = out;
  }

  const containerIn = s.obj(root.container, "container");
  const container: TaskContainer = {};
  for (const k of CONTAINER_TEXT) {
    const t = s.text(containerIn[k], `container.${k}`);
    if (t !== undefined) container[k] = t;
  }
  const args = containerIn.arguments;
  if (Array.isArray(args)) {
    const tokens = args.map((a, i) => s.text(a, `container.arguments[${i}]`) ?? "");
    container.arguments = tokens.map(shellQuote).join(" ");
  } else {
    const t = s.text(args, "container.arguments");
    if (t !== undefined) container.arguments = t;
  }

  const hyperparams: TaskDoc["hyperparams"] = {};
  for (const [section, params] of Object.entries(s.obj(root.hyperparams, "hyperparams"))) {
    const out: Record<string, TaskHyperParam> = {};
    for (const [name, p] of Object.entries(s.obj(params, `hyperparams.${section}`))) {
      // A bare value is accepted as shorthand for {value: …}.
      if (!isObj(p)) out[name] = { section, name, value: paramText(p) };
      else {
        out[name] = {
          section: s.text(p.section, `hyperparams.${section}.${name}.section`) ?? section,
          name: s.text(p.name, `hyperparams.${section}.${name}.name`) ?? name,
          value: paramText(p.value),
          ...(p.type !== undefined ? { type: paramText(p.type) } : {}),
          ...(p.description !== undefined ? { description: paramText(p.description) } : {}),
        };
      }
    }
    hyperparams[section] = out;
  }

  const task: TaskDoc = {
    id: id.trim(),
    script,
    container,
    hyperparams,
    runtime: { ...s.obj(root.runtime, "runtime") },
  };
  const name = s.text(root.name, "name");
  if (name !== undefined) task.name = name;
  const project = s.text(root.project, "project");
  if (project !== undefined) task.project = project;
  const status = s.text(root.status, "status");
  if (status !== undefined) task.status = status;
  if (root.execution !== undefined && root.execution !== null) {
    const ex = s.obj(root.execution, "execution");
    const execution: TaskExecution = { ...ex };
    const docker = s.text(ex.docker_cmd, "execution.docker_cmd");
    if (docker !== undefined) execution.docker_cmd = docker;
    const queue = s.text(ex.queue, "execution.queue");
    if (queue !== undefined) execution.queue = queue;
    task.execution = execution;
  }
  return task;
}

/** The first YAML error of a text, with its position (YAML reads JSON too). */
function yamlError(text: string): { at: string; what: string } | null {
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (!err) return null;
  const pos = err.linePos?.[0];
  return {
    at: pos ? `:${pos.line}:${pos.col}` : "",
    what: err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""),
  };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e: unknown) {
    // Runtimes word JSON errors differently (and Bun gives no position): report YAML's reading.
    const y = yamlError(text) ??
      { at: "", what: (e as Error).message.replace(/^JSON Parse error: /, "") };
    throw new ConfigError(`${source}${y.at}: malformed JSON task document: ${y.what}`);
  }
}

function parseYaml(text: string, source: string): unknown {
  const y = yamlError(text);
  if (y) throw new ConfigError(`${source}${y.at}: malformed YAML task document: ${y.what}`);
  return YAML.parse(text);
}

/**
 * Parse a task document: JSON when it starts with `{` (after whitespace), else YAML (a JSON
 * superset, so either works). `source` names the file in every error (exit 3, `ConfigError`).
 */
export function readTaskDoc(text: string, source: string): TaskDoc {
  const body = text.replace(/^\uFEFF/, "");
  if (!body.trim()) {
    throw new ConfigError(`${source}: empty task document (expected a JSON or YAML task object)`);
  }
  const value = body.trimStart().startsWith("{")
    ? parseJson(body, source)
    : parseYaml(body, source);
  return taskFromValue(value, source);
}
