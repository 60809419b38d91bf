/**
 * The python category's probe: every `python`, `python3` and `python3.X` on PATH, plus the
 * interpreters the settings name (`agent.python_binary`, a `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL`
 * path), each asked once for its facts (version, prefixes, venv tooling) with a timeout; and
 * whether the entries of `CLEARML_AGENT_EXTRA_PYTHON_PATH` exist. Read-only.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";
import type { DoctorInput, ProbeTools } from "../types.ts";
import type { PyInterpreter, PythonSnapshot } from "./python_snapshot.ts";
import { INTROSPECT_SCRIPT, parseIntrospection } from "../python_introspect.ts";
import { executablesMatching, findExecutable } from "./_find_executable.ts";
import { pythonSpecs } from "../python_select.ts";
import { shimTarget } from "./_pyenv.ts";
import { exec } from "../../platform/exec.ts";

const PYTHON_NAME = /^python(?:3(?:\.\d+)?)?$/;
/** At most this many interpreters answer at once (pyenv shims are shell scripts). */
const PARALLEL = 6;

function isPyenvShim(path: string): boolean {
  return /\/shims\/python[\d.]*$/.test(path) && /pyenv/.test(path);
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Error output is kept whole up to a size that a snapshot can carry. */
function capped(text: string): string {
  const t = text.trim();
  return t.length > 4000 ? `${t.slice(0, 4000)}…` : t;
}

type Answer = Awaited<ReturnType<ProbeTools["exec"]>>;

/**
 * Answers by interpreter: `python`, `python3` and `python3.11` are often links to one file in one
 * directory (or shims of one version), and one start answers for all of them. The directory is
 * part of the key: a venv's `python` links to the system's, but its own `pyvenv.cfg` makes it
 * another interpreter.
 */
export type SharedAnswers = Map<string, { target: string; answer: Promise<Answer> }>;

function interpreterKey(target: string): string {
  return `${dirname(target)}\0${realPath(target) ?? target}`;
}

/** Where an interpreter is asked from: the environment and directory it starts with. */
interface AskedFrom {
  env: Readonly<Record<string, string>>;
  cwd: string;
}

export async function askInterpreter(
  name: string,
  path: string,
  input: AskedFrom,
  tools: ProbeTools,
  shared: SharedAnswers = new Map(),
): Promise<PyInterpreter> {
  const base = { name, path, realPath: realPath(path), pyenvShim: isPyenvShim(path) };
  if (tools.signal.aborted) {
    return { ...base, ok: false, code: null, timedOut: true, stderr: "not run: time budget spent" };
  }
  let target = path;
  if (base.pyenvShim) {
    const t = shimTarget(path, input.env, input.cwd);
    if (t.kind === "inactive") {
      // what the shim itself prints and exits with for a version that lacks this command
      return {
        ...base,
        ok: false,
        code: 127,
        timedOut: false,
        stderr: `pyenv: ${name}: command not found (active version: ${t.versions.join(":")})`,
      };
    }
    if (t.kind === "binary") target = t.path;
  }
  const key = interpreterKey(target);
  let asked = shared.get(key);
  if (asked === undefined) {
    const answer = tools.exec(target, ["-c", INTROSPECT_SCRIPT], {
      timeoutMs: tools.stepTimeoutMs,
      env: { ...input.env },
      cwd: input.cwd,
    });
    shared.set(key, asked = { target, answer });
  }
  const r = await asked.answer;
  let facts = r.code === 0 ? parseIntrospection(r.stdout) : undefined;
  // the interpreter names itself by the path it was started as
  if (facts && asked.target !== target && facts.executable === asked.target) {
    facts = { ...facts, executable: target };
  }
  return {
    ...base,
    ok: facts !== undefined,
    ...(facts ? { facts } : {}),
    code: r.code,
    timedOut: r.timedOut,
    ...(facts ? {} : { stderr: capped(r.stderr || r.error || r.stdout) }),
  };
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Start `python3` and `python` of PATH now: an interpreter takes far longer to answer than
 * the PATH scan, and the scan finds the same files first, whose answers are then shared.
 */
function startUsual(at: AskedFrom, tools: ProbeTools, shared: SharedAnswers): void {
  for (const name of ["python3", "python"]) {
    const path = findExecutable(name, at.env, at.cwd);
    if (path) askInterpreter(name, path, at, tools, shared).catch(() => undefined);
  }
}

/** Answers started before the run was set up (`prestartPython`), and what they were asked with. */
let early: { at: AskedFrom; stepTimeoutMs: number; shared: SharedAnswers } | undefined;

/**
 * For `clearml doctor` with nothing that changes what it reads or runs (main.ts decides): start
 * the usual interpreters before commander and the doctor load, since the run waits for their
 * answer longest. The probe takes these answers when it asks from the same environment and
 * directory with the same step timeout, and asks again otherwise.
 */
export function prestartPython(at: AskedFrom, stepTimeoutMs: number): void {
  const tools: ProbeTools = {
    signal: new AbortController().signal,
    stepTimeoutMs,
    exec: (cmd, args, opts) => exec(cmd, args, { ...opts, timeoutMs: stepTimeoutMs }),
  };
  const shared: SharedAnswers = new Map();
  startUsual(at, tools, shared);
  early = { at, stepTimeoutMs, shared };
}

function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** The answers started early, once, when they were asked as this run would ask. */
function takeEarly(input: DoctorInput, tools: ProbeTools): SharedAnswers | undefined {
  const e = early;
  early = undefined;
  if (e === undefined || e.at.cwd !== input.cwd || e.stepTimeoutMs !== tools.stepTimeoutMs) {
    return undefined;
  }
  return sameEnv(e.at.env, input.env) ? e.shared : undefined;
}

export async function probePython(input: DoctorInput, tools: ProbeTools): Promise<PythonSnapshot> {
  const shared: SharedAnswers = takeEarly(input, tools) ?? new Map();
  startUsual(input, tools, shared);
  const found = executablesMatching(PYTHON_NAME, input.env, input.cwd);
  // The first of each name is the one a lookup finds; later ones are shadowed.
  const first = new Map<string, string>();
  const shadowed: Array<{ name: string; path: string }> = [];
  const seen = new Set<string>();
  for (const f of found) {
    const key = realPath(f.path) ?? f.path;
    if (!first.has(f.name)) first.set(f.name, f.path);
    else if (!seen.has(key)) shadowed.push(f);
    seen.add(key);
  }

  const specs = pythonSpecs(input);
  const specPaths = new Map<string, string | undefined>();
  for (const s of specs) specPaths.set(s.key, findExecutable(s.spec, input.env, input.cwd));

  // Ask each distinct file once.
  const jobs = new Map<string, string>();
  for (const [name, path] of first) jobs.set(path, name);
  for (const s of specs) {
    const path = specPaths.get(s.key);
    if (path && !jobs.has(path)) jobs.set(path, s.spec);
  }
  const answers = await mapLimit(
    [...jobs],
    PARALLEL,
    ([path, name]) => askInterpreter(name, path, input, tools, shared),
  );
  const byPath = new Map(answers.map((a) => [a.path, a]));

  const onPath = [...first].map(([name, path]) => ({ ...byPath.get(path)!, name }));
  const specResults: PythonSnapshot["specs"] = {};
  for (const s of specs) {
    const path = specPaths.get(s.key);
    const interpreter = path ? byPath.get(path) : undefined;
    specResults[s.key] = {
      spec: s.spec,
      found: path !== undefined,
      ...(interpreter ? { interpreter: { ...interpreter, name: s.spec } } : {}),
    };
  }

  const extraPathExists: Record<string, boolean> = {};
  const extra = input.agent.variables.find((v) =>
    v.variable.name === "CLEARML_AGENT_EXTRA_PYTHON_PATH"
  );
  if (extra?.status === "set" && typeof extra.value === "string") {
    for (const entry of extra.value.split(":")) {
      if (entry === "" || !isAbsolute(entry)) continue;
      extraPathExists[entry] = existsSync(entry);
    }
  }

  return {
    onPath,
    shadowed,
    specs: specResults,
    extraPathExists,
  };
}
