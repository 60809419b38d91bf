/**
 * The whole loop with no Python server: the real SDK 1.17.0 creates a task from a local script
 * (`Task.create`) and enqueues it (`Task.enqueue(queue_name="default")`), our `clearml agent
 * daemon` runs it on the system Python, and the SDK reads it back completed, with the script's
 * output in its console log. Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { REAL_PARTS } from "../server/_serve_process.ts";
import { printed, runSdk, type SdkServe, startDaemon, startSdkServe } from "./sdk_tasks_fixture.ts";

const CREATE = `
from clearml import Task
open("job.py", "w").write("import sys\\nprint('JOB-OUTPUT from the daemon', sys.version_info[0])\\n")
t = Task.create(project_name="sdk-it/daemon", task_name="daemon-job", script="job.py",
                add_task_init_call=False)
print("CREATED", t.id, t.get_status())
Task.enqueue(t, queue_name="default")
print("QUEUED", Task.get_task(task_id=t.id).get_status())
`;

const READ = `
import sys, time
from clearml import Task
t = Task.get_task(task_id=sys.argv[1])
deadline = time.time() + 120
while t.get_status() not in ("completed", "failed", "stopped") and time.time() < deadline:
    time.sleep(1)
print("STATUS", t.get_status())
print("LOG", repr("".join(t.get_reported_console_output(number_of_reports=100))))
`;

describe("the real SDK's Task.create + Task.enqueue, run by our agent daemon", () => {
  if (!REAL_PARTS) {
    it.skip("needs CI=true or CLEARML_IT=1 (python3 and the peers' python3-* packages)", () => {});
    return;
  }
  let s: SdkServe;
  let daemon: ReturnType<typeof startDaemon> | undefined;

  before(async () => {
    s = await startSdkServe("clearml-sdk-daemon-");
  });

  after(async () => {
    if (daemon && daemon.child.exitCode === null) {
      const exited = new Promise((r) => daemon!.child.once("exit", r));
      daemon.child.kill("SIGTERM");
      await exited;
    }
    await s?.stop();
  });

  it("the SDK reads the task back completed, with the script's output", {
    timeout: 240_000,
  }, async () => {
    const created = runSdk(s, "create", CREATE);
    assert.equal(created.status, 0, created.out);
    const [id, status] = (printed(created.stdout, "CREATED") ?? "").split(" ");
    assert.match(id ?? "", /^[0-9a-f]{32}$/, created.out);
    assert.equal(status, "created");
    assert.equal(printed(created.stdout, "QUEUED"), "queued");
    const queued = (await s.api.call("tasks.get_by_id", { task: id })).task;
    assert.equal(queued.script.entry_point, "job.py");
    assert.match(queued.script.diff, /JOB-OUTPUT/);

    daemon = startDaemon(s, "sdk-daemon-host");
    const read = runSdk(s, "read", READ, [id!]);
    assert.equal(read.status, 0, `${read.out}\ndaemon:\n${daemon.stderr().slice(-3000)}`);
    assert.equal(printed(read.stdout, "STATUS"), "completed", daemon.stderr().slice(-3000));
    const log = printed(read.stdout, "LOG") ?? "";
    assert.match(log, /JOB-OUTPUT from the daemon 3/);
    assert.match(log, new RegExp(`task ${id} pulled from [0-9a-f]{32} by worker sdk-daemon-host`));
    assert.match(log, /Process completed successfully/);
    assert.deepEqual(
      s.unknownEndpoints(),
      [],
      "endpoints the SDK or daemon called that are missing",
    );
  });
});
