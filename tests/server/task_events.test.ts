/**
 * Paging through a task's raw events (`events.get_task_events` with its scroll id) and its debug
 * images (`events.debug_images`, earlier iterations on each call), as the SDK does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { call, type TestServer, testServer } from "./_client.ts";

async function setup(): Promise<{ s: TestServer; task: string }> {
  const s = await testServer();
  const r = await call(s.app, "/v2.23/tasks.create", {
    token: s.token,
    body: { name: "raw", type: "training" },
  });
  return { s, task: r.json.data.id };
}

async function add(s: TestServer, events: unknown[]) {
  const r = await call(s.app, "/events.add_batch", {
    method: "POST",
    token: s.token,
    headers: { "content-type": "application/json-lines" },
    body: events.map((e) => JSON.stringify(e)).join("\n"),
  });
  assert.equal(r.status, 200, r.text);
}

/** Scalars of metric `m`: `iters` iterations of each variant. */
function grid(
  task: string,
  iters: number,
  variants: string[],
  value: (i: number, v: string) => number,
) {
  const events = [];
  for (let iter = 0; iter < iters; iter++) {
    for (const variant of variants) {
      events.push({
        type: "training_stats_scalar",
        task,
        metric: "m",
        variant,
        iter,
        value: value(iter, variant),
      });
    }
  }
  return events;
}

async function api(s: TestServer, ep: string, body: unknown) {
  return await call(s.app, `/v2.23/${ep}`, { token: s.token, body });
}

