/**
 * The Python environment step's effects (agent-exec §5.7, §5.8): reuse a cached venv whose
 * name holds one of the task's requirement keys, else create the venv and run the pip installs,
 * then store it in the cache. pip runs without PYTHONPATH and with stdin from /dev/null.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { FailureError } from "../errors.ts";
import type { PipInstall, PythonEnvStep } from "./plan_types.ts";
import type { TaskLog } from "./task_log.ts";
import { spawnCaptured } from "./spawn_captured.ts";
import { withDirLock } from "./dir_lock.ts";
import { STAMP_FILE, stampVenv, venvHolds } from "./venv_stamp.ts";

export interface EnvRunOptions {
  env: Record<string, string>;
  signal?: AbortSignal;
  /** `agent.venvs_cache.max_entries` (default 10). */
  maxCacheEntries?: number;
}

/** Sub-folders kept out of a cached venv: the task's code lives there. */
const NOT_CACHED = ["task_repository", "code"];

/** The cache entry whose `.`-separated name holds one of `keys`, if any (agent-exec §5.7). */
export function findCacheEntry(names: readonly string[], keys: readonly string[]): string | null {
  const want = new Set(keys);
  for (const name of names) {
    if (name.startsWith("_temp.") || name.startsWith(".")) continue;
    if (name.split(".").some((part) => want.has(part))) return name;
  }
  return null;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function copyTree(from: string, to: string, log: TaskLog, env: Record<string, string>) {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  const r = await spawnCaptured(["cp", "-a", from, to], log, { env });
  if (r.code !== 0) throw new FailureError(`could not copy ${from} to ${to}`);
}

/** The requirements file an install reads (`-r FILE`), written from the plan's text. */
function writeRequirements(install: PipInstall): void {
  if (install.requirementsText === undefined) return;
  const i = install.argv.findIndex((a) => a === "-r" || a === "--requirement");
  const file = i >= 0 ? install.argv[i + 1] : undefined;
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, install.requirementsText);
}

function pipEnv(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  delete out.PYTHONPATH;
  return out;
}

async function run(argv: string[], log: TaskLog, opts: EnvRunOptions, what: string) {
  log.write(`Executing: ${JSON.stringify(argv)}`);
  const r = await spawnCaptured(argv, log, {
    env: pipEnv(opts.env),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (r.aborted) throw new FailureError(`${what} was interrupted`);
  if (r.startError) throw new FailureError(`${what}: ${argv[0]} could not start: ${r.startError}`);
  return r.code ?? 1;
}

/** Reuse a cached venv; true on a hit. */
async function restoreFromCache(step: PythonEnvStep, log: TaskLog, opts: EnvRunOptions) {
  const { dir, keys } = step.cache;
  if (!step.cache.enabled || !dir || !keys.length || !step.venvDir) return false;
  mkdirSync(dir, { recursive: true });
  return await withDirLock(join(dir, ".clearml.lock"), async () => {
    const entry = findCacheEntry(listDir(dir), keys);
    if (!entry) return false;
    const path = join(dir, entry);
    const now = new Date();
    utimesSync(path, now, now);
    if (venvHolds(step.venvDir!, entry)) {
      log.write(`::: Using Cached environment ${path} (already in place) :::`);
      return true;
    }
    await copyTree(path, step.venvDir!, log, opts.env);
    stampVenv(step.venvDir!, entry);
    log.write(`::: Using Cached environment ${path} :::`);
    return true;
  }, 30_000);
}

/** Keep the new venv (without the task's code) under the task's keys, pruning old entries. */
async function storeInCache(step: PythonEnvStep, log: TaskLog, opts: EnvRunOptions) {
  const { dir, keys } = step.cache;
  if (!step.cache.enabled || !dir || !keys.length || !step.venvDir) return;
  await withDirLock(join(dir, ".clearml.lock"), async () => {
    const names = listDir(dir);
    const existing = findCacheEntry(names, keys);
    if (existing) {
      const union = [...new Set([...existing.split("."), ...keys])].sort().join(".");
      if (union !== existing) renameSync(join(dir, existing), join(dir, union));
      // not stamped: this venv was built anew, the entry is another build
      return;
    }
    const max = opts.maxCacheEntries ?? 10;
    const entries = names.filter((n) => !n.startsWith(".") && !n.startsWith("_temp."))
      .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const old of entries.slice(Math.max(0, max - 1))) {
      rmSync(join(dir, old.n), { recursive: true, force: true });
    }
    const temp = join(dir, `_temp.${Date.now()}.${Math.random().toString(36).slice(2, 10)}`);
    await copyTree(step.venvDir!, temp, log, opts.env);
    for (const sub of [...NOT_CACHED, STAMP_FILE]) {
      rmSync(join(temp, sub), { recursive: true, force: true });
    }
    const entry = [...keys].sort().join(".");
    renameSync(temp, join(dir, entry));
    stampVenv(step.venvDir!, entry);
    log.write(`::: Python virtual environment cached as ${keys.join(".")} :::`);
  }, 30_000);
}

/**
 * Make the environment (agent-exec §5.5 step 10): a cached venv when one matches, else a new
 * one. The code is cloned into it afterwards. Returns whether the cache was used.
 */
export async function createPythonEnv(
  step: PythonEnvStep,
  log: TaskLog,
  opts: EnvRunOptions,
): Promise<{ cached: boolean }> {
  for (const m of step.messages) log.write(m);
  if (step.mode !== "venv" || !step.venvDir) return { cached: false };
  for (const sub of NOT_CACHED) rmSync(join(step.venvDir, sub), { recursive: true, force: true });
  if (await restoreFromCache(step, log, opts)) return { cached: true };
  if (!step.createArgv) return { cached: false };
  rmSync(step.venvDir, { recursive: true, force: true });
  mkdirSync(dirname(step.venvDir), { recursive: true });
  const code = await run(step.createArgv, log, opts, "creating the virtual environment");
  if (code !== 0 || !existsSync(step.taskPython)) {
    throw new FailureError(
      `creating the virtual environment failed (exit ${code}): ${step.createArgv.join(" ")} ` +
        `(interpreter from ${step.why})`,
    );
  }
  return { cached: false };
}

/**
 * Install the requirements (§5.8, after the code is in place: a repository's requirements.txt
 * may be read), then keep the venv in the cache. Throws FailureError naming the command.
 */
export async function installPythonEnv(
  step: PythonEnvStep,
  log: TaskLog,
  opts: EnvRunOptions,
): Promise<void> {
  if (step.mode === "skip") return;
  for (const install of step.installs) {
    if (install.ifExists && !existsSync(install.ifExists)) continue;
    writeRequirements(install);
    const code = await run(install.argv, log, opts, `pip install (${install.what})`);
    if (code === 0) continue;
    if (install.what === "pip" || install.what === "cython") {
      // the agent goes on when upgrading pip or installing Cython fails
      log.write(`Warning: ${install.what} install failed (exit ${code}), continuing`);
      continue;
    }
    throw new FailureError(
      `Could not install task requirements! (${install.what}, exit ${code}): ` +
        `${install.argv.join(" ")}`,
    );
  }
  if (step.mode === "venv") await storeInCache(step, log, opts);
}
