/**
 * Asking one Python interpreter for its facts, each interpreter once however many names lead to
 * it; and starting the usual ones early for a plain `clearml doctor` (main.ts). Kept apart from
 * the probe so that what main.ts loads early shares no module with the fast commands.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import type { DoctorInput, ProbeTools } from "../types.ts";
import type { PyInterpreter } from "./python_snapshot.ts";
import { INTROSPECT_SCRIPT, parseIntrospection } from "../python_introspect.ts";
import { findExecutable } from "./_find_executable.ts";
import { shimTarget } from "./_pyenv.ts";
import { exec } from "../../platform/exec.ts";
import { DEFAULT_DOCTOR_TIMEOUT_S, stepTimeoutFor } from "../budget.ts";

function isPyenvShim(path: string): boolean {
  return /\/shims\/python[\d.]*$/.test(path) && /pyenv/.test(path);
}

export function realPath(path: string): string | undefined {
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
export interface AskedFrom {
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

/**
 * Start `python3` and `python` of PATH now: an interpreter takes far longer to answer than
 * the PATH scan, and the scan finds the same files first, whose answers are then shared.
 */
export function startUsual(at: AskedFrom, tools: ProbeTools, shared: SharedAnswers): void {
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
 * answer longest (with the default budget). The probe takes these answers when it asks from the
 * same environment and directory with the same step timeout, and asks again otherwise.
 */
export function prestartPython(at: AskedFrom): void {
  const stepTimeoutMs = stepTimeoutFor(DEFAULT_DOCTOR_TIMEOUT_S * 1000);
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
export function takeEarly(input: DoctorInput, tools: ProbeTools): SharedAnswers | undefined {
  const e = early;
  early = undefined;
  if (e === undefined || e.at.cwd !== input.cwd || e.stepTimeoutMs !== tools.stepTimeoutMs) {
    return undefined;
  }
  return sameEnv(e.at.env, input.env) ? e.shared : undefined;
}