describe("raw task events", () => {
  it("get_task_events pages by iteration without splitting one, until returned is 0", async () => {
    const { s, task } = await setup();
    await add(s, grid(task, 10, ["a", "b", "c"], (iter, v) => iter * 10 + v.charCodeAt(0)));
    const seen: string[] = [];
    let scroll: string | undefined;
    let total = -1;
    for (let page = 0; page < 20; page++) {
      const r = await api(s, "events.get_task_events", {
        task,
        event_type: "training_stats_scalar",
        batch_size: 4,
        scroll_id: scroll,
      });
      assert.equal(r.status, 200, r.text);
      const d = r.json.data;
      if (page === 0) total = d.total;
      if (!d.returned) break;
      // a page ends on a whole iteration: 4 asked, 6 returned (two iterations of three)
      assert.equal(d.returned % 3, 0);
      for (const e of d.events) seen.push(`${e.iter}${e.variant}`);
      scroll = d.scroll_id;
    }
    assert.equal(total, 30);
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    const bad = await api(s, "events.get_task_events", { task, scroll_id: "not-a-scroll" });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.meta.result_subcode, 1104);
  });

  it("debug_images returns the latest iterations first, then earlier ones, then none", async () => {
    const { s, task } = await setup();
    await add(
      s,
      [0, 1, 2].map((iter) => ({
        type: "training_debug_image",
        task,
        metric: "img",
        variant: "v",
        iter,
        key: "k",
        url: `http://files/img_${iter}.png`,
      })),
    );
    const pages: number[][] = [];
    let scroll: string | undefined;
    for (let i = 0; i < 4; i++) {
      const r = await api(s, "events.debug_images", {
        metrics: [{ task, metric: "img", variants: ["v"] }],
        iters: 2,
        scroll_id: scroll,
      });
      assert.equal(r.status, 200, r.text);
      const m = r.json.data.metrics[0];
      pages.push(m.iterations.map((it: { iter: number }) => it.iter));
      scroll = r.json.data.scroll_id;
    }
    assert.deepEqual(pages, [[2, 1], [0], [], []]);
  });

  it("delete_for_task removes every kind of event and says how many", async () => {
    const { s, task } = await setup();
    await add(s, [
      { type: "log", task, msg: "x" },
      { type: "training_stats_scalar", task, metric: "m", variant: "v", iter: 0, value: 1 },
      { type: "plot", task, metric: "p", variant: "v", iter: 0, plot_str: "{}" },
    ]);
    const r = await api(s, "events.delete_for_task", { task });
    assert.deepEqual(r.json.data, { deleted: 3 });
    const again = await api(s, "events.get_task_events", { task });
    assert.equal(again.json.data.total, 0);
  });

  it("scalar_metrics_iter_raw pages every point of a metric by x", async () => {
    const { s, task } = await setup();
    const events: unknown[] = grid(task, 7, ["a", "b"], (iter) => iter);
    events.push({
      type: "training_stats_scalar",
      task,
      metric: "other",
      variant: "a",
      iter: 0,
      value: 9,
    });
    await add(s, events);
    const ys: Record<string, number[]> = { a: [], b: [] };
    let scroll: string | undefined;
    let total = -1;
    for (let page = 0; page < 10; page++) {
      const r = await api(s, "events.scalar_metrics_iter_raw", {
        task,
        metric: { metric: "m" },
        batch_size: 4,
        count_total: true,
        scroll_id: scroll,
      });
      assert.equal(r.status, 200, r.text);
      if (page === 0) total = r.json.data.total;
      if (!r.json.data.returned) break;
      for (
        const [v, d] of Object.entries(r.json.data.variants as Record<string, { y: number[] }>)
      ) {
        ys[v]!.push(...d.y);
      }
      scroll = r.json.data.scroll_id;
    }
    assert.equal(total, 14);
    assert.deepEqual(ys.a, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(ys.b, [0, 1, 2, 3, 4, 5, 6]);
  });

  it("the other scalar reads: multi-task histogram, latest values, metric data, vectors", async () => {
    const { s, task } = await setup();
    const r2 = await call(s.app, "/v2.23/tasks.create", {
      token: s.token,
      body: { name: "second", type: "training" },
    });
    const other = r2.json.data.id;
    await add(s, [
      { type: "training_stats_scalar", task, metric: "loss", variant: "t", iter: 0, value: 3 },
      { type: "training_stats_scalar", task, metric: "loss", variant: "t", iter: 1, value: 2 },
      {
        type: "training_stats_scalar",
        task: other,
        metric: "loss",
        variant: "t",
        iter: 0,
        value: 5,
      },
      { type: "training_stats_vector", task, metric: "vec", variant: "v", iter: 1, values: [1, 2] },
      { type: "training_stats_vector", task, metric: "vec", variant: "v", iter: 0, values: [3] },
    ]);
    const multi = await api(s, "events.multi_task_scalar_metrics_iter_histogram", {
      tasks: [task, other],
    });
    assert.deepEqual(multi.json.data.metrics.loss.t[task], { name: "raw", x: [0, 1], y: [3, 2] });
    assert.deepEqual(multi.json.data.metrics.loss.t[other], { name: "second", x: [0], y: [5] });
    const latest = await api(s, "events.get_task_latest_scalar_values", { task });
    assert.deepEqual(latest.json.data.metrics, [
      { name: "loss", variants: [{ name: "t", last_value: 2, last_10_value: 2 }] },
    ]);
    assert.equal(latest.json.data.last_iter, 1);
    const data = await api(s, "events.get_scalar_metric_data", { task, metric: "loss" });
    assert.deepEqual(data.json.data.events.map((e: { iter: number }) => e.iter), [1, 0]);
    const vec = await api(s, "events.vector_metrics_iter_histogram", {
      task,
      metric: "vec",
      variant: "v",
    });
    assert.deepEqual(vec.json.data, {
      metric: "vec",
      variant: "v",
      vectors: [[3], [1, 2]],
      iterations: [0, 1],
    });
  });

  it("clear_task_log deletes old lines (or some metrics' lines) and keeps the rest", async () => {
    const { s, task } = await setup();
    const old = s.clock.now - 3_600_000;
    await add(s, [
      { type: "log", task, msg: "old", timestamp: old },
      { type: "log", task, msg: "old-kept", timestamp: old, metric: "keep" },
      { type: "log", task, msg: "new", timestamp: s.clock.now },
    ]);
    const r = await api(s, "events.clear_task_log", {
      task,
      threshold_sec: 60,
      exclude_metrics: ["keep"],
    });
    assert.deepEqual(r.json.data, { deleted: 1 });
    const log = await api(s, "events.get_task_log", { task, navigate_earlier: false });
    assert.deepEqual(log.json.data.events.map((e: { msg: string }) => e.msg), ["old-kept", "new"]);
    const all = await api(s, "events.clear_task_log", { task });
    assert.deepEqual(all.json.data, { deleted: 2 });
  });

  it("multi-task plots nest by metric, variant, task and iteration; metrics of many tasks", async () => {
    const { s, task } = await setup();
    await add(s, [
      { type: "plot", task, metric: "p", variant: "v", iter: 0, plot_str: "{}" },
      { type: "plot", task, metric: "p", variant: "v", iter: 1, plot_str: "{}" },
      { type: "training_stats_scalar", task, metric: "m", variant: "b", iter: 0, value: 1 },
      { type: "training_stats_scalar", task, metric: "m", variant: "a", iter: 0, value: 1 },
    ]);
    const r = await api(s, "events.get_multi_task_plots", { tasks: [task], iters: 1 });
    assert.equal(r.status, 200, r.text);
    const byIter = r.json.data.plots.p.v[task];
    assert.deepEqual(Object.keys(byIter), ["1"]);
    assert.equal(byIter["1"].name, "raw");
    assert.equal(byIter["1"].plots[0].iter, 1);
    const m = await api(s, "events.get_multi_task_metrics", {
      tasks: [task],
      event_type: "training_stats_scalar",
    });
    assert.deepEqual(m.json.data, { metrics: [{ metric: "m", variants: ["a", "b"] }] });
  });
});
