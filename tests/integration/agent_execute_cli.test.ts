/**
 * `clearml agent execute` and `agent build` end to end, from source under the current runtime:
 * a task from a real bare repository with a requirement from a local wheel directory (pip never
 * reaches an index), its output echoed and in the temp stdout file, exit codes, SIGTERM, and
 * the bad inputs that must fail the task with a message naming their source. Runs when
 * CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { cliArgv, type Collected, spawnCollected } from "../_helpers/cli.ts";
import { git, makeRepo, type TestRepo } from "../agent/run/_git_repo.ts";
import { makeWheel } from "../agent/run/_wheel.ts";
import { allowSlowTests } from "../agent/run/_slow.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

await allowSlowTests();

/** The CLI from source under this runtime, with exactly `env`; `out()` is its stdout so far. */
function cli(
  args: string[],
  env: Record<string, string>,
  onStart?: (pid: number, out: () => string) => void,
): Promise<Collected> {
  return spawnCollected(process.execPath, cliArgv(args), env, onStart);
}

const logOf = (r: Collected) => {
  const m = /\(log: (\S+)\)\n?$/.exec(r.stderr.trim());
  return m && existsSync(m[1]!) ? readFileSync(m[1]!, "utf8") : "";
};

describe("clearml agent execute / build", () => {
  if (!realPartsEnabled("git, python3-venv")) return;
  let dir: string;
  let repo: TestRepo;
  let env: Record<string, string>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "agent-cli-"));
    repo = makeRepo(dir);
    // a task that prints, writes a marker, and exits with its first argument's code
    writeFileSync(
      join(repo.work, "train.py"),
      "import os, sys, tinypkg, time\nprint('train says', tinypkg.VALUE, flush=True)\n" +
        "print('train warns', file=sys.stderr, flush=True)\n" +
        "open(os.environ['MARKER'], 'w').write('ran')\n" +
        "if os.environ.get('SLEEP'): print('sleeping', os.getpid(), flush=True); time.sleep(60)\n" +
        "sys.exit(int(os.environ.get('EXIT_CODE', '0')))\n",
    );
    git(repo.work, "commit", "-qam", "train");
    git(repo.work, "push", "-q", "origin", "main");
    const wheels = join(dir, "wheels");
    makeWheel(wheels, "tinypkg", "1.0", "from-the-wheel");
    const home = join(dir, "home");
    mkdirSync(home);
    env = {
      PATH: "/usr/bin:/bin",
      HOME: home,
      TMPDIR: dir,
      PIP_NO_INDEX: "1",
      PIP_FIND_LINKS: wheels,
      NO_COLOR: "1",
      // the task's Environment hyper-parameters reach it (MARKER, EXIT_CODE, SLEEP)
      CLEARML_AGENT__AGENT__ENABLE_TASK_ENV: "true",
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function task(name: string, hyper: Record<string, string> = {}): string {
    const path = join(dir, `${name}.json`);
    const Environment: Record<string, { value: string }> = {};
    for (const [k, v] of Object.entries({ MARKER: join(dir, `${name}.marker`), ...hyper })) {
      Environment[k] = { value: v };
    }
    writeFileSync(
      path,
      JSON.stringify({
        id: `t-${name}`,
        name,
        script: {
          repository: repo.bare,
          branch: "main",
          entry_point: "train.py",
          binary: "python3",
          requirements: { pip: "tinypkg==1.0\n" },
        },
        hyperparams: { Environment },
      }),
    );
    return path;
  }

  it("runs a task from a repository with its requirement; exit 0, output echoed and kept", async () => {
    const r = await cli(["agent", "execute", "--task-file", task("ok")], env);
    const log = logOf(r);
    assert.equal(r.code, 0, r.stderr + log);
    assert.ok(r.stdout.includes("train says from-the-wheel"), r.stdout);
    assert.ok(r.stderr.includes("train warns"), r.stderr);
    assert.ok(log.includes("train says from-the-wheel\n") && log.includes("train warns\n"), log);
    assert.match(
      r.stderr,
      /clearml: task t-ok completed \(log: .*\.clearml_agent_out\.[a-z0-9_]{8}\.txt\)/,
    );
    assert.ok(existsSync(join(dir, "ok.marker")));
  });

  it("a task exiting 2 fails: exit 1 and the agent's reason", async () => {
    const r = await cli(["agent", "execute", "--task-file", task("fail", { EXIT_CODE: "2" })], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /task t-fail failed: worker execution exit code 2/);
  });

  it("SIGTERM stops the task and ends its process tree", async () => {
    let pid = 0;
    let out = () => "";
    const running = cli(
      ["agent", "execute", "--task-file", task("term", { SLEEP: "1" })],
      env,
      (p, o) => {
        pid = p;
        out = o;
      },
    );
    const t0 = Date.now();
    // the whole line: `python -u` writes each piece of a print() on its own ("sleeping", " ",
    // the pid, "\n"), so "sleeping" alone may arrive before the pid
    let started: RegExpExecArray | null;
    while (!(started = /sleeping (\d+)\n/.exec(out()))) {
      assert.ok(Date.now() - t0 < 120_000, "the task did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
    const taskPid = Number(started[1]);
    assert.ok(existsSync(`/proc/${taskPid}`));
    process.kill(pid, "SIGTERM");
    const r = await running;
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!existsSync(`/proc/${taskPid}`), `the task process ${taskPid} is still there`);
    assert.match(r.stderr, /task t-term stopped: user abort/);
    assert.ok(logOf(r).includes("Process terminated by user"), logOf(r));
  });

  it("an unknown exec user fails the task, naming CLEARML_AGENT_EXEC_USER", async () => {
    const r = await cli(["agent", "execute", "--task-file", task("user")], {
      ...env,
      CLEARML_AGENT_EXEC_USER: "no-such-user-here",
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /task t-user failed: CLEARML_AGENT_EXEC_USER=no-such-user-here: no such user/,
    );
    assert.ok(!existsSync(join(dir, "user.marker")), "the task did not run");
  });

  it("a nonexistent temp stdout dir fails the task, naming CLEARML_AGENT_TEMP_STDOUT_FILE_DIR", async () => {
    const missing = join(dir, "no-such-dir");
    const r = await cli(["agent", "execute", "--task-file", task("tmp")], {
      ...env,
      CLEARML_AGENT_TEMP_STDOUT_FILE_DIR: missing,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(
      r.stderr.includes(`failed: CLEARML_AGENT_TEMP_STDOUT_FILE_DIR=${missing}: no such directory`),
      r.stderr,
    );
  });

  it("a missing forced code dir fails the task, naming CLEARML_AGENT_FORCE_CODE_DIR", async () => {
    const missing = join(dir, "no-code-here");
    const r = await cli(["agent", "execute", "--task-file", task("force")], {
      ...env,
      CLEARML_AGENT_FORCE_CODE_DIR: missing,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(
      r.stderr.includes(`CLEARML_AGENT_FORCE_CODE_DIR=${missing}: no such directory`),
      r.stderr,
    );
  });

  it("a malformed task document is an error naming the file and line (exit 3)", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "id: x\nscript: [unclosed\n");
    const r = await cli(["agent", "execute", "--task-file", bad], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /bad\.yaml:\d+:\d+: malformed YAML task document/);
    assert.ok(!r.stderr.includes("    at "), "no stack trace: " + r.stderr);
  });

  it("agent build prepares the venv and the code in --target and runs nothing", async () => {
    const target = join(dir, "built");
    const r = await cli(["agent", "build", "--task-file", task("build"), "--target", target], env);
    assert.equal(r.code, 0, r.stderr + logOf(r));
    assert.ok(existsSync(join(target, "bin", "python")), "a venv in the target");
    assert.ok(existsSync(join(target, "task_repository", "repo.git", "train.py")), "the code");
    assert.ok(!existsSync(join(dir, "build.marker")), "the task did not run");
    assert.match(r.stderr, /clearml: build t-build completed/);
  });
});
