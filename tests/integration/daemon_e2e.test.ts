/**
 * End to end on this machine, every part a real process: `clearml serve`, `clearml task create`
 * (a git repository with a script), `clearml agent daemon` → the task runs (clone, system
 * Python), is reported completed, its log is readable with `clearml task log`, and the worker is
 * registered while the daemon runs and gone after SIGTERM; a script that exits 3 is failed.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAIN, ROOT, runCli } from "../_helpers/cli.ts";
import { git } from "../agent/run/_git_repo.ts";
import { scriptArgv, type Serve, SKIP, startServe, tempDir, waitFor } from "./daemon_helpers.ts";

if (SKIP) it(`skips the end-to-end daemon test: ${SKIP}`, { skip: SKIP }, () => {});

function makeScriptsRepo(dir: string): string {
  const bare = join(dir, "scripts.git");
  const work = join(dir, "work");
  mkdirSync(work, { recursive: true });
  git(dir, "init", "-q", "--bare", "-b", "main", bare);
  git(work, "init", "-q", "-b", "main");
  writeFileSync(join(work, "ok.py"), 'print("hello from e2e")\n');
  writeFileSync(join(work, "fail.py"), 'import sys\nprint("about to fail")\nsys.exit(3)\n');
  git(work, "add", ".");
  git(work, "commit", "-qm", "scripts");
  git(work, "remote", "add", "origin", bare);
  git(work, "push", "-q", "origin", "main");
  return bare;
}

describe("serve + task create + agent daemon, end to end", { skip: SKIP }, () => {
  let serve: Serve;
  let dir: string;
  let env: Record<string, string>;
  let daemon: ChildProcess | undefined;
  let daemonErr = "";
  const cli = (args: string[]) => runCli(args, { env });
  before(async () => {
    serve = await startServe();
    dir = tempDir();
    mkdirSync(join(dir, "tmp"));
    env = {
      ...serve.env,
      HOME: dir,
      TMPDIR: join(dir, "tmp"),
      // The task runs on the system Python: no venv, no pip (agent-exec §5.5 step 10).
      CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1",
      CLEARML_WORKER_NAME: "e2e-host",
    };
  }, { timeout: 60_000 });
  after(async () => {
    if (daemon && daemon.exitCode === null) daemon.kill("SIGKILL");
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "runs a created task to completed and a failing one to failed",
    { timeout: 180_000 },
    async () => {
      const repo = makeScriptsRepo(dir);
      const create = (name: string, script: string) => {
        const r = cli([
          "task",
          "create",
          "--name",
          name,
          "--repo",
          repo,
          "--branch",
          "main",
          "--script",
          script,
          "--queue",
          "default",
        ]);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout.trim();
      };
      const ok = create("e2e-ok", "ok.py");
      const bad = create("e2e-fail", "fail.py");

      const [cmd, argv] = scriptArgv(MAIN, [
        "agent",
        "daemon",
        "--queue",
        "default",
        "--foreground",
        "--cpu-only",
      ]);
      daemon = spawn(cmd, argv, {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      daemon.stdout!.resume();
      daemon.stderr!.on("data", (c: Buffer) => (daemonErr += c.toString()));
      const exited = new Promise<number | null>((r) => daemon!.once("exit", (c) => r(c)));

      const status = (id: string) => JSON.parse(cli(["task", "show", id, "--json"]).stdout).task;
      const workers = () =>
        (JSON.parse(cli(["agent", "list", "--json"]).stdout).workers as Array<{ id: string }>)
          .map((w) => w.id);
      await waitFor(
        "the worker to register",
        () => workers().includes("e2e-host:cpu:0") || undefined,
        60_000,
      );
      const done = (id: string) =>
        waitFor(`task ${id} to end (daemon: ${daemonErr.slice(-2000)})`, () => {
          const t = status(id);
          return ["completed", "failed", "stopped"].includes(t.status) ? t : undefined;
        }, 120_000);
      const tOk = await done(ok);
      const tBad = await done(bad);
      daemon.kill("SIGTERM");
      const code = await exited;
      // Deno's node:child_process reports the signal it sent instead of the exit status
      // (toolchain §5.2); the clean end shows below: the worker is unregistered.
      if (!("Deno" in globalThis)) assert.equal(code, 0, daemonErr);
      assert.match(daemonErr, /Received stop signal/);

      assert.equal(tOk.status, "completed", daemonErr);
      assert.equal(tOk.status_message, "Changed by clearml-agent e2e-host:cpu:0");
      const logOk = cli(["task", "log", ok]);
      assert.equal(logOk.code, 0, logOk.stderr);
      assert.match(logOk.stdout, /pulled from .* by worker e2e-host:cpu:0/);
      assert.match(logOk.stdout, /hello from e2e/);

      assert.equal(tBad.status, "failed");
      assert.equal(tBad.status_reason, "worker execution exit code 3");
      assert.match(cli(["task", "log", bad]).stdout, /about to fail/);

      assert.ok(!workers().includes("e2e-host:cpu:0"), "unregistered after SIGTERM");
    },
  );

  it("agent execute --id runs a queued task, ships its log and reports it", {
    timeout: 180_000,
  }, () => {
    const repo = makeScriptsRepo(join(dir, "second"));
    const created = cli([
      "task",
      "create",
      "--name",
      "exec-by-id",
      "--repo",
      repo,
      "--branch",
      "main",
      "--script",
      "ok.py",
      "--queue",
      "default",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    const r = cli(["agent", "execute", "--id", id, "--cpu-only"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello from e2e/);
    const t = JSON.parse(cli(["task", "show", id, "--json"]).stdout).task;
    assert.equal(t.status, "completed");
    assert.match(cli(["task", "log", id]).stdout, /hello from e2e/);
    const missing = cli(["agent", "execute", "--id", "0123456789abcdef0123456789abcdef"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Could not find task id=0123456789abcdef0123456789abcdef/);
  });
});
