/**
 * The real ClearML SDK 1.17.0 (../shared/peers) against `clearml serve`, configured with
 * `CLEARML_API_HOST` and the keys only: `Task.init` in a nested project, connected parameters and
 * configuration, artifacts (a dict, a file, a folder) uploaded to the files port and recorded in
 * the task, `close()` → completed; from another process `Task.get_task`/`get_tasks`,
 * `get_parameters`, `artifacts[name].get()`/`get_local_copy()`; an exception → failed; and no
 * endpoint the SDK called is missing. Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REAL_PARTS } from "../server/_serve_process.ts";
import { printed, runSdk, type SdkServe, startSdkServe } from "./sdk_tasks_fixture.ts";

const RUN = `
import os
from clearml import Task
t = Task.init(project_name="sdk-it/team/runs", task_name="sdk-run",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
print("SDK-TASK-ID", t.id)
params = t.connect({"lr": 0.25, "epochs": 3, "nested": {"depth": 2}})
conf = t.connect_configuration({"model": {"layers": 4}}, name="model-config")
os.makedirs("folder/sub", exist_ok=True)
open("folder/a.txt", "w").write("A")
open("folder/sub/b.txt", "w").write("B")
open("notes.txt", "w").write("file contents")
t.upload_artifact("stats", artifact_object={"k": 1, "v": [1, 2]})
t.upload_artifact("notes", artifact_object="notes.txt")
t.upload_artifact("folder", artifact_object="folder")
t.close()
`;

const READ = `
import os, sys
from clearml import Task
tid = sys.argv[1]
found = Task.get_tasks(project_name="sdk-it/team/runs")
print("GET-TASKS", ",".join(sorted(x.id for x in found)))
t = Task.get_task(task_id=tid)
print("STATUS", t.get_status())
print("PARAMS", sorted(t.get_parameters().items()))
print("CONF", dict(t.get_configuration_object_as_dict("model-config")))
print("KEYS", sorted(t.artifacts.keys()))
print("STATS", t.artifacts["stats"].get())
print("NOTES", open(t.artifacts["notes"].get_local_copy()).read())
folder = t.artifacts["folder"].get_local_copy()
print("FOLDER", sorted(os.path.relpath(os.path.join(d, f), folder)
                       for d, _, fs in os.walk(folder) for f in fs))
`;

const FAIL = `
from clearml import Task
t = Task.init(project_name="sdk-it/team/runs", task_name="sdk-fail",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
print("SDK-TASK-ID", t.id)
raise RuntimeError("boom from the script")
`;

describe("the real ClearML SDK 1.17.0: the task side against clearml serve", () => {
  if (!REAL_PARTS) {
    it.skip("needs CI=true or CLEARML_IT=1 (python3 and the peers' python3-* packages)", () => {});
    return;
  }
  let s: SdkServe;
  let runId = "";

  before(async () => {
    s = await startSdkServe("clearml-sdk-tasks-");
  });

  after(async () => {
    await s?.stop();
  });

  it("Task.init in a nested project, parameters, configuration, artifacts, close()", {
    timeout: 180_000,
  }, async () => {
    const r = runSdk(s, "run", RUN);
    assert.equal(r.status, 0, r.out);
    runId = printed(r.stdout, "SDK-TASK-ID") ?? "";
    assert.match(runId, /^[0-9a-f]{32}$/, r.out);

    const task = (await s.api.call("tasks.get_by_id", { task: runId })).task;
    assert.equal(task.status, "completed");
    assert.equal(task.name, "sdk-run");
    assert.equal(task.hyperparams.General.lr.value, "0.25");
    assert.equal(task.hyperparams.General["nested/depth"].value, "2");
    assert.equal(task.configuration["model-config"].type, "dictionary");
    assert.match(task.configuration["model-config"].value, /layers/);

    // the project and its two ancestors, linked as the real server links them
    const projects = (await s.api.call("projects.get_all", {
      only_fields: ["id", "name", "parent", "path"],
    })).projects;
    const byName = Object.fromEntries(projects.map((p: { name: string }) => [p.name, p]));
    assert.deepEqual(Object.keys(byName).sort(), ["sdk-it", "sdk-it/team", "sdk-it/team/runs"]);
    assert.equal(task.project, byName["sdk-it/team/runs"].id);
    assert.equal(byName["sdk-it/team/runs"].parent, byName["sdk-it/team"].id);
    assert.deepEqual(byName["sdk-it/team/runs"].path, [
      byName["sdk-it"].id,
      byName["sdk-it/team"].id,
    ]);

    // artifacts: recorded in the task, sorted by key, stored on the files port
    const arts = task.execution.artifacts as Array<Record<string, unknown>>;
    assert.deepEqual(arts.map((a) => [a.key, a.type, a.mode]), [
      ["folder", "archive", "output"],
      ["notes", "custom", "output"],
      ["stats", "dict", "output"],
    ]);
    for (const a of arts) {
      const uri = String(a.uri);
      assert.ok(uri.startsWith(`http://${s.host}:8081/`), uri);
      const stored = join(s.dir, "data", "files", decodeURIComponent(new URL(uri).pathname));
      assert.ok(existsSync(stored), `${a.key} stored at ${stored}`);
      assert.equal(typeof a.content_size, "number");
      assert.equal(typeof a.hash, "string");
    }
    assert.deepEqual(s.unknownEndpoints(), [], "endpoints the SDK called that the server lacks");
  });

  it("another process reads the task, its parameters and its artifacts back", {
    timeout: 180_000,
  }, () => {
    assert.ok(runId, "the first test created the task");
    const r = runSdk(s, "read", READ, [runId]);
    assert.equal(r.status, 0, r.out);
    assert.equal(printed(r.stdout, "GET-TASKS"), runId);
    assert.equal(printed(r.stdout, "STATUS"), "completed");
    assert.equal(
      printed(r.stdout, "PARAMS"),
      "[('General/epochs', '3'), ('General/lr', '0.25'), ('General/nested/depth', '2')]",
    );
    assert.equal(printed(r.stdout, "CONF"), "{'model': OrderedDict([('layers', 4)])}");
    assert.equal(printed(r.stdout, "KEYS"), "['folder', 'notes', 'stats']");
    assert.equal(printed(r.stdout, "STATS"), "{'k': 1, 'v': [1, 2]}");
    assert.equal(printed(r.stdout, "NOTES"), "file contents");
    assert.equal(printed(r.stdout, "FOLDER"), "['a.txt', 'sub/b.txt']");
    assert.deepEqual(s.unknownEndpoints(), []);
  });

  it("an exception in the script leaves the task failed with the exception as reason", {
    timeout: 180_000,
  }, async () => {
    const r = runSdk(s, "fail", FAIL);
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.stderr, /RuntimeError: boom from the script/);
    const id = printed(r.stdout, "SDK-TASK-ID");
    assert.ok(id, r.out);
    const task = (await s.api.call("tasks.get_by_id", { task: id })).task;
    assert.equal(task.status, "failed", r.out);
    assert.match(task.status_reason, /boom from the script/, r.out);
    assert.deepEqual(s.unknownEndpoints(), []);
  });
});
