/**
 * Run offline in CI, look at it afterwards: a session recorded by the real SDK 1.17.0 with
 * `CLEARML_OFFLINE_MODE=1` (parameters, a scalar, console output, an artifact) is uploaded into
 * `clearml serve` by `Task.import_offline_session(zip)`, and the server then holds the task
 * completed, with its parameters, its log and its artifact on the files port. Runs when CI=true
 * or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REAL_PARTS } from "../server/_serve_process.ts";
import {
  printed,
  reportFromThread,
  runSdk,
  type SdkServe,
  startSdkServe,
} from "./sdk_tasks_fixture.ts";

const OFFLINE = `
from clearml import Task
t = Task.init(project_name="sdk-it/offline", task_name="offline-run",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
t.connect({"lr": 0.5, "batch": 16})
t.get_logger().report_scalar("loss", "train", 0.25, 1)
print("OFFLINE-HELLO from the recorded session")
t.upload_artifact("summary", artifact_object={"best": 0.25})
t.close()
print("ZIP", t.get_offline_mode_folder())
`;

const IMPORT = `
import sys
from clearml import Task
tid = Task.import_offline_session(sys.argv[1])
print("IMPORTED", tid)
t = Task.get_task(task_id=tid)
print("STATUS", t.get_status())
print("PARAMS", sorted(t.get_parameters().items()))
print("SUMMARY", t.artifacts["summary"].get())
`;

describe("Task.import_offline_session into clearml serve", () => {
  if (!REAL_PARTS) {
    it.skip("needs CI=true or CLEARML_IT=1 (python3 and the peers' python3-* packages)", () => {});
    return;
  }
  let s: SdkServe;

  before(async () => {
    s = await startSdkServe("clearml-sdk-offline-");
  });

  after(async () => {
    await s?.stop();
  });

  it("uploads the recorded task, its log and its artifact", { timeout: 240_000 }, async () => {
    // the recording reports from a thread: the SDK 1.17.0's forked reporter once hung an
    // offline run for good (its child blocked on the queue's pipe, the parent polling it); what
    // is under test is the upload of the recorded session, not the recorder's process model
    reportFromThread(s, "offline");
    const rec = runSdk(s, "offline", OFFLINE, [], { CLEARML_OFFLINE_MODE: "1" });
    assert.equal(rec.status, 0, rec.out);
    const folder = printed(rec.stdout, "ZIP");
    assert.ok(folder, rec.out);
    const zip = `${folder}.zip`;
    assert.ok(existsSync(zip), zip);
    assert.equal(
      (await s.api.call("tasks.get_all", { name: "offline-run" })).tasks.length,
      0,
      "nothing reached the server while offline",
    );
    assert.match(readFileSync(join(folder!, "task.json"), "utf8"), /offline-run/);

    const imp = runSdk(s, "import", IMPORT, [zip]);
    assert.equal(imp.status, 0, imp.out);
    const id = printed(imp.stdout, "IMPORTED");
    assert.match(id ?? "", /^[0-9a-f]{32}$/, imp.out);
    assert.equal(printed(imp.stdout, "STATUS"), "completed");
    assert.equal(printed(imp.stdout, "PARAMS"), "[('General/batch', '16'), ('General/lr', '0.5')]");
    assert.equal(printed(imp.stdout, "SUMMARY"), "{'best': 0.25}");

    const task = (await s.api.call("tasks.get_by_id", { task: id })).task;
    const project = (await s.api.call("projects.get_by_id", { project: task.project })).project;
    assert.equal(project.name, "sdk-it/offline");
    const art = task.execution.artifacts.find((a: { key: string }) => a.key === "summary");
    assert.ok(String(art?.uri).startsWith(`http://${s.host}:8081/`), JSON.stringify(art));
    const log = (await s.api.call("events.get_task_log", { task: id, navigate_earlier: false }))
      .events.map((e: { msg: string }) => e.msg).join("");
    assert.match(log, /OFFLINE-HELLO from the recorded session/);
    assert.deepEqual(s.unknownEndpoints(), []);
  });
});
