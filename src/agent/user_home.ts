/**
 * For CLEARML_AGENT_EXEC_USER the agent moves the venv (with the task's code inside it) to
 * `/clearml_agent_home/venv` and opens it to everyone (agent-exec §1 #17): the agent's own home
 * is usually closed to other users. Paths of the command under the venv follow it.
 */
import { cpSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { TaskLog } from "./task_log.ts";
import { spawnCaptured } from "./spawn_captured.ts";

export const USER_HOME = "/clearml_agent_home";

export function movePath(p: string, from: string, to: string): string {
  return p === from || p.startsWith(from + "/") ? to + p.slice(from.length) : p;
}

export async function relocateForUser(
  what: { argv: string[]; cwd: string; venvDir: string | null },
  log: TaskLog,
  home = USER_HOME,
): Promise<{ argv: string[]; cwd: string; movePaths: (value: string) => string }> {
  const from = what.venvDir;
  if (!from) return { argv: what.argv, cwd: what.cwd, movePaths: (v) => v };
  const to = `${home}/venv`;
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch {
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    rmSync(from, { recursive: true, force: true });
  }
  await spawnCaptured(["chmod", "-R", "a+rwX", home], log, { env: { PATH: "/usr/bin:/bin" } });
  log.write(`Moved the environment to ${to} for the execution user`);
  return {
    argv: what.argv.map((a) => movePath(a, from, to)),
    cwd: movePath(what.cwd, from, to),
    // PYTHONPATH and the like: every `:`-separated path under the venv follows it
    movePaths: (v) => v.split(":").map((p) => movePath(p, from, to)).join(":"),
  };
}
