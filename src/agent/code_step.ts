/**
 * The code step (agent-exec §5.5 steps 5-6, 11; §5.6): where the task's code comes from and
 * where it lands — a forced directory, a git clone (exact URL with credentials, checkout, diff),
 * or a literal script — plus the working directory and entry point. Pure.
 */
import { posix } from "node:path";
import type { CodeStep } from "./plan_types.ts";
import type { TaskDoc } from "./task.ts";
import type { SettingsView } from "./settings_view.ts";
import { cloneUrl } from "./git_url.ts";
import { expandUser } from "../settings/expand_user.ts";
import { truthy } from "../settings/read_variable.ts";

/** A task diff that is not a git diff is a literal script (agent's `is_literal_script`). */
export function isLiteralScript(diff: string | undefined): boolean {
  if (!diff) return false;
  const head = diff.trimStart().toLowerCase();
  if (head.startsWith("diff ")) return false;
  if (head.startsWith("submodule ")) {
    const second = diff.split(/\r?\n/)[1]?.trimStart().toLowerCase() ?? "";
    if (second.startsWith("diff ")) return false;
  }
  return true;
}

/** The folder git clones into: the last path component of the URL (`repo.git`). */
export function repoFolderName(url: string): string {
  const path = url.replace(/[?#].*$/, "").replace(/\/+$/, "");
  const name = path.split("/").pop() ?? "";
  return name.includes(":") ? name.split(":").pop()! : name;
}

export interface CodeInput {
  task: TaskDoc;
  view: SettingsView;
  home: string;
  /** Where code goes when cloned (`<venv>/task_repository`, `<venv>/code`). */
  venvFolder: string;
}

/** Entry point and working dir after the task's `entry:dir` form and the forced script. */
export function executionInfo(task: TaskDoc, view: SettingsView) {
  let entry = task.script.entry_point ?? "";
  let workingDir = task.script.working_dir ?? "";
  const messages: string[] = [];
  if (!entry) messages.push("notice: `script.entry_point` is empty");
  if (!workingDir) {
    const colon = entry.indexOf(":");
    if (colon >= 0) {
      workingDir = entry.slice(colon + 1);
      entry = entry.slice(0, colon);
    }
  }
  const forced = view.envText("CLEARML_AGENT_FORCE_EXEC_SCRIPT");
  if (forced) {
    const colon = forced.indexOf(":");
    entry = colon < 0 ? forced : forced.slice(colon + 1);
    workingDir = colon < 0 ? "." : forced.slice(0, colon);
    messages.push(`WARNING: Using forced script entry [${workingDir}:${entry}]`);
  }
  return { entry, workingDir, messages, forced: Boolean(forced) };
}

/** What every code step starts from: the fields of a clone (and the diff) empty until set. */
export function codeStepBase(repository: string | null) {
  return {
    kind: "code" as const,
    repository,
    cloneUrl: null,
    cloneUrlDisplay: null,
    credentials: null,
    rewrite: null,
    cloneArgv: null,
    vcsCacheDir: null,
    checkout: null,
    diff: null,
  } satisfies Partial<CodeStep>;
}

export function codeStep(input: CodeInput): CodeStep {
  const { task, view, home, venvFolder } = input;
  const info = executionInfo(task, view);
  const messages = [...info.messages];
  let { entry, workingDir } = info;
  const repository = (task.script.repository ?? "").trim() || null;
  const base = codeStepBase(repository);

  const forcedDir = view.envText("CLEARML_AGENT_FORCE_CODE_DIR");
  if (forcedDir) {
    const codeDir = posix.resolve(expandUser(forcedDir, home));
    const cwd = posix.resolve(codeDir, workingDir || ".");
    return {
      ...base,
      source: "force-dir",
      why: "CLEARML_AGENT_FORCE_CODE_DIR",
      codeDir,
      workingDir: workingDir || ".",
      cwd,
      entryPoint: entry,
      scriptPath: posix.resolve(cwd, entry),
      messages,
    };
  }

  const literal = isLiteralScript(task.script.diff);
  if (!repository) {
    const codeDir = posix.join(venvFolder, "code");
    if (!literal) {
      messages.push(
        "WARNING: running a task without repository or literal script in `script.diff`",
      );
      return {
        ...base,
        source: "none",
        why: "task script.repository and script.diff are empty",
        codeDir,
        workingDir: ".",
        cwd: codeDir,
        entryPoint: entry,
        scriptPath: posix.join(codeDir, entry),
        messages,
      };
    }
    // A literal script without a repository: written to <venv>/code/<file name of the entry>.
    const module = /^\s*-[mc]\s/.test(entry);
    const file = module
      ? /^\s*-c\s/.test(entry) ? "untitled.sh" : "untitled.py"
      : entry
      ? entry.split("/").pop()!
      : "untitled.py";
    if (workingDir && workingDir.trim() !== ".") {
      messages.push(
        `found task with \`script.working_dir\` (\`${workingDir}\`) but without \`script.repository\`, ignoring`,
      );
    }
    const scriptPath = posix.join(codeDir, file);
    return {
      ...base,
      source: "script",
      why: "task script.diff (literal script)",
      diff: task.script.diff ?? null,
      codeDir,
      workingDir: ".",
      cwd: codeDir,
      entryPoint: module ? entry : scriptPath,
      scriptPath,
      messages,
    };
  }

  const git = {
    user: view.text("agent.git_user") ?? null,
    pass: view.text("agent.git_pass") ?? null,
    host: view.text("agent.git_host") ?? null,
    forceSsh: view.bool("agent.force_git_ssh_protocol", false),
    forceSshUser: view.text("agent.force_git_ssh_user") ?? null,
    forceSshPort: view.text("agent.force_git_ssh_port") ?? null,
    translateSsh: view.bool("agent.translate_ssh", true),
  };
  const url = cloneUrl(repository, git);
  messages.push(...url.messages);
  const folder = repoFolderName(repository);
  const codeDir = posix.join(venvFolder, "task_repository", folder);
  let vcsCacheDir: string | null = null;
  if (view.bool("agent.vcs_cache.enabled", true)) {
    const cache = view.path("agent.vcs_cache.path", "~/.clearml/vcs-cache");
    if (cache) {
      // node:crypto on use: loading it costs the start of every command that goes through commander
      const { createHash } = process.getBuiltinModule("node:crypto");
      const hash = createHash("md5").update(repository).digest("hex");
      vcsCacheDir = posix.join(cache, `${folder}.${hash}`, folder);
    }
  }
  const verbose = truthy(view.value("CLEARML_AGENT_GIT_CLONE_VERBOSE"));
  const commit = task.script.version_num?.trim();
  const tag = task.script.tag?.trim();
  const branch = task.script.branch?.trim();
  const checkout: CodeStep["checkout"] = commit
    ? { kind: "commit", ref: commit }
    : tag
    ? { kind: "tag", ref: tag }
    : branch
    ? { kind: "branch", ref: branch }
    : { kind: "default", ref: null };
  if (literal) {
    // The repository is cloned and the literal script written into it as the entry point.
    workingDir = workingDir || ".";
  }
  workingDir = workingDir || ".";
  const cwd = posix.resolve(codeDir, workingDir);
  const scriptPath = posix.resolve(cwd, entry);
  return {
    ...base,
    source: "git",
    why: "task script.repository",
    cloneUrl: url.error ? null : url.url,
    cloneUrlDisplay: url.display,
    credentials: url.credentials,
    rewrite: url.rewrite,
    cloneArgv: [
      "git",
      "clone",
      url.display,
      codeDir,
      "--recursive",
      verbose ? "--verbose" : "--quiet",
    ],
    vcsCacheDir,
    checkout,
    diff: task.script.diff?.trim() && !literal ? task.script.diff : null,
    codeDir,
    workingDir,
    cwd,
    entryPoint: entry,
    scriptPath,
    messages: url.error ? [...messages, `Repository URL error: ${url.error}`] : messages,
  };
}
