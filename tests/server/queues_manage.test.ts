/**
 * The queue endpoints besides the agent's poll (server-api.md §2.5, §2.11 related, §3.2): update,
 * delete (force for a non-empty queue, tasks set back), clear_queue, peek_task and get_num_entries
 * (2.15), move_task_*, and get_all's search_text and scroll_id scrolling (2.15).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { call, type TestServer, testServer } from "./_client.ts";

async function api(s: TestServer, path: string, body: unknown = {}) {
  const r = await call(s.app, path, { method: "POST", token: s.token, body });
  return { status: r.status, meta: r.json.meta, data: r.json.data };
}

async function queueWith(s: TestServer, name: string, tasks: number) {
  const queue = (await api(s, "/v2.23/queues.create", { name })).data.id as string;
  const ids: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const id = (await api(s, "/v2.23/tasks.create", { name: `${name}-${i}`, type: "training" }))
      .data.id as string;
    assert.equal((await api(s, "/v2.23/tasks.enqueue", { task: id, queue })).status, 200);
    ids.push(id);
  }
  return { queue, ids };
}

const entries = async (s: TestServer, queue: string) =>
  ((await api(s, "/v2.23/queues.get_by_id", { queue })).data.queue.entries as Array<
    { task: string }
  >).map((e) => e.task);

describe("queues.update / delete", () => {
  it("updates name and tags, refuses a taken name", async () => {
    const s = await testServer();
    const { queue } = await queueWith(s, "old-name", 0);
    await api(s, "/v2.23/queues.create", { name: "taken" });
    const r = await api(s, "/v2.23/queues.update", {
      queue,
      name: "new-name",
      tags: ["b", "a"],
    });
    assert.equal(r.status, 200);
    assert.equal(r.data.updated, 1);
    assert.equal(r.data.fields.name, "new-name");
    assert.deepEqual(r.data.fields.tags, ["a", "b"]);
    const q = (await api(s, "/v2.23/queues.get_by_id", { queue })).data.queue;
    assert.equal(q.name, "new-name");
    assert.deepEqual(q.tags, ["a", "b"]);
    const dup = await api(s, "/v2.23/queues.update", { queue, name: "taken" });
    assert.equal(dup.status, 400);
    assert.equal(dup.meta.result_subcode, 801);
    const missing = await api(s, "/v2.23/queues.update", { queue: "f".repeat(32), name: "x-y" });
    assert.equal(missing.meta.result_subcode, 701);
  });

  it("deletes an empty queue; a non-empty one only with force, its tasks set back", async () => {
    const s = await testServer();
    const { queue, ids } = await queueWith(s, "doomed", 2);
    const refused = await api(s, "/v2.23/queues.delete", { queue });
    assert.equal(refused.status, 400);
    assert.equal(refused.meta.result_subcode, 702);
    assert.match(refused.meta.result_msg, /^queue is not empty \(use force=true to delete\)/);
    assert.equal((await entries(s, queue)).length, 2, "nothing changed");
    const r = await api(s, "/v2.23/queues.delete", { queue, force: true });
    assert.deepEqual(r.data, { deleted: 1 });
    const gone = await api(s, "/v2.23/queues.get_by_id", { queue });
    assert.equal(gone.meta.result_subcode, 701);
    for (const id of ids) {
      const t = (await api(s, "/v2.23/tasks.get_by_id", { task: id })).data.task;
      assert.equal(t.status, "created");
      assert.equal(t.status_reason, `Queue ${queue} was deleted`);
      assert.equal(t.execution?.queue, undefined);
    }
    const { queue: empty } = await queueWith(s, "empty-one", 0);
    assert.deepEqual((await api(s, "/v2.23/queues.delete", { queue: empty })).data, {
      deleted: 1,
    });
  });
});

describe("queues.clear_queue", () => {
  it("empties the queue and sets back the tasks it was their execution queue for", async () => {
    const s = await testServer();
    const { queue, ids } = await queueWith(s, "cleared", 2);
    const loose = (await api(s, "/v2.23/tasks.create", { name: "added", type: "training" })).data
      .id as string;
    await api(s, "/v2.23/queues.add_task", { queue, task: loose, update_execution_queue: false });
    const r = await api(s, "/v2.23/queues.clear_queue", { queue });
    assert.equal(r.status, 200);
    assert.deepEqual([...r.data.removed_tasks].sort(), [...ids].sort());
    assert.deepEqual(await entries(s, queue), []);
    for (const id of ids) {
      const t = (await api(s, "/v2.23/tasks.get_by_id", { task: id })).data.task;
      assert.equal(t.status, "created");
      assert.equal(t.status_reason, `Queue ${queue} was cleared`);
    }
    const untouched = (await api(s, "/v2.23/tasks.get_by_id", { task: loose })).data.task;
    assert.notEqual(untouched.status_reason, `Queue ${queue} was cleared`);
    assert.deepEqual((await api(s, "/v2.23/queues.clear_queue", { queue })).data, {
      removed_tasks: [],
    });
    const bad = await api(s, "/v2.23/queues.clear_queue", { queue: "e".repeat(32) });
    assert.equal(bad.meta.result_subcode, 701);
  });
});

describe("queues.peek_task / get_num_entries", () => {
  it("shows the next task and the count without popping (2.15 on)", async () => {
    const s = await testServer();
    const { queue, ids } = await queueWith(s, "peeked", 3);
    assert.deepEqual((await api(s, "/v2.15/queues.peek_task", { queue })).data, { task: ids[0] });
    assert.deepEqual((await api(s, "/v2.15/queues.get_num_entries", { queue })).data, { num: 3 });
    assert.equal((await entries(s, queue)).length, 3, "peek does not pop");
    const { queue: empty } = await queueWith(s, "nothing", 0);
    assert.deepEqual((await api(s, "/v2.23/queues.peek_task", { queue: empty })).data, {
      task: null,
    });
    assert.equal((await api(s, "/v2.14/queues.peek_task", { queue })).status, 404);
    const bad = await api(s, "/v2.23/queues.get_num_entries", { queue: "0".repeat(32) });
    assert.equal(bad.meta.result_subcode, 701);
  });
});

describe("queues.move_task_*", () => {
  it("moves an entry forward, backward, to the front and to the back", async () => {
    const s = await testServer();
    const { queue, ids } = await queueWith(s, "ordered", 4);
    const [a, b, c, d] = ids as [string, string, string, string];
    const move = (action: string, task: string, extra = {}) =>
      api(s, `/v2.23/queues.${action}`, { queue, task, ...extra });
    assert.deepEqual((await move("move_task_to_front", c)).data, { position: 0 });
    assert.deepEqual(await entries(s, queue), [c, a, b, d]);
    assert.deepEqual((await move("move_task_to_back", c)).data, { position: 3 });
    assert.deepEqual(await entries(s, queue), [a, b, d, c]);
    assert.deepEqual((await move("move_task_forward", d, { count: 2 })).data, { position: 0 });
    assert.deepEqual(await entries(s, queue), [d, a, b, c]);
    assert.deepEqual((await move("move_task_backward", d)).data, { position: 1 });
    assert.deepEqual(await entries(s, queue), [a, d, b, c]);
    const other = (await api(s, "/v2.23/tasks.create", { name: "loose", type: "training" })).data
      .id as string;
    const r = await move("move_task_to_front", other);
    assert.equal(r.meta.result_subcode, 703);
    // the pop order follows the moves
    const popped = await api(s, "/v2.23/queues.get_next_task", { queue });
    assert.equal(popped.data.entry.task, a);
  });
});

describe("queues.get_all search and scrolling", () => {
  it("search_text matches any word of the name, ignoring case", async () => {
    const s = await testServer();
    for (const n of ["GPU-large", "gpu-small", "cpu-only"]) await queueWith(s, n, 0);
    const names = async (search_text: string) =>
      ((await api(s, "/v2.23/queues.get_all", { search_text })).data.queues as Array<
        { name: string }
      >).map((q) => q.name).sort();
    assert.deepEqual(await names("gpu"), ["GPU-large", "gpu-small"]);
    assert.deepEqual(await names("LARGE only"), ["GPU-large", "cpu-only"]);
  });

  it("scrolls with scroll_id and size, refresh_scroll re-reads", async () => {
    const s = await testServer();
    for (let i = 0; i < 5; i++) await queueWith(s, `scroll-${i}`, 0);
    const all = ((await api(s, "/v2.23/queues.get_all", { order_by: ["name"] })).data
      .queues as Array<{ name: string }>).map((q) => q.name);
    const seen: string[] = [];
    let scroll_id: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await api(s, "/v2.23/queues.get_all", {
        order_by: ["name"],
        scroll_id,
        size: 2,
        only_fields: ["name"],
      });
      assert.equal(r.status, 200);
      assert.equal(typeof r.data.scroll_id, "string");
      scroll_id = r.data.scroll_id;
      const got = (r.data.queues as Array<{ name: string }>).map((q) => q.name);
      if (got.length === 0) break;
      seen.push(...got);
    }
    assert.deepEqual(seen, all, "every queue once, in order");
    const again = await api(s, "/v2.23/queues.get_all", {
      order_by: ["name"],
      scroll_id,
      size: 2,
      refresh_scroll: true,
    });
    assert.equal(again.data.queues.length, all.length);
    const noSize = await api(s, "/v2.23/queues.get_all", { scroll_id: null });
    assert.equal(noSize.status, 400);
    assert.equal(noSize.meta.result_subcode, 12);
    // before 2.15 there is no scrolling: paging only
    const old = await api(s, "/v2.14/queues.get_all", { scroll_id: null, size: 1 });
    assert.equal(old.data.scroll_id, undefined);
  });
});
