/**
 * Metric events through `events.add_batch` into the store, read back by `scalars_store.ts` and the
 * events endpoints: series by iteration, overwrite of a repeated (metric, variant, iteration),
 * the task's `last_metrics` as the real server keeps them, the downsampled histogram, plots.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { call, type TestServer, testServer } from "./_client.ts";
import {
  plotEvents,
  scalarHistogram,
  scalarSeries,
  SINGLE_VALUE_ITER,
} from "../../src/server/scalars_store.ts";
import { hashName } from "../../src/server/last_metrics.ts";

async function newTask(s: TestServer, name = "metrics"): Promise<string> {
  const r = await call(s.app, "/v2.23/tasks.create", {
    token: s.token,
    body: { name, type: "training" },
  });
  assert.equal(r.status, 200, r.text);
  return r.json.data.id;
}

async function addBatch(s: TestServer, events: unknown[]) {
  return await call(s.app, "/events.add_batch", {
    method: "POST",
    token: s.token,
    headers: { "content-type": "application/json-lines" },
    body: events.map((e) => JSON.stringify(e)).join("\n"),
  });
}

async function api(s: TestServer, ep: string, body: unknown) {
  const r = await call(s.app, `/v2.23/${ep}`, { token: s.token, body });
  assert.equal(r.status, 200, r.text);
  return r.json.data;
}

const scalar = (task: string, metric: string, variant: string, iter: number, value: number) => ({
  type: "training_stats_scalar",
  task,
  metric,
  variant,
  iter,
  value,
  timestamp: 1736935262000 + iter,
});

describe("scalar events", () => {
  it("scalarSeries() returns each series by iteration, a repeated iteration overwritten", async () => {
    const s = await testServer();
    const task = await newTask(s);
    const r = await addBatch(s, [
      scalar(task, "loss", "train", 2, 0.5),
      scalar(task, "loss", "train", 0, 2),
      scalar(task, "loss", "val", 0, 3),
      scalar(task, "acc", "top1", 1, 0.1),
      scalar(task, "loss", "train", 1, 1),
    ]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data, { added: 5, errors: 0, errors_info: {} });
    await addBatch(s, [scalar(task, "loss", "train", 1, 0.75)]);
    assert.deepEqual(scalarSeries(s.store, task), [
      { metric: "acc", variant: "top1", points: [[1, 0.1]] },
      { metric: "loss", variant: "train", points: [[0, 2], [1, 0.75], [2, 0.5]] },
      { metric: "loss", variant: "val", points: [[0, 3]] },
    ]);
  });

  it("keeps last_metrics, last_iteration and unique_metrics on the task", async () => {
    const s = await testServer();
    const task = await newTask(s);
    await addBatch(s, [
      scalar(task, "loss", "train", 0, 4),
      scalar(task, "loss", "train", 1, 1),
      scalar(task, "loss", "train", 2, 2),
    ]);
    await addBatch(s, [scalar(task, "loss", "train", 3, 5)]);
    const t = (await api(s, "tasks.get_by_id", { task })).task;
    const e = t.last_metrics[hashName("loss")][hashName("train")];
    assert.deepEqual(e, {
      metric: "loss",
      variant: "train",
      value: 5,
      first_value: 4,
      first_value_iteration: 0,
      min_value: 1,
      min_value_iteration: 1,
      max_value: 5,
      max_value_iteration: 3,
      mean_value: 3,
      count: 4,
    });
    assert.equal(t.last_iteration, 3);
    assert.deepEqual(
      t.metric_stats[hashName("loss")].event_stats_by_type.training_stats_scalar,
      { last_update: 1736935262003 },
    );
  });

  it("the histogram averages buckets once a series has more points than samples", async () => {
    const s = await testServer();
    const task = await newTask(s);
    const events = [];
    for (let i = 0; i < 100; i++) events.push(scalar(task, "m", "v", i, i));
    events.push(scalar(task, "m", "few", 5, 7));
    await addBatch(s, events);
    const h = await api(s, "events.scalar_metrics_iter_histogram", { task, samples: 10 });
    assert.deepEqual(h.m.few, { name: "few", x: [5], y: [7] });
    assert.deepEqual(h.m.v.x, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.deepEqual(h.m.v.y, [4.5, 14.5, 24.5, 34.5, 44.5, 54.5, 64.5, 74.5, 84.5, 94.5]);
    const all = scalarHistogram(s.store, task, { samples: 2000, key: "iter" });
    assert.equal((all.m as { v: { x: number[] } }).v.x.length, 100);
    const bad = await call(s.app, "/v2.23/events.scalar_metrics_iter_histogram", {
      token: s.token,
      body: { task, samples: 0 },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.meta.result_subcode, 12);
  });

  it("single values are kept apart from the series", async () => {
    const s = await testServer();
    const task = await newTask(s);
    await addBatch(s, [
      scalar(task, "Summary", "accuracy", SINGLE_VALUE_ITER, 0.93),
      scalar(task, "loss", "train", 0, 1),
    ]);
    assert.deepEqual(scalarSeries(s.store, task).map((x) => x.metric), ["loss"]);
    const d = await api(s, "events.get_task_single_value_metrics", { tasks: [task] });
    assert.equal(d.tasks.length, 1);
    assert.equal(d.tasks[0].task, task);
    assert.deepEqual(
      d.tasks[0].values.map((v: { variant: string; value: number }) => [v.variant, v.value]),
      [["accuracy", 0.93]],
    );
    const t = (await api(s, "tasks.get_by_id", { task })).task;
    assert.equal(t.last_iteration, 0, "a single value does not move the iteration below 0");
  });

  it("plots: the latest per (metric, variant), a repeated iteration overwritten", async () => {
    const s = await testServer();
    const task = await newTask(s);
    const plot = (metric: string, iter: number, body: string) => ({
      type: "plot",
      task,
      metric,
      variant: "s",
      iter,
      plot_str: body,
    });
    await addBatch(s, [plot("tbl", 0, '{"a":0}'), plot("tbl", 1, '{"a":1}')]);
    await addBatch(s, [plot("tbl", 1, '{"a":2}'), plot("sc", 0, '{"b":0}')]);
    const latest = plotEvents(s.store, task);
    assert.deepEqual(latest.map((p) => [p.metric, p.iter, p.plot_str, p.plot_len]), [
      ["sc", 0, '{"b":0}', 7],
      ["tbl", 1, '{"a":2}', 7],
    ]);
    const d = await api(s, "events.get_task_plots", { task, iters: 2 });
    assert.equal(d.returned, 3);
    assert.deepEqual(d.plots.map((p: { iter: number }) => p.iter), [0, 1, 0]);
  });

  it("a batch with no valid event is 400/131 and stores nothing", async () => {
    const s = await testServer();
    const r = await addBatch(s, [scalar("ffffffffffffffffffffffffffffffff", "m", "v", 0, 1)]);
    assert.equal(r.status, 400);
    assert.equal(r.json.meta.result_subcode, 131);
    assert.equal(
      r.json.meta.result_msg,
      "events not added: Invalid task id ffffffffffffffffffffffffffffffff=1",
    );
  });

  it("model events go to the model: its last_metrics, and reads with model_events", async () => {
    const s = await testServer();
    const task = await newTask(s);
    const m = await api(s, "models.create", {
      name: "weights",
      uri: "file:///tmp/w.bin",
      ready: false,
    });
    const model = m.id;
    const r = await addBatch(s, [
      { ...scalar(model, "loss", "m", 0, 2), model_event: true },
      { ...scalar(model, "loss", "m", 1, 1), model_event: true },
      { type: "log", task: model, msg: "x", model_event: true },
    ]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data.errors_info, {
      "Task log events are not supported for models": 1,
    });
    const doc = (await api(s, "models.get_by_id", { model })).model;
    assert.equal(doc.last_iteration, 1);
    assert.equal(doc.last_metrics[hashName("loss")][hashName("m")].value, 1);
    const h = await api(s, "events.scalar_metrics_iter_histogram", {
      task: model,
      model_events: true,
    });
    assert.deepEqual(h.loss.m, { name: "m", x: [0, 1], y: [2, 1] });
    const asTask = await call(s.app, "/v2.23/events.scalar_metrics_iter_histogram", {
      token: s.token,
      body: { task: model },
    });
    assert.equal(asTask.json.meta.result_subcode, 101, "a model id is not a task id");
    const mixed = await addBatch(s, [
      { ...scalar(task, "a", "b", 0, 1), model_event: true },
      scalar(task, "a", "b", 1, 1),
    ]);
    assert.equal(mixed.status, 400);
    assert.equal(mixed.json.meta.result_subcode, 12);
  });
});
