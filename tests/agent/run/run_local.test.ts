import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { runTask } from "../../../src/agent/run.ts";
import type { Plan } from "../../../src/agent/plan_types.ts";
import {
  childEnvStep,
  commandStep,
  host,
  localPlan,
  memorySink,
  PY,
  pythonEnvStep,
  settings,
} from "./_plan.ts";

function workDir(): string {
  return mkdtempSync(join(tmpdir(), "run-local-"));
}

const TASK = `
import os, sys
print("out one", flush=True)
print("err one", file=sys.stderr, flush=True)
print("env", os.environ.get("CLEARML_TASK_ID"), os.getcwd(), flush=True)
sys.stdout.write("partial")
sys.exit(int(sys.argv[1]))
`;

/** Run `plan`, abort with `sig` once the task log has the line `when`; the outcome and the time. */
async function abortOnLine(plan: Plan, when: string, sig: NodeJS.Signals) {
  const sink = memorySink();
  const ac = new AbortController();
  const t0 = Date.now();
  const running = runTask({
    plan,
    settings: settings(),
    host: host(),
    sink,
    signal: ac.signal,
    graceMs: 500,
  });
  while (!sink.lines.some(([t]) => t === when)) {
    assert.ok(Date.now() - t0 < 10_000, `no line "${when}" in the task log`);
    await new Promise((r) => setTimeout(r, 20));
  }
  ac.abort(sig);
  const o = await running;
  return { o, ms: Date.now() - t0 };
}

