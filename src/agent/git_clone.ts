/**
 * The code step's effects (agent-exec §5.6): clone through the vcs cache, copy the mirror to the
 * task's code dir, check out commit, tag or branch, apply the task's uncommitted diff. Git runs
 * with GIT_TERMINAL_PROMPT=0, batch-mode ssh and stdin from /dev/null, as the agent runs it;
 * credentials reach git through a GIT_ASKPASS script reading them from git's environment, never
 * from its command line (the agent's `enable_git_ask_pass` on Linux).
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { FailureError } from "../errors.ts";
import type { CodeStep } from "./plan_types.ts";
import type { TaskLog } from "./task_log.ts";
import { spawnCaptured } from "./spawn_captured.ts";
import { withDirLock } from "./dir_lock.ts";

export interface GitRunOptions {
  /** The agent's environment; git's own variables are added to it. */
  env: Record<string, string>;
  tmpdir: string;
  signal?: AbortSignal;
}

/** The URL git is given, and the credentials handed over by GIT_ASKPASS (null: none). */
export function splitCredentials(
  url: string,
): { url: string; user: string | null; pass: string | null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, user: null, pass: null }; // scp-style `git@host:path`
  }
  if (!/^https?:$/.test(u.protocol) || (!u.username && !u.password)) {
    return { url, user: null, pass: null };
  }
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = "";
  u.password = "";
  return { url: u.toString(), user: user || null, pass: pass || null };
}

const ASKPASS = `#!/bin/sh
case "$1" in
  [Uu]*) printf '%s\\n' "$CLEARML_GIT_ASKPASS_USER" ;;
  *) printf '%s\\n' "$CLEARML_GIT_ASKPASS_PASS" ;;
esac
`;

/** The revisions to try, in order: commit, tag, origin/<branch>, else origin/master then main. */
export function checkoutCandidates(c: CodeStep["checkout"]): string[] {
  if (!c || c.kind === "default" || !c.ref) return ["origin/master", "origin/main"];
  if (c.kind === "branch") return [c.ref.startsWith("origin/") ? c.ref : `origin/${c.ref}`];
  return [c.ref];
}

class Git {
  private askpass: string | null = null;
  readonly env: Record<string, string>;
  constructor(
    private readonly log: TaskLog,
    private readonly opts: GitRunOptions,
    creds: { user: string | null; pass: string | null },
  ) {
    this.env = {
      ...opts.env,
      GIT_TERMINAL_PROMPT: opts.env.GIT_TERMINAL_PROMPT ?? "0",
      GIT_SSH_COMMAND: opts.env.GIT_SSH_COMMAND ?? "ssh -oBatchMode=yes",
    };
    if (creds.user !== null || creds.pass !== null) {
      const dir = join(opts.tmpdir, `clearml_git_${Math.random().toString(36).slice(2, 10)}`);
      mkdirSync(dir, { mode: 0o700 });
      this.askpass = join(dir, "askpass.sh");
      writeFileSync(this.askpass, ASKPASS, { mode: 0o700 });
      this.env.GIT_ASKPASS = this.askpass;
      this.env.CLEARML_GIT_ASKPASS_USER = creds.user ?? "";
      this.env.CLEARML_GIT_ASKPASS_PASS = creds.pass ?? "";
    }
  }

  /** Run git; the command is logged (it never holds a password). Returns the exit code. */
  async run(args: string[], cwd?: string, input?: string): Promise<number> {
    this.log.write(`Executing: ['git', ${args.map((a) => `'${a}'`).join(", ")}]`);
    const r = await spawnCaptured(["git", ...args], this.log, {
      env: this.env,
      ...(cwd ? { cwd } : {}),
      ...(input !== undefined ? { input } : {}),
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
    });
    if (r.startError) throw new FailureError(`git could not start: ${r.startError}`);
    if (r.aborted) throw new FailureError("git was interrupted");
    return r.code ?? 128;
  }

  dispose(): void {
    if (this.askpass) rmSync(dirname(this.askpass), { recursive: true, force: true });
  }
}

