/**
 * `tasks.get_all`, `projects.get_all` and `models.get_all` queries as the real server reads them:
 * `_any_`/`_all_` (a case-insensitive pattern over several fields) and, from API 2.15, scrolling
 * with `scroll_id` + `size` (`refresh_scroll` returns what was read so far).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tasksApi as api } from "./_tasks_api.ts";

describe("get_all queries", () => {
  it("_any_ matches a pattern in any field, _all_ in every field, ignoring case", async () => {
    const { c, ok, task } = await api();
    await task({ name: "Alpha run", comment: "first" });
    await task({ name: "beta run", comment: "ALPHA notes" });
    await task({ name: "gamma", comment: "other" });
    const names = async (body: object) =>
      (await ok("tasks.get_all", { ...body, order_by: ["name"] })).tasks.map((
        t: { name: string },
      ) => t.name);
    assert.deepEqual(await names({ _any_: { pattern: "alpha", fields: ["name", "comment"] } }), [
      "Alpha run",
      "beta run",
    ]);
    assert.deepEqual(await names({ _all_: { pattern: "^[ab]", fields: ["name", "comment"] } }), [
      "beta run",
    ]);
    assert.deepEqual(await names({ _any_: { pattern: "x", fields: [] } }), [
      "Alpha run",
      "beta run",
      "gamma",
    ]);
    const bad = await c("tasks.get_all", { _any_: "alpha" });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.meta.result_subcode, 16);
    await ok("projects.create", { name: "Alpha project" });
    const projects = await ok("projects.get_all", {
      _any_: { pattern: "ALPHA", fields: ["name"] },
    });
    assert.deepEqual(projects.projects.map((p: { name: string }) => p.name), ["Alpha project"]);
  });

  it("scrolls from 2.15: size items per call, then none; refresh_scroll re-reads", async () => {
    const { c, ok, task } = await api();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await task({ name: `scroll-${i}` }));
    const first = await ok("tasks.get_all", { scroll_id: null, size: 2, only_fields: ["id"] });
    assert.deepEqual(first.tasks.map((t: { id: string }) => t.id), ids.slice(0, 2));
    assert.match(first.scroll_id, /^[0-9a-f]{32}$/);
    const second = await ok("tasks.get_all", { scroll_id: first.scroll_id, size: 2 });
    assert.deepEqual(second.tasks.map((t: { id: string }) => t.id), ids.slice(2, 4));
    const third = await ok("tasks.get_all", { scroll_id: first.scroll_id, size: 2 });
    assert.deepEqual(third.tasks.map((t: { id: string }) => t.id), ids.slice(4));
    const done = await ok("tasks.get_all", { scroll_id: first.scroll_id, size: 2 });
    assert.deepEqual(done.tasks, []);
    const again = await ok("tasks.get_all", {
      scroll_id: first.scroll_id,
      size: 2,
      refresh_scroll: true,
    });
    assert.equal(again.tasks.length, 5);
    // before 2.15 scroll_id is not read: a page, and no scroll id back
    const old = await c("tasks.get_all", { scroll_id: null, size: 2 }, "2.14");
    assert.equal(old.json.data.tasks.length, 5);
    assert.equal(old.json.data.scroll_id, undefined);
    const noSize = await c("tasks.get_all", { scroll_id: null });
    assert.equal(noSize.json.meta.result_subcode, 12);
    await ok("models.create", { name: "model-a", uri: "u" });
    await ok("models.create", { name: "model-b", uri: "u" });
    const models = await ok("models.get_all", { scroll_id: null, size: 1 });
    assert.equal(models.models.length, 1);
    assert.ok(models.scroll_id);
  });

  it("date conditions, ranges and execution.queue", async () => {
    const { s: server, c, ok, task } = await api();
    const early = await task({ name: "early" });
    await ok("tasks.started", { task: early });
    server.clock.now += 60_000;
    const late = await task({ name: "late" });
    await ok("tasks.started", { task: late });
    await ok("tasks.edit", { task: late, force: true, comment: "x" });
    const names = async (body: object) =>
      (await ok("tasks.get_all", { ...body, order_by: ["name"] })).tasks.map((
        t: { name: string },
      ) => t.name);
    assert.deepEqual(await names({ status_changed: [">2025-01-15T10:00:30"] }), ["late"]);
    assert.deepEqual(await names({ status_changed: ["<=2025-01-15T10:00:30"] }), ["early"]);
    assert.deepEqual(
      await names({ last_update: ["2025-01-15T09:00:00", "2025-01-15T10:00:30"] }),
      ["early"],
    );
    assert.deepEqual(await names({ created: [null, "2025-01-15T10:00:30"] }), ["early"]);
    const { id: queue } = await ok("queues.get_default");
    await ok("tasks.enqueue", { task: await task({ name: "queued" }), queue });
    assert.deepEqual(await names({ "execution.queue": [queue] }), ["queued"]);
    const { id: model } = await ok("models.create", { name: "ranged", uri: "u" });
    const models = await ok("models.get_all", { last_update: [">2025-01-15T10:00:30"] });
    assert.deepEqual(models.models.map((m: { id: string }) => m.id), [model]);
    const none = await ok("models.get_all", { last_update: ["<2025-01-15T10:00:30"] });
    assert.deepEqual(none.models, []);
    await ok("projects.create", { name: "ranged project" });
    const projects = await ok("projects.get_all", { last_update: ["2025-01-15T10:00:30", null] });
    assert.deepEqual(projects.projects.map((p: { name: string }) => p.name), ["ranged project"]);
    const bad = await c("tasks.get_all", { last_iteration: [1] });
    assert.equal(bad.json.meta.result_subcode, 12);
    assert.match(bad.json.meta.result_msg, /Min and max values should be specified/);
  });
});
