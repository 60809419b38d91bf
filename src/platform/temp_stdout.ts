/**
 * Where a task's output goes (agent-exec §1 row 25, §5.9): the file
 * `<dir>/.clearml_agent_out.<8 chars>.txt`, `<dir>` being `CLEARML_AGENT_TEMP_STDOUT_FILE_DIR`
 * (text, stripped, no `~` expansion, relative to the working directory; it must exist: the agent
 * aborts with FileNotFoundError otherwise) or else the directory Python's `tempfile` picks
 * (`TMPDIR`, `TEMP`, `TMP`, `/tmp`, `/var/tmp`, `/usr/tmp`, the working directory: the first one a
 * file can be created in). The `<8 chars>` are tempfile's `[a-z0-9_]`. Also what doctor reports
 * about that directory (exists, writable, free space) and the clean-up of output files left by
 * runs that died before deleting theirs.
 */
import { closeSync, openSync, rmSync, statSync } from "node:fs";
import { open, readdir, rm, stat, statfs } from "node:fs/promises";
import { join, resolve } from "node:path";

export const TEMP_STDOUT_VARIABLE = "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR";
export const STDOUT_PREFIX = ".clearml_agent_out.";
export const STDOUT_SUFFIX = ".txt";
const STDOUT_NAME = /^\.clearml_agent_out\.[a-z0-9_]{8}\.txt$/;

type Env = Readonly<Record<string, string | undefined>>;

/** Absolute and normalised (`/tmp/` → `/tmp`), as Python's `os.path.abspath`. */
function absolute(path: string, cwd: string): string {
  return resolve(cwd, path);
}

/**
 * `tempfile.gettempdir()`'s candidates in order: `TMPDIR`, `TEMP`, `TMP` (when non-empty), then
 * `/tmp`, `/var/tmp`, `/usr/tmp`, then the working directory.
 */
export function tempDirCandidates(env: Env, cwd: string): Array<{ source: string; path: string }> {
  const out: Array<{ source: string; path: string }> = [];
  for (const name of ["TMPDIR", "TEMP", "TMP"]) {
    const value = env[name];
    if (value) out.push({ source: `env ${name}`, path: absolute(value, cwd) });
  }
  for (const path of ["/tmp", "/var/tmp", "/usr/tmp"]) out.push({ source: "default", path });
  out.push({ source: "working directory", path: cwd });
  return out;
}

/** The variable as the agent reads it (text, stripped; empty is unset), made absolute. */
export function tempStdoutSetting(
  env: Env,
  cwd: string,
): { raw: string; path: string } | undefined {
  const raw = env[TEMP_STDOUT_VARIABLE];
  const value = raw?.trim();
  if (!raw || !value) return undefined;
  return { raw, path: absolute(value, cwd) };
}

/**
 * The directory of the agent's temp files (task output, the docker run's config file), given the
 * temp dir this machine's tempfile picks: the variable when set, made absolute as `mkstemp`
 * returns its names (a relative path would make `docker -v` mount a named volume), else that dir.
 */
export function agentTempDir(env: Env, cwd: string, tempfileDir: string): string {
  return tempStdoutSetting(env, cwd)?.path ?? tempfileDir;
}

export interface TempStdoutDir {
  /** The directory the output file goes in. */
  dir: string;
  /** `CLEARML_AGENT_TEMP_STDOUT_FILE_DIR`, `env TMPDIR`, `default`, `working directory`. */
  source: string;
  /** Temp-dir candidates passed over, and why. */
  skipped: string[];
}

/**
 * The directory for task output, given a test for "a file can be created here". With the
 * variable set, it is used as it is (its absence is the caller's error to report); undefined
 * when no temp dir candidate is usable (Python: "No usable temporary directory found").
 */
export function chooseTempStdoutDir(
  env: Env,
  cwd: string,
  canCreateFile: (dir: string) => boolean,
): TempStdoutDir | undefined {
  const set = tempStdoutSetting(env, cwd);
  if (set) return { dir: set.path, source: TEMP_STDOUT_VARIABLE, skipped: [] };
  const skipped: string[] = [];
  for (const c of tempDirCandidates(env, cwd)) {
    if (canCreateFile(c.path)) return { dir: c.path, source: c.source, skipped };
    skipped.push(`${c.path} (${c.source})`);
  }
  return undefined;
}

/** The name of the file a writability test creates and removes at once (as tempfile does). */
function probeName(dir: string): string {
  return join(dir, `.clearml_probe_${randomTempName()}`);
}

/**
 * A directory this user can create a file in, found out the way Python's tempfile does: by
 * creating one and removing it (permission bits do not tell about read-only mounts, ACLs, quotas).
 */
