/**
 * `models.*`, a task's model lists, `tasks.clone` and `tasks.delete` as the real server answers
 * them: the calls the SDK's OutputModel, Task.clone and Task.delete make.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tasksApi as api } from "./_tasks_api.ts";

describe("models.*", () => {
  it("create, get_by_id, get_all filters, edit with iteration, metadata", async () => {
    const { s, c, ok, task } = await api();
    const t = await task();
    const created = await ok("models.create", {
      name: "my-model",
      uri: "file:///uploading_file",
      labels: {},
      ready: false,
      framework: "PyTorch",
      task: t,
      tags: ["b", "a"],
    });
    assert.equal(created.created, true);
    const m = (await ok("models.get_by_id", { model: created.id })).model;
    assert.equal(m.ready, false);
    assert.deepEqual(m.tags, ["a", "b"]);
    assert.equal(m.last_iteration, 0);
    assert.equal(m.created, "2025-01-15T10:00:00.123000+00:00");
    const other = await ok("models.create", { name: "ready-one", uri: "http://x/w.bin" });
    assert.equal((await ok("models.get_by_id", { model: other.id })).model.ready, true);
    const names = async (body: unknown) =>
      (await ok("models.get_all", body)).models.map((x: { name: string }) => x.name).sort();
    assert.deepEqual(await names({ task: [t] }), ["my-model"]);
    assert.deepEqual(await names({ ready: true }), ["ready-one"]);
    assert.deepEqual(await names({ name: "^my" }), ["my-model"]);
    assert.deepEqual(await names({ framework: ["PyTorch"] }), ["my-model"]);
    s.clock.now += 5000;
    const e = await ok("models.edit", {
      model: created.id,
      uri: "http://files/w.bin",
      iteration: 7,
    });
    assert.equal(e.updated, 1);
    assert.equal(e.fields.uri, "http://files/w.bin");
    assert.equal(e.fields.last_update, "2025-01-15T10:00:05.123000+00:00");
    assert.equal((await ok("tasks.get_by_id", { task: t })).task.last_iteration, 7);
    assert.deepEqual(await ok("models.edit", { model: created.id }), { updated: 0 });
    const meta = await ok("models.add_or_update_metadata", {
      model: created.id,
      metadata: [{ key: "k", type: "str", value: "v" }],
    });
    assert.deepEqual(meta, { updated: 1 });
    assert.deepEqual((await ok("models.get_by_id", { model: created.id })).model.metadata, {
      k: { key: "k", type: "str", value: "v" },
    });
    await ok("models.delete_metadata", { model: created.id, keys: ["k"] });
    assert.deepEqual((await ok("models.get_by_id", { model: created.id })).model.metadata, {});
    const missing = await c("models.get_by_id", { model: "f".repeat(32) });
    assert.equal(missing.json.meta.result_subcode, 201);
    assert.match(
      missing.json.meta.result_msg,
      /^invalid model id \(no such public or company model\)/,
    );
    const short = await c("models.create", { name: "ab", uri: "x" });
    assert.equal(short.json.meta.result_subcode, 800);
    const badLabels = await c("models.create", { name: "abc", uri: "u", labels: { a: 1.5 } });
    assert.equal(
      badLabels.json.meta.result_msg,
      "validation error (labels values must be integers): values=(1.5)",
    );
    const noUri = await c("models.create", { name: "abc" });
    assert.equal(noUri.json.meta.result_subcode, 12);
    const oldMeta = await c("models.add_or_update_metadata", {
      model: created.id,
      metadata: [{ key: "k", type: "str", value: "v" }],
    }, "2.12");
    assert.equal(oldMeta.status, 404);
  });

  it("set_ready publishes the task that made the model; a second time is 400/203", async () => {
    const { c, ok, task } = await api();
    const t = await task();
    await ok("tasks.started", { task: t });
    await ok("tasks.completed", { task: t });
    const { id } = await ok("models.create", { name: "pub", uri: "u", ready: false, task: t });
    const r = await ok("models.set_ready", { model: id });
    assert.equal(r.updated, 1);
    assert.equal(r.published_task.id, t);
    assert.equal(r.published_task.data.fields.status, "published");
    assert.equal((await ok("tasks.get_by_id", { task: t })).task.status, "published");
    const again = await c("models.set_ready", { model: id });
    assert.equal(again.json.meta.result_subcode, 203);
  });

  it("archive_many/unarchive_many report per id; delete needs force for a model in use", async () => {
    const { c, ok, task } = await api();
    const { id } = await ok("models.create", { name: "arch", uri: "u" });
    const r = await ok("models.archive_many", { ids: [id, "f".repeat(32)] });
    assert.deepEqual(r.succeeded, [{ id, archived: true }]);
    assert.equal(r.failed[0].id, "f".repeat(32));
    assert.deepEqual(r.failed[0].error.codes, [400, 201]);
    assert.deepEqual((await ok("models.get_by_id", { model: id })).model.system_tags, ["archived"]);
    await ok("models.unarchive_many", { ids: [id] });
    assert.deepEqual((await ok("models.get_by_id", { model: id })).model.system_tags, []);
    const user = await task({ models: { input: [{ name: "input", model: id }] } });
    const inUse = await c("models.delete", { model: id });
    assert.equal(inUse.json.meta.result_subcode, 205);
    const del = await ok("models.delete", { model: id, force: true });
    assert.deepEqual(del, { deleted: true, url: "u" });
    const input = (await ok("tasks.get_by_id", { task: user })).task.models.input[0];
    assert.equal(input.model, `__DELETED__${id}`);
  });
});

describe("a task's models", () => {
  it("add_or_update_model replaces by name, appends otherwise; delete_models by name and type", async () => {
    const { c, ok, task } = await api();
    const t = await task();
    await ok("tasks.add_or_update_model", { task: t, name: "best", model: "m1", type: "output" });
    await ok("tasks.add_or_update_model", {
      task: t,
      name: "best",
      model: "m2",
      type: "output",
      iteration: 3,
    });
    await ok("tasks.add_or_update_model", { task: t, name: "init", model: "m0", type: "input" });
    const got = (await ok("tasks.get_by_id", { task: t })).task;
    assert.deepEqual(
      got.models.output.map((m: { name: string; model: string }) => [m.name, m.model]),
      [
        ["best", "m2"],
      ],
    );
    assert.equal(got.models.input[0].model, "m0");
    assert.equal(got.last_iteration, 3);
    await ok("tasks.delete_models", { task: t, models: [{ name: "best", type: "output" }] });
    assert.deepEqual((await ok("tasks.get_by_id", { task: t })).task.models.output, []);
    const bad = await c("tasks.add_or_update_model", {
      task: t,
      name: "x",
      model: "m",
      type: "side",
    });
    assert.equal(bad.json.meta.result_subcode, 12);
    const old = await c("tasks.add_or_update_model", {
      task: t,
      name: "x",
      model: "m",
      type: "output",
    }, "2.12");
    assert.equal(old.status, 404);
    await ok("tasks.started", { task: t });
    await ok("tasks.completed", { task: t });
    const done = await c("tasks.add_or_update_model", {
      task: t,
      name: "x",
      model: "m",
      type: "output",
    });
    assert.equal(done.json.meta.result_subcode, 110);
  });
});

describe("tasks.clone and tasks.delete", () => {
  it("a clone is a new created task with the definition, without output artifacts or runtime", async () => {
    const { ok, task } = await api();
    const { id: project } = await ok("projects.create", { name: "clone/src" });
    const src = await task({
      project,
      tags: ["keep"],
      system_tags: ["development", "other"],
      script: { entry_point: "train.py" },
      hyperparams: { General: { lr: { section: "General", name: "lr", value: "1" } } },
      execution: {
        queue: "q",
        artifacts: [{ key: "out", type: "x" }, { key: "in", type: "y", mode: "input" }],
      },
      runtime: { progress: "50" },
      output_dest: "s3://bucket",
    });
    const r = await ok("tasks.clone", { task: src, new_task_name: "the clone" });
    const t = (await ok("tasks.get_by_id", { task: r.id })).task;
    assert.equal(t.status, "created");
    assert.equal(t.name, "the clone");
    assert.equal(t.parent, src);
    assert.equal(t.project, project);
    assert.deepEqual(t.tags, ["keep"]);
    assert.deepEqual(t.system_tags, ["other"]);
    assert.equal(t.script.entry_point, "train.py");
    assert.equal(t.hyperparams.General.lr.value, "1");
    assert.deepEqual(t.execution.artifacts.map((a: { key: string }) => a.key), ["in"]);
    assert.equal(t.execution.queue, undefined);
    assert.deepEqual(t.runtime, {});
    assert.deepEqual(t.output, { destination: "s3://bucket" });
    const named = await ok("tasks.clone", { task: src, new_project_name: "clone/elsewhere" });
    assert.equal(named.new_project.name, "clone/elsewhere");
    assert.equal(
      (await ok("tasks.get_by_id", { task: named.id })).task.project,
      named.new_project.id,
    );
  });

  it("delete needs force past created, removes draft models and marks children", async () => {
    const { c, ok, task } = await api();
    const parent = await task();
    const child = await task({ parent });
    const { id: draft } = await ok("models.create", {
      name: "draft",
      uri: "u1",
      ready: false,
      task: parent,
    });
    await ok("tasks.started", { task: parent });
    const refused = await c("tasks.delete", { task: parent });
    assert.equal(refused.json.meta.result_subcode, 123);
    assert.equal(
      refused.json.meta.result_msg,
      `task cannot be deleted (due to status, use force=True): task=${parent}, expected=created, current=in_progress`,
    );
    const r = await ok("tasks.delete", { task: parent, force: true, return_file_urls: true });
    assert.equal(r.deleted, true);
    assert.equal(r.deleted_models, 1);
    assert.equal(r.updated_children, 1);
    assert.deepEqual(r.urls.model_urls, ["u1"]);
    assert.equal((await c("tasks.get_by_id", { task: parent })).json.meta.result_subcode, 101);
    assert.equal((await c("models.get_by_id", { model: draft })).json.meta.result_subcode, 201);
    assert.equal(
      (await ok("tasks.get_by_id", { task: child })).task.parent,
      `__DELETED__${parent}`,
    );
    const plain = await ok("tasks.delete", { task: child });
    assert.equal(plain.urls, null);
  });

  it("reset deletes the draft output models and needs force for a published one", async () => {
    const { c, ok, task } = await api();
    const t = await task();
    await ok("tasks.started", { task: t });
    const { id: draft } = await ok("models.create", {
      name: "draft-1",
      uri: "u",
      ready: false,
      task: t,
    });
    await ok("tasks.add_or_update_model", { task: t, name: "out", model: draft, type: "output" });
    const r = await ok("tasks.reset", { task: t, force: true });
    assert.equal(r.deleted_models, 1);
    assert.equal(r.fields.status, "created");
    assert.equal(r.urls, undefined);
    assert.equal((await c("models.get_by_id", { model: draft })).json.meta.result_subcode, 201);
    assert.deepEqual((await ok("tasks.get_by_id", { task: t })).task.models.output, []);
    const { id: published } = await ok("models.create", { name: "published-1", uri: "u", task: t });
    await ok("tasks.started", { task: t });
    const refused = await c("tasks.reset", { task: t });
    assert.equal(refused.json.meta.result_subcode, 123);
    const forced = await ok("tasks.reset", { task: t, force: true });
    assert.equal(forced.deleted_models, 0);
    assert.equal((await ok("models.get_by_id", { model: published })).model.task, undefined);
  });
});

describe("legacy task-model calls (clients before API 2.13)", () => {
  it("update_for_task creates the task's model, then updates it; 301 above 2.13", async () => {
    const { c, ok, task } = await api();
    const t = await task({ execution: { framework: "Keras", model_labels: { cat: 1 } } });
    const r1 = await c(
      "models.update_for_task",
      { task: t, uri: "http://w/1", iteration: 4 },
      "2.9",
    );
    assert.equal(r1.status, 200, r1.text);
    assert.equal(r1.json.data.created, true);
    const m = (await ok("models.get_by_id", { model: r1.json.data.id })).model;
    assert.equal(m.name, "a task");
    assert.equal(m.framework, "Keras");
    assert.deepEqual(m.labels, { cat: 1 });
    assert.equal(m.ready, false);
    assert.equal(m.comment, `Created by task \`a task\` (${t})`);
    const got = (await ok("tasks.get_by_id", { task: t })).task;
    assert.deepEqual(got.models.output.map((x: { model: string }) => x.model), [m.id]);
    assert.equal(got.last_iteration, 4);
    const r2 = await c("models.update_for_task", { task: t, uri: "http://w/2" }, "2.13");
    assert.equal(r2.json.data.created, false);
    assert.equal(r2.json.data.id, m.id);
    assert.equal((await ok("models.get_by_id", { model: m.id })).model.uri, "http://w/2");
    const byTask = await c("models.get_by_task_id", { task: t }, "2.9");
    assert.equal(byTask.json.data.model.id, m.id);
    const both = await c(
      "models.update_for_task",
      { task: t, uri: "u", override_model_id: "x" },
      "2.9",
    );
    assert.equal(both.json.meta.result_subcode, 11);
    for (const name of ["models.update_for_task", "models.get_by_task_id"]) {
      const moved = await c(name, { task: t, uri: "u" }, "2.14");
      assert.equal(moved.status, 301);
      assert.equal(moved.json.meta.result_code, 301);
      assert.equal(moved.json.meta.result_subcode, 1);
      assert.match(
        moved.json.meta.result_msg,
        /^this endpoint is no longer supported for the requested API version \(use /,
      );
    }
  });

  it("tasks.create and tasks.edit refuse input models that do not exist (400/201)", async () => {
    const { c, ok, task } = await api();
    const missing = "f".repeat(32);
    const r = await c("tasks.create", {
      name: "needs a model",
      type: "training",
      models: { input: [{ name: "init", model: missing }] },
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.meta.result_subcode, 201);
    assert.equal(r.json.meta.result_msg, `invalid model id: models=(${missing})`);
    const t = await task();
    const e = await c("tasks.edit", {
      task: t,
      models: { input: [{ name: "x", model: missing }] },
    });
    assert.equal(e.json.meta.result_subcode, 201);
    const { id } = await ok("models.create", { name: "real-one", uri: "u" });
    await ok("tasks.edit", { task: t, models: { input: [{ name: "x", model: id }] } });
  });
});
