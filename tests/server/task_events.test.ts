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

async function api(s: TestServer, ep: string, body: unknown) {
  return await call(s.app, `/v2.23/${ep}`, { token: s.token, body });
}

describe("raw task events", () => {
  it("get_task_events pages by iteration without splitting one, until returned is 0", async () => {
    const { s, task } = await setup();
    const events = [];
    for (let iter = 0; iter < 10; iter++) {
      for (const variant of ["a", "b", "c"]) {
        events.push({
          type: "training_stats_scalar",
          task,
          metric: "m",
          variant,
          iter,
          value: iter * 10 + variant.charCodeAt(0),
        });
      }
    }
    await add(s, events);
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
});