export function canCreateFile(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    const path = probeName(dir);
    closeSync(openSync(path, "wx", 0o600));
    rmSync(path, { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The output file of the next task on this machine: the directory by the agent's rule, checked
 * on the real file system. Throws-free: `error` says why there is none (the variable names a
 * directory that is missing, or no temp dir is usable).
 */
export function tempStdoutFile(
  env: Env,
  cwd: string,
  random: string = randomTempName(),
): (TempStdoutDir & { path: string }) | { error: string } {
  const chosen = chooseTempStdoutDir(env, cwd, canCreateFile);
  if (!chosen) {
    return {
      error: "No usable temporary directory found (TMPDIR, TEMP, TMP, /tmp, /var/tmp, /usr/tmp, " +
        "the working directory): set CLEARML_AGENT_TEMP_STDOUT_FILE_DIR to a writable directory",
    };
  }
  if (chosen.source === TEMP_STDOUT_VARIABLE && !canCreateFile(chosen.dir)) {
    return {
      error: `${TEMP_STDOUT_VARIABLE}=${env[TEMP_STDOUT_VARIABLE]}: ${chosen.dir} is not a ` +
        "directory this user can write in (the agent stops with FileNotFoundError): create it " +
        "or point the variable elsewhere",
    };
  }
  return { ...chosen, path: stdoutFilePath(chosen.dir, random) };
}

/** `tempfile.gettempdir()`: the first candidate a file can be created in (this machine). */
export function tempfileDir(env: Env, cwd: string): string | undefined {
  return tempDirCandidates(env, cwd).find((c) => canCreateFile(c.path))?.path;
}

/** 8 characters of `[a-z0-9_]`, as Python's tempfile names. */
export function randomTempName(): string {
  const chars = "abcdefghijklmnopqrstuvwxyz0123456789_";
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return [...bytes].map((b) => chars[b % chars.length]).join("");
}

/** `<dir>/.clearml_agent_out.<random>.txt`. */
export function stdoutFilePath(dir: string, random: string = randomTempName()): string {
  return join(dir, `${STDOUT_PREFIX}${random}${STDOUT_SUFFIX}`);
}

/**
 * `<dir>/.clearml_agent_daemon_out<random>.txt`: the console file of a daemon started without
 * --foreground (clearml_agent/commands/worker.py:1853-1864, `safe_mkstemp(prefix=
 * ".clearml_agent_daemon_out", suffix=".txt")`: tempfile's 8 characters, no separator).
 */
export function daemonOutPath(dir: string, random: string = randomTempName()): string {
  return join(dir, `.clearml_agent_daemon_out${random}${STDOUT_SUFFIX}`);
}

export interface TempDirFacts {
  path: string;
  exists: boolean;
  isDir: boolean;
  /** This user may create files in it. */
  writable: boolean;
  /** Bytes free for this user; undefined when unknown. */
  freeBytes?: number;
  /** The error code when it cannot be used (`ENOENT`, `ENOTDIR`, `EACCES`). */
  error?: string;
}

function code(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : String(e);
}

/** Whether the directory exists, can take a file, and how much room it has. */
export async function tempDirFacts(path: string): Promise<TempDirFacts> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e: unknown) {
    return { path, exists: false, isDir: false, writable: false, error: code(e) };
  }
  if (!isDir) return { path, exists: true, isDir: false, writable: false, error: "ENOTDIR" };
  let writable = true;
  let error: string | undefined;
  try {
    const probe = probeName(path);
    await (await open(probe, "wx", 0o600)).close();
    await rm(probe, { force: true });
  } catch (e: unknown) {
    writable = false;
    error = code(e);
  }
  let freeBytes: number | undefined;
  try {
    const s = await statfs(path);
    freeBytes = Number(s.bavail) * Number(s.bsize);
  } catch {
    // unknown on this platform or file system
  }
  return {
    path,
    exists: true,
    isDir: true,
    writable,
    ...(freeBytes !== undefined ? { freeBytes } : {}),
    ...(error ? { error } : {}),
  };
}

export interface CleanupOptions {
  /** Only files not modified for this long (default 24 h: a running task keeps writing its own). */
  olderThanMs?: number;
  now?: number;
  /** List what would be removed without removing it. */
  dryRun?: boolean;
}

/**
 * Remove output files (`.clearml_agent_out.<8 chars>.txt`) that runs left behind: the agent
 * deletes its file after a task, so an old one belongs to a run that died. Other files in the
 * directory are never touched. Returns the paths removed (or that would be).
 */
export async function cleanStaleStdoutFiles(
  dir: string,
  o: CleanupOptions = {},
): Promise<{ removed: string[]; failed: Array<{ path: string; error: string }> }> {
  const limit = (o.now ?? Date.now()) - (o.olderThanMs ?? 24 * 3600_000);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { removed: [], failed: [] };
  }
  const removed: string[] = [];
  const failed: Array<{ path: string; error: string }> = [];
  for (const name of names.filter((n) => STDOUT_NAME.test(n)).sort()) {
    const path = join(dir, name);
    try {
      const s = await stat(path);
      if (!s.isFile() || s.mtimeMs > limit) continue;
      if (!o.dryRun) await rm(path);
      removed.push(path);
    } catch (e: unknown) {
      failed.push({ path, error: code(e) });
    }
  }
  return { removed, failed };
}
