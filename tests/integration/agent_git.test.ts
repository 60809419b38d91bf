/**
 * The runner's code step against real git: a local bare repository (branch, tag, commit, diff,
 * vcs cache) and a smart-HTTP server with basic auth (credentials through GIT_ASKPASS, never on
 * the command line or in the log). Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { runTask } from "../../src/agent/run.ts";
import type { CodeStep } from "../../src/agent/plan_types.ts";
import {
  codeStep,
  commandStep,
  host,
  localPlan,
  memorySink,
  PY,
  settings,
} from "../agent/run/_plan.ts";
import { git, makeRepo, type TestRepo } from "../agent/run/_git_repo.ts";
import { type GitServer, startGitServer } from "../agent/run/_git_server.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

describe("runTask() code step with real git", () => {
  if (!realPartsEnabled("git")) return;
  let dir: string;
  let repo: TestRepo;
  let server: GitServer;
  const PASS = "s3cr:et@pw";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "agent-git-"));
    repo = makeRepo(dir);
    server = await startGitServer(dir, "alice", PASS);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runCode(over: Partial<CodeStep>, name: string) {
    const codeDir = join(dir, "runs", name, "task_repository", "repo.git");
    const step = codeStep({
      repository: repo.bare,
      cloneUrl: repo.bare,
      cloneUrlDisplay: repo.bare,
      cloneArgv: ["git", "clone", repo.bare, codeDir, "--recursive", "--quiet"],
      codeDir,
      cwd: codeDir,
      ...over,
    });
    const sink = memorySink();
    const plan = localPlan([step, commandStep([PY, "-u", "train.py"], step.codeDir)], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink });
    return { o, sink, log: readFileSync(o.stdoutFile, "utf8"), codeDir: step.codeDir };
  }

  it("checks out a branch (origin/<branch>)", async () => {
    const r = await runCode({ checkout: { kind: "branch", ref: "feature" } }, "branch");
    assert.equal(r.o.status, "completed", r.log);
    assert.ok(r.sink.lines.some(([t]) => t === "feature"), r.log);
  });

  it("checks out a tag, and a commit beats the branch", async () => {
    const t = await runCode({ checkout: { kind: "tag", ref: "v1" } }, "tag");
    assert.ok(t.log.includes("\nversion one\n"), t.log);
    const c = await runCode({ checkout: { kind: "commit", ref: repo.commits.second } }, "commit");
    assert.ok(c.log.includes("\nversion two\n"), c.log);
    assert.equal(git(c.codeDir, "rev-parse", "HEAD"), repo.commits.second);
  });

  it("without a branch checks out origin/master, then origin/main", async () => {
    const r = await runCode({ checkout: { kind: "default", ref: null } }, "default");
    assert.equal(r.o.status, "completed", r.log);
    assert.ok(r.log.includes("\nversion two\n"), r.log);
  });

  it("applies the task's uncommitted diff", async () => {
    const diff = [
      "diff --git a/train.py b/train.py",
      "--- a/train.py",
      "+++ b/train.py",
      "@@ -1 +1 @@",
      '-print("version two")',
      '+print("patched by the diff")',
      "",
    ].join("\n");
    const r = await runCode({ checkout: { kind: "branch", ref: "main" }, diff }, "diff");
    assert.equal(r.o.status, "completed", r.log);
    assert.ok(r.log.includes("\npatched by the diff\n"), r.log);
  });

  it("a diff that does not apply fails the task, naming script.diff", async () => {
    const diff =
      "diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-x\n+y\n";
    const r = await runCode({ checkout: { kind: "branch", ref: "main" }, diff }, "baddiff");
    assert.equal(r.o.status, "failed");
    assert.match(r.o.reason!, /Failed applying git diff \(task script\.diff\)/);
  });

  it("a missing commit fails with the revisions tried", async () => {
    const r = await runCode({ checkout: { kind: "commit", ref: "0".repeat(40) } }, "nocommit");
    assert.equal(r.o.status, "failed");
    assert.match(r.o.reason!, /could not check out 0{40}/);
  });

  it("clones once into the vcs cache, then fetches new commits into it", async () => {
    const cache = join(dir, "vcs-cache", "repo.git.abc", "repo.git");
    const a = await runCode(
      { vcsCacheDir: cache, checkout: { kind: "branch", ref: "main" } },
      "c1",
    );
    assert.equal(a.o.status, "completed", a.log);
    assert.ok(existsSync(join(cache, ".git")), "the mirror was made");
    assert.ok(a.log.includes("'clone'"), a.log);
    // a new commit on main reaches the task through the mirror's fetch
    writeFileSync(join(repo.work, "train.py"), 'print("version three")\n');
    git(repo.work, "commit", "-qam", "third");
    git(repo.work, "push", "-q", "origin", "main");
    const b = await runCode(
      { vcsCacheDir: cache, checkout: { kind: "branch", ref: "main" } },
      "c2",
    );
    assert.equal(b.o.status, "completed", b.log);
    assert.ok(!b.log.includes("'clone'"), "second run reuses the mirror: " + b.log);
    assert.ok(b.log.includes("'fetch'"), b.log);
    assert.ok(b.log.includes("\nversion three\n"), b.log);
    git(repo.work, "reset", "-q", "--hard", repo.commits.second);
    git(repo.work, "push", "-q", "-f", "origin", "main");
  });

  it("a forced code dir that does not exist fails, naming CLEARML_AGENT_FORCE_CODE_DIR", async () => {
    const r = await runCode({ source: "force-dir", codeDir: join(dir, "nowhere") }, "force");
    assert.equal(r.o.status, "failed");
    assert.match(r.o.reason!, /^CLEARML_AGENT_FORCE_CODE_DIR=.*nowhere: no such directory/);
  });

  it("clones over HTTP with basic auth; the password is in no argv and no log", async () => {
    const url = `${server.url}/repo.git`;
    const withCreds = `http://alice:${encodeURIComponent(PASS)}@${url.slice(7)}`;
    const r = await runCode({
      repository: url,
      cloneUrl: withCreds,
      cloneUrlDisplay: `http://alice:********@${url.slice(7)}`,
      checkout: { kind: "branch", ref: "main" },
    }, "http");
    assert.equal(r.o.status, "completed", r.log);
    assert.ok(r.log.includes("\nversion two\n"), r.log);
    assert.ok(!r.log.includes(PASS) && !r.log.includes(encodeURIComponent(PASS)), r.log);
    const expected = "Basic " + Buffer.from(`alice:${PASS}`).toString("base64");
    assert.ok(server.authSeen.includes(expected), "git authenticated with the configured pair");
    // the clone's remote URL holds no credentials either
    assert.equal(git(r.codeDir, "remote", "get-url", "origin"), url);
  });

  it("a wrong password fails the clone (no prompt hangs) and is not logged", async () => {
    const url = `${server.url}/repo.git`;
    const r = await runCode({
      repository: url,
      cloneUrl: `http://alice:wrong-pw@${url.slice(7)}`,
      cloneUrlDisplay: `http://alice:********@${url.slice(7)}`,
      checkout: { kind: "branch", ref: "main" },
    }, "http-bad");
    assert.equal(r.o.status, "failed");
    assert.match(r.o.reason!, /^Repository cloning failed: git clone http:\/\/alice:\*{8}@/);
    assert.ok(!r.log.includes("wrong-pw"), r.log);
  });
});