describe("runTask() runs a local task", () => {
  it("captures stdout and stderr to the stdout file and the sink, exit 0 → completed", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "task.py"), TASK);
    const sink = memorySink();
    const plan = localPlan([
      childEnvStep({ CLEARML_TASK_ID: "t1" }),
      commandStep([PY, "-u", "task.py", "0"], dir),
    ], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink });
    assert.equal(o.status, "completed");
    assert.equal(o.exitCode, 0);
    const file = readFileSync(o.stdoutFile, "utf8");
    for (const l of ["out one\n", "err one\n", `env t1 ${dir}\n`]) {
      assert.ok(file.includes(l), file);
    }
    assert.ok(file.includes("partial"), file);
    const texts = sink.lines.map(([t]) => t);
    assert.ok(sink.lines.some(([t, s]) => t === "err one" && s === "stderr"), texts.join("|"));
    assert.ok(sink.lines.some(([t, s]) => t === "out one" && s === "stdout"));
    assert.ok(texts.includes("partial"), "a trailing partial line is still a line");
    assert.ok(texts.includes("Process completed successfully"));
    assert.ok(sink.flushed >= 1);
    rmSync(dir, { recursive: true });
  });

  it("exit 1 → failed with the agent's reason", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "task.py"), TASK);
    const sink = memorySink();
    const plan = localPlan([commandStep([PY, "-u", "task.py", "1"], dir)], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink });
    assert.equal(o.status, "failed");
    assert.equal(o.exitCode, 1);
    assert.equal(o.reason, "worker execution exit code 1");
    rmSync(dir, { recursive: true });
  });

  it("exit 254 (the agent's −2) → stopped", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "task.py"), TASK);
    const plan = localPlan([commandStep([PY, "-u", "task.py", "254"], dir)], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    assert.equal(o.status, "stopped");
    assert.equal(o.exitCode, 254);
  });

  it("an abort forwards the signal, ends the whole tree and keeps the output", async () => {
    const dir = workDir();
    const pidFile = join(dir, "grandchild.pid");
    writeFileSync(
      join(dir, "task.py"),
      `
import subprocess, sys, time
p = subprocess.Popen(["sleep", "60"], start_new_session=True)
open(${JSON.stringify(pidFile)}, "w").write(str(p.pid))
print("started", flush=True)
time.sleep(60)
`,
    );
    const plan = localPlan([commandStep([PY, "-u", "task.py"], dir)], dir);
    const { o, ms } = await abortOnLine(plan, "started", "SIGINT");
    assert.equal(o.status, "stopped");
    assert.equal(o.reason, "user abort");
    assert.ok(ms < 10_000);
    const gpid = Number(readFileSync(pidFile, "utf8"));
    // the grandchild left the group (new session) and is still ended
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      !existsSync(`/proc/${gpid}`) || readFileSync(`/proc/${gpid}/stat`, "utf8").includes(") Z"),
      `grandchild ${gpid} still running`,
    );
    assert.ok(readFileSync(o.stdoutFile, "utf8").includes("started\n"));
    rmSync(dir, { recursive: true });
  });

  it("an abort during a setup step stops the task (user abort), and the command never runs", async () => {
    // clearml-agent 1.9.2: SIGTERM or Ctrl-C at any step exits −2 (clearml_agent/__main__.py:68-69),
    // which is stopped, "user abort" (clearml_agent/commands/worker.py:3334-3342)
    const dir = workDir();
    const marker = join(dir, "ran");
    const plan = localPlan([
      pythonEnvStep({
        venvDir: join(dir, "venv"),
        createArgv: [PY, "-u", "-c", "import time; print('creating', flush=True); time.sleep(30)"],
      }),
      commandStep([PY, "-c", `open(${JSON.stringify(marker)}, "w")`], dir),
    ], dir);
    const { o } = await abortOnLine(plan, "creating", "SIGTERM");
    assert.equal(o.status, "stopped", `${o.status}: ${o.reason}`);
    assert.equal(o.reason, "user abort");
    const file = readFileSync(o.stdoutFile, "utf8");
    assert.ok(file.includes("creating the virtual environment was interrupted"), file);
    assert.ok(file.includes("Process terminated by user"), file);
    assert.ok(!existsSync(marker), "the task's command did not run");
    rmSync(dir, { recursive: true });
  });

  it("a nonexistent stdout directory fails the task, naming the variable", async () => {
    const dir = workDir();
    const plan = localPlan([commandStep([PY, "-c", "print(1)"], dir)], join(dir, "missing"));
    const sink = memorySink();
    const o = await runTask({ plan, settings: settings(), host: host(), sink });
    assert.equal(o.status, "failed");
    assert.match(o.reason!, /^CLEARML_AGENT_TEMP_STDOUT_FILE_DIR=.*missing: no such directory/);
    assert.ok(sink.lines.some(([t]) => t === o.reason));
  });

  it("a missing working directory fails the task with a reason, not a crash", async () => {
    const dir = workDir();
    const plan = localPlan([commandStep([PY, "-c", "print(1)"], join(dir, "nope"))], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    assert.equal(o.status, "failed");
    assert.match(o.reason!, /working directory .*nope does not exist/);
    assert.ok(readFileSync(o.stdoutFile, "utf8").includes(o.reason!));
  });
});

describe("runTask() keeps secrets out of its own lines", () => {
  it("masks the plan's secret values in the commands it prints, not in the task's output", async () => {
    const dir = workDir();
    const secret = "hunter2-secret";
    const plan = localPlan([
      commandStep([PY, "-c", `print("the task prints ${secret}")`, `--token=${secret}`], dir),
    ], dir);
    plan.secretValues = [secret];
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    const log = readFileSync(o.stdoutFile, "utf8");
    assert.equal(o.status, "completed", log);
    assert.ok(log.includes("--token=********"), log);
    assert.ok(log.includes(`the task prints ${secret}\n`), "the task's own output is kept");
    assert.equal(log.split(secret).length - 1, 1, log);
    rmSync(dir, { recursive: true });
  });
});

describe("runTask() with a command that cannot start", () => {
  it("fails the task with the program and the reason, not a crash", async () => {
    const dir = workDir();
    const plan = localPlan([commandStep(["no-such-program-here", "x"], dir)], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    assert.equal(o.status, "failed");
    assert.match(o.reason!, /^no-such-program-here could not start \(test\): \S/);
    rmSync(dir, { recursive: true });
  });
});
