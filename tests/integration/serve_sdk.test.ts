/**
 * The real ClearML SDK 1.17.0 (../shared/peers) against `clearml serve`: `Task.init` in a new
 * project, connected parameters, console output and a text report shipped as log events,
 * `close()` → completed, `Task.get_task` reads it back; no endpoint the server lacks is called.
 * Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type KeyedServe, peer, RawApi, startKeyedServe } from "../server/_serve_process.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

const KEY = "SDKKEY0123456789ABCDEFGHIJKLMN";
const SECRET = "sdkSecret0123456789abcdefghijklmnopqrstuvwxyzABCDE";

const SCRIPT = `
from clearml import Task
t = Task.init(project_name="sdk-demo", task_name="sdk-run",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
t.connect({"lr": 0.25})
print("SDK-TASK-ID", t.id)
t.get_logger().report_text("hello from the sdk")
t.close()
print("SDK-STATUS", Task.get_task(task_id=t.id).get_status())
`;

describe("the real ClearML SDK 1.17.0 against clearml serve", () => {
  if (!realPartsEnabled("python3 and the peers' python3-* packages")) return;
  let serve: KeyedServe;
  before(async () => {
    serve = await startKeyedServe("clearml-serve-sdk-", KEY, SECRET);
  });
  after(() => serve?.stop("SIGKILL"));

  it("Task.init, parameters, log and close() reach the server", { timeout: 180_000 }, async () => {
    const { dir, server } = serve;
    const launcher = peer("clearml-sdk-python.sh");
    const home = serve.clientHome();
    writeFileSync(join(dir, "sdk_task.py"), SCRIPT);
    const r = spawnSync(launcher, [join(dir, "sdk_task.py")], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TMPDIR: dir },
      encoding: "utf8",
      timeout: 150_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    const id = /SDK-TASK-ID ([0-9a-f]{32})/.exec(r.stdout)?.[1];
    assert.ok(id, out);
    assert.match(r.stdout, /SDK-STATUS completed/);

    const api = new RawApi(server.url);
    await api.login(KEY, SECRET);
    const task = (await api.call("tasks.get_by_id", { task: id })).task;
    assert.equal(task.name, "sdk-run");
    assert.equal(task.status, "completed");
    assert.equal(task.hyperparams.General.lr.value, "0.25");
    const project = (await api.call("projects.get_by_id", { project: task.project })).project;
    assert.equal(project.name, "sdk-demo");
    const log = (await api.call("events.get_task_log", { task: id, navigate_earlier: false }))
      .events.map((e: { msg: string }) => e.msg).join("");
    assert.match(log, /hello from the sdk/);
    assert.match(log, new RegExp(`SDK-TASK-ID ${id}`));
    const unknown = [...server.stderr().matchAll(/unknown endpoint ([\w.]+)/g)].map((m) => m[1]);
    assert.deepEqual(unknown, [], "endpoints the SDK called that the server lacks");
  });
});