function cloneFlags(step: CodeStep): string[] {
  const verbose = step.cloneArgv?.includes("--verbose") ?? false;
  return ["--recursive", verbose ? "--verbose" : "--quiet"];
}

/** Clone into (or refresh) the cache mirror; false when it cannot be used. */
async function refreshMirror(git: Git, url: string, mirror: string, step: CodeStep) {
  if (existsSync(join(mirror, ".git"))) {
    if (await git.run(["fetch", "--all", "--tags", "--recurse-submodules"], mirror) === 0) {
      return true;
    }
    // clone_on_pull_fail: start the mirror over
    rmSync(mirror, { recursive: true, force: true });
  }
  mkdirSync(dirname(mirror), { recursive: true });
  return await git.run(["clone", url, mirror, ...cloneFlags(step)]) === 0;
}

/** Prepare the task's code as the code step says; throws FailureError naming what failed. */
export async function prepareCode(step: CodeStep, log: TaskLog, opts: GitRunOptions) {
  if (step.source === "force-dir") {
    if (!existsSync(step.codeDir) || !statSync(step.codeDir).isDirectory()) {
      throw new FailureError(
        `CLEARML_AGENT_FORCE_CODE_DIR=${step.codeDir}: no such directory (expected the task's ` +
          `code directory)`,
      );
    }
    log.write(`Using forced code directory ${step.codeDir} (CLEARML_AGENT_FORCE_CODE_DIR)`);
    return;
  }
  if (step.source === "script" || step.source === "none") {
    mkdirSync(dirname(step.scriptPath), { recursive: true });
    if (step.source === "script") writeFileSync(step.scriptPath, step.diff ?? "");
    return;
  }
  if (!step.cloneUrl) throw new FailureError("task script.repository is empty: nothing to clone");
  const creds = splitCredentials(step.cloneUrl);
  const git = new Git(log, opts, creds);
  try {
    rmSync(step.codeDir, { recursive: true, force: true });
    mkdirSync(dirname(step.codeDir), { recursive: true });
    log.write(`Using repository ${step.cloneUrlDisplay ?? step.repository}`);
    let cloned = false;
    if (step.vcsCacheDir) {
      const mirror = step.vcsCacheDir;
      mkdirSync(dirname(dirname(mirror)), { recursive: true });
      cloned = await withDirLock(`${dirname(mirror)}.lock`, async () => {
        if (!await refreshMirror(git, creds.url, mirror, step)) return false;
        const cp = await spawnCaptured(["cp", "-a", mirror, step.codeDir], log, {
          env: git.env,
        });
        return cp.code === 0;
      });
    }
    if (!cloned && await git.run(["clone", creds.url, step.codeDir, ...cloneFlags(step)]) !== 0) {
      throw new FailureError(
        `Repository cloning failed: git clone ${step.cloneUrlDisplay ?? step.repository} ` +
          `(task script.repository; credentials from CLEARML_AGENT_GIT_USER/_PASS or agent.git_user/git_pass)`,
      );
    }
    let checkedOut = false;
    const tried = checkoutCandidates(step.checkout);
    for (const rev of tried) {
      if (await git.run(["checkout", rev, "--force"], step.codeDir) === 0) {
        checkedOut = true;
        break;
      }
    }
    if (!checkedOut) {
      throw new FailureError(
        `Repository cloning failed: could not check out ${tried.join(" or ")} ` +
          `(task script.version_num / script.tag / script.branch)`,
      );
    }
    await git.run(["submodule", "update", "--init", "--recursive"], step.codeDir);
    if (step.diff && step.diff.trim()) {
      log.write("Applying uncommitted changes");
      const code = await git.run(
        ["apply", "--unidiff-zero", "-"],
        step.codeDir,
        step.diff.endsWith("\n") ? step.diff : step.diff + "\n",
      );
      if (code !== 0) {
        throw new FailureError("Failed applying git diff (task script.diff): see the log above");
      }
    }
  } finally {
    git.dispose();
  }
}
