/**
 * The real SDK 1.17.0's models and other task flows against `clearml serve` (CLEARML_API_HOST and
 * keys only): an `OutputModel` whose weights go to the files port, read back from another process
 * with `get_local_copy()`; `Task.clone` of the task; publishing the task publishes its model; a
 * `Dataset` created, uploaded, finalized and read back; `execute_remotely` leaves the task queued.
 * Runs when CI=true or CLEARML_IT=1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { rawCall, REAL_PARTS } from "../server/_serve_process.ts";
import {
  printed,
  reportFromThread,
  runSdk,
  type SdkServe,
  startSdkServe,
} from "./sdk_tasks_fixture.ts";

const TRAIN = `
from clearml import Task, OutputModel
t = Task.init(project_name="sdk-it/models", task_name="train", output_uri=True,
              auto_connect_frameworks=False, auto_resource_monitoring=False)
t.connect({"lr": 0.125})
open("weights.bin", "wb").write(bytes(range(256)) * 4)
m = OutputModel(task=t, name="net", framework="PyTorch")
m.update_weights(weights_filename="weights.bin", iteration=12)
print("TASK", t.id)
print("MODEL", m.id)
t.close()
`;

const USE = `
import sys
from clearml import Task, Model
t = Task.get_task(task_id=sys.argv[1])
out = t.models["output"]
print("OUTPUT", [m.name for m in out])
path = out[-1].get_local_copy()
print("WEIGHTS", len(open(path, "rb").read()))
c = Task.clone(source_task=t, name="train-clone")
print("CLONE", c.id, c.get_status(), sorted(c.get_parameters().items()))
t.publish()
print("PUBLISHED", Task.get_task(task_id=t.id).get_status(), Model(model_id=out[-1].id).published)
`;

const DATASET = `
import os
from clearml import Dataset
os.makedirs("data", exist_ok=True)
open("data/one.txt", "w").write("one")
open("data/two.txt", "w").write("two")
ds = Dataset.create(dataset_name="numbers", dataset_project="sdk-it/datasets")
ds.add_files("data")
ds.upload()
ds.finalize()
print("DATASET", ds.id)
`;

const DATASET_READ = `
import os
from clearml import Dataset
d = Dataset.get(dataset_project="sdk-it/datasets", dataset_name="numbers")
p = d.get_local_copy()
print("DATASET", d.id)
print("FILES", sorted((f, open(os.path.join(p, f)).read()) for f in os.listdir(p)))
`;

const REMOTE = `
from clearml import Task
t = Task.init(project_name="sdk-it/remote", task_name="go-remote",
              auto_connect_frameworks=False, auto_resource_monitoring=False)
print("TASK", t.id, flush=True)
t.execute_remotely(queue_name="default", exit_process=True)
print("STILL-HERE")
`;

const DELETE = `
import sys
from clearml import Task
t = Task.get_task(task_id=sys.argv[1])
t.delete(delete_artifacts_and_models=True, raise_on_error=True)
print("LEFT", [x.id for x in Task.get_tasks(project_name="sdk-it/models")])
`;

describe("the real SDK's models against clearml serve", () => {
  if (!REAL_PARTS) {
    it.skip("needs CI=true or CLEARML_IT=1 (python3 and the peers' python3-* packages)", () => {});
    return;
  }
  let s: SdkServe;

  before(async () => {
    s = await startSdkServe("clearml-sdk-models-");
  });

  after(async () => {
    await s?.stop();
  });

  it("OutputModel weights on the files port, read back, cloned, published", {
    timeout: 240_000,
  }, async () => {
    const train = runSdk(s, "train", TRAIN);
    assert.equal(train.status, 0, train.out);
    const taskId = printed(train.stdout, "TASK")!;
    const modelId = printed(train.stdout, "MODEL")!;
    assert.match(modelId ?? "", /^[0-9a-f]{32}$/, train.out);
    const model = (await s.api.call("models.get_by_id", { model: modelId })).model;
    assert.equal(model.name, "net");
    assert.equal(model.framework, "PyTorch");
    assert.equal(model.task, taskId);
    assert.ok(String(model.uri).startsWith(`http://${s.host}:8081/`), model.uri);
    const task = (await s.api.call("tasks.get_by_id", { task: taskId })).task;
    assert.deepEqual(task.models.output.map((m: { model: string }) => m.model), [modelId]);
    assert.equal(task.last_iteration, 12);

    const use = runSdk(s, "use", USE, [taskId]);
    assert.equal(use.status, 0, use.out);
    assert.equal(printed(use.stdout, "OUTPUT"), "['net']");
    assert.equal(printed(use.stdout, "WEIGHTS"), "1024");
    const [cloneId, cloneStatus, ...params] = (printed(use.stdout, "CLONE") ?? "").split(" ");
    assert.match(cloneId ?? "", /^[0-9a-f]{32}$/, use.out);
    assert.equal(cloneStatus, "created");
    assert.equal(params.join(" "), "[('General/lr', '0.125')]");
    assert.equal(printed(use.stdout, "PUBLISHED"), "published True");
    const clone = (await s.api.call("tasks.get_by_id", { task: cloneId })).task;
    assert.equal(clone.parent, taskId);
    assert.deepEqual(clone.models.output, []);
    assert.deepEqual(s.unknownEndpoints(), []);
  });

  it("Dataset.create/upload/finalize, then Dataset.get().get_local_copy() elsewhere", {
    timeout: 240_000,
  }, () => {
    const made = runSdk(s, "dataset", DATASET);
    assert.equal(made.status, 0, made.out);
    const id = printed(made.stdout, "DATASET");
    const read = runSdk(s, "dataset_read", DATASET_READ);
    assert.equal(read.status, 0, read.out);
    assert.equal(printed(read.stdout, "DATASET"), id);
    assert.equal(printed(read.stdout, "FILES"), "[('one.txt', 'one'), ('two.txt', 'two')]");
    assert.deepEqual(s.unknownEndpoints(), []);
  });

  it("execute_remotely leaves the task queued on the queue, without the development tag", {
    timeout: 240_000,
  }, async () => {
    // under CI the forked reporter was lost here and the script hung until killed: what is
    // under test is the enqueue and the exit, not the reporter's process model
    reportFromThread(s, "remote");
    const r = runSdk(s, "remote", REMOTE);
    assert.equal(r.status, 0, r.out);
    assert.doesNotMatch(r.stdout, /STILL-HERE/);
    const id = printed(r.stdout, "TASK");
    const task = (await s.api.call("tasks.get_by_id", { task: id })).task;
    assert.equal(task.status, "queued");
    assert.ok(!task.system_tags.includes("development"), task.system_tags);
    const queue = (await s.api.call("queues.get_all", { name: "^default$" })).queues[0];
    assert.equal(task.execution.queue, queue.id);
    assert.deepEqual(queue.entries.map((e: { task: string }) => e.task), [id]);
    assert.deepEqual(s.unknownEndpoints(), []);
  });

  it("Task.delete removes the task, its model and its files", { timeout: 240_000 }, async () => {
    const train = runSdk(s, "train2", TRAIN);
    assert.equal(train.status, 0, train.out);
    const taskId = printed(train.stdout, "TASK")!;
    const modelId = printed(train.stdout, "MODEL")!;
    const model = (await s.api.call("models.get_by_id", { model: modelId })).model;
    const stored = join(s.dir, "data", "files", decodeURIComponent(new URL(model.uri).pathname));
    assert.ok(existsSync(stored), stored);
    const del = runSdk(s, "delete", DELETE, [taskId]);
    assert.equal(del.status, 0, del.out);
    assert.doesNotMatch(printed(del.stdout, "LEFT") ?? "", new RegExp(taskId));
    const gone = await rawCall(`${s.apiHost}/tasks.get_by_id`, {
      body: JSON.stringify({ task: taskId }),
      headers: { authorization: `Bearer ${s.api.token}` },
    });
    assert.equal(gone.json.meta.result_subcode, 101);
    const noModel = await rawCall(`${s.apiHost}/models.get_by_id`, {
      body: JSON.stringify({ model: modelId }),
      headers: { authorization: `Bearer ${s.api.token}` },
    });
    assert.equal(noModel.json.meta.result_subcode, 201);
    assert.ok(!existsSync(stored), "the weights file is deleted from the files server");
    assert.deepEqual(s.unknownEndpoints(), []);
  });
});
