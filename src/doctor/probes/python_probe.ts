/**
 * The python category's probe: every `python`, `python3` and `python3.X` on PATH, plus the
 * interpreters the settings name (`agent.python_binary`, a `CLEARML_AGENT_SKIP_PIP_VENV_INSTALL`
 * path), each asked once for its facts (version, prefixes, venv tooling) with a timeout; and
 * whether the entries of `CLEARML_AGENT_EXTRA_PYTHON_PATH` exist. Read-only.
 */
import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import type { DoctorInput, ProbeTools } from "../types.ts";
import type { PythonSnapshot } from "./python_snapshot.ts";
import { executablesMatching, findExecutable } from "./_find_executable.ts";
import { pythonSpecs } from "../python_select.ts";
import {
  askInterpreter,
  realPath,
  type SharedAnswers,
  startUsual,
  takeEarly,
} from "./python_ask.ts";

export { askInterpreter, prestartPython, type SharedAnswers } from "./python_ask.ts";

const PYTHON_NAME = /^python(?:3(?:\.\d+)?)?$/;
/** At most this many interpreters answer at once (pyenv shims are shell scripts). */
const PARALLEL = 6;

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
