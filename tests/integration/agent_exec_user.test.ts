/**
 * CLEARML_AGENT_EXEC_USER for real: a user made by useradd (as root), the task running with its
 * uid, gid and HOME, the venv moved where that user can use it; an unknown user fails the task
 * with a reason naming the variable. Runs when CI=true or CLEARML_IT=1 (as root).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { runTask } from "../../src/agent/run.ts";
import { USER_HOME } from "../../src/agent/user_home.ts";
import {
  childEnvStep,
  commandStep,
  host,
  localPlan,
  memorySink,
  PY,
  pythonEnvStep,
  settings,
} from "../agent/run/_plan.ts";
import { allowSlowTests } from "../agent/run/_slow.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

await allowSlowTests();

const WHO = "import os, pwd, sys; " +
  "print('who', pwd.getpwuid(os.getuid()).pw_name, os.getgid(), os.environ['HOME'], sys.prefix)";

describe("runTask() as CLEARML_AGENT_EXEC_USER", () => {
  if (!realPartsEnabled("root, useradd")) return;
  const name = `cmlt${process.pid % 100000}`;
  let dir: string;
  let uid: number;
  let gid: number;
  before(() => {
    assert.equal(process.getuid?.(), 0, "these tests create a user: run them as root");
    execFileSync("useradd", ["-m", "-U", name]);
    uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }));
    gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }));
    dir = mkdtempSync(join(tmpdir(), "agent-user-"));
    chmodSync(dir, 0o755);
  });
  after(() => {
    try {
      execFileSync("userdel", ["-r", name], { stdio: "ignore" });
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${USER_HOME}/venv`, { recursive: true, force: true });
  });

  it("runs the task with the user's uid, gid and HOME", async () => {
    const plan = localPlan([childEnvStep({}, name), commandStep([PY, "-c", WHO], dir)], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    const log = readFileSync(o.stdoutFile, "utf8");
    assert.equal(o.status, "completed", log);
    assert.ok(log.includes(`who ${name} ${gid} /home/${name} `), log);
    assert.ok(uid > 0);
  });

  it("moves the venv to /clearml_agent_home/venv, where the user can run it", async () => {
    // a closed directory, as root's home is: the user could not reach a venv inside it
    const closed = mkdtempSync(join(tmpdir(), "agent-user-closed-"));
    chmodSync(closed, 0o700);
    const venvDir = join(closed, "venvs-builds", "3");
    const py = join(venvDir, "bin", "python");
    const plan = localPlan([
      pythonEnvStep({
        venvDir,
        taskPython: py,
        createArgv: [PY, "-m", "venv", "--without-pip", venvDir],
      }),
      childEnvStep({ PYTHONPATH: `${venvDir}/task_repository` }, name),
      commandStep([py, "-c", WHO + "; print('pp', os.environ['PYTHONPATH'])"], dir),
    ], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    const log = readFileSync(o.stdoutFile, "utf8");
    assert.equal(o.status, "completed", log);
    assert.ok(log.includes(`who ${name} ${gid} /home/${name} ${USER_HOME}/venv\n`), log);
    assert.ok(log.includes(`pp ${USER_HOME}/venv/task_repository\n`), log);
    rmSync(closed, { recursive: true, force: true });
  });

  it("an unknown user fails the task, naming CLEARML_AGENT_EXEC_USER", async () => {
    const plan = localPlan([
      childEnvStep({}, "no-such-user-here"),
      commandStep([PY, "-c", "print(1)"], dir),
    ], dir);
    const o = await runTask({ plan, settings: settings(), host: host(), sink: memorySink() });
    assert.equal(o.status, "failed");
    assert.match(o.reason!, /^CLEARML_AGENT_EXEC_USER=no-such-user-here: no such user/);
    assert.ok(readFileSync(o.stdoutFile, "utf8").includes(o.reason!));
  });
});
