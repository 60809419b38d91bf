/** A real bare repository with a few commits, a tag and a branch, built with git. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" }).trim();
}

export interface TestRepo {
  bare: string;
  work: string;
  /** Commit ids by label. */
  commits: Record<"first" | "second" | "feature", string>;
}

/** `main`: first (v1 tag), second; `feature`: a commit on top of first. */
export function makeRepo(dir: string, name = "repo.git"): TestRepo {
  const bare = join(dir, name);
  const work = join(dir, "work");
  mkdirSync(work, { recursive: true });
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  git(work, "init", "-q", "-b", "main");
  writeFileSync(join(work, "train.py"), 'print("version one")\n');
  git(work, "add", ".");
  git(work, "commit", "-qm", "first");
  const first = git(work, "rev-parse", "HEAD");
  git(work, "tag", "v1");
  writeFileSync(join(work, "train.py"), 'print("version two")\n');
  git(work, "commit", "-qam", "second");
  const second = git(work, "rev-parse", "HEAD");
  git(work, "checkout", "-q", "-b", "feature", first);
  writeFileSync(join(work, "train.py"), 'print("feature")\n');
  git(work, "commit", "-qam", "feature");
  const feature = git(work, "rev-parse", "HEAD");
  git(work, "checkout", "-q", "main");
  git(work, "remote", "add", "origin", bare);
  git(work, "push", "-q", "origin", "main", "feature", "v1");
  git(bare, "update-server-info");
  return { bare, work, commits: { first, second, feature } };
}
