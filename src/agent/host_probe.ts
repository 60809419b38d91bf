/**
 * `gatherHostFacts()`: the facts `plan()` needs from this machine, gathered at the edge and
 * cheaply (the whole task → process path has a 150 ms budget): interpreters found on PATH with
 * versions read from their names and pyenv's files instead of running them, the temp dir as
 * Python's tempfile picks it, random names, paths that exist, and in docker mode the image's
 * libc and the builds of this binary (platform adapter).
 */
import { existsSync, realpathSync } from "node:fs";
import { arch as osArch, hostname, platform } from "node:os";
import { basename, dirname, join } from "node:path";
import type { DockerHostFacts, HostFacts, PythonFound } from "./plan_types.ts";
import { findExecutable } from "../platform/find_executable.ts";
import { randomTempName, tempfileDir } from "../platform/temp_stdout.ts";
import { shimTarget } from "../doctor/probes/_pyenv.ts";

/** The names the agent tries, newest first (agent-exec §5.7, the docker script's 3.20…3.5). */
export const PYTHON_NAMES: readonly string[] = [
  ...Array.from({ length: 16 }, (_, i) => `python3.${20 - i}`),
  "python3",
  "python",
];

const UNAME: Readonly<Record<string, string>> = {
  x64: "x86_64",
  arm64: "aarch64",
  arm: "armv7l",
  ia32: "i686",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/** Python's `tempfile.gettempdir()`: the platform's rule (src/platform/temp_stdout.ts). */
export function pythonTempDir(
  env: Readonly<Record<string, string>>,
  cwd: string = process.cwd(),
): string {
  return tempfileDir(env, cwd) ?? "/tmp";
}

/** 8 characters of `[a-z0-9_]`, as Python's tempfile names. */
export const randomName = randomTempName;

function versionOfName(path: string): string | null {
  const m = /^python(\d+\.\d+)$/.exec(basename(path));
  return m ? m[1]! : null;
}

/** One interpreter found by `name`, with its version, without running it when avoidable. */
export function findPython(
  name: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): PythonFound | null {
  const found = findExecutable(name, env, cwd);
  if (!found) return null;
  let path = found;
  let version: string | null = null;
  if (basename(dirname(found)) === "shims" && found.includes("pyenv")) {
    const t = shimTarget(found, env, cwd);
    if (t.kind === "inactive") return null; // the shim would fail: no active version has it
    if (t.kind === "binary") {
      path = t.path;
      version = t.version;
    }
  }
  let real = path;
  try {
    real = realpathSync(path);
  } catch { /* keep the path */ }
  version ??= versionOfName(real) ?? versionOfName(path) ?? versionOfName(name);
  if (!version) return null;
  return { command: name, path, version };
}

export interface HostProbeInput {
  env: Readonly<Record<string, string>>;
  home: string;
  cwd: string;
  /** Extra interpreter names or paths to look up (`agent.python_binary`, a task binary). */
  pythonNames?: readonly string[];
  /** Paths the plan asks about (`~/.ssh`, `~/.git-credentials`, a forced code dir…). */
  paths?: readonly string[];
  docker?: DockerHostFacts;
}

export function gatherHostFacts(input: HostProbeInput): HostFacts {
  const pythons: PythonFound[] = [];
  for (const name of [...PYTHON_NAMES, ...(input.pythonNames ?? [])]) {
    const p = findPython(name, input.env, input.cwd);
    if (p) pythons.push(p);
  }
  const wanted = [
    join(input.home, ".ssh"),
    join(input.home, ".git-credentials"),
    join(input.home, ".gitconfig"),
    ...(input.paths ?? []),
  ];
  return {
    hostname: hostname(),
    platform: platform(),
    arch: UNAME[osArch()] ?? osArch(),
    home: input.home,
    tmpdir: pythonTempDir(input.env),
    cwd: input.cwd,
    pid: process.pid,
    uid: process.getuid?.() ?? null,
    pythons,
    existing: wanted.filter((p) => existsSync(p)),
    random: { stdout: randomName(), config: randomName(), ssh: randomName() },
    ...(input.docker ? { docker: input.docker } : {}),
  };
}
