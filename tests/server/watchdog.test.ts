/** The non-responsive-task watchdog of the real server, with a pinned clock. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { call, testServer } from "./_client.ts";
import { stopNonResponsiveTasks } from "../../src/server/tasks_store.ts";

describe("stopNonResponsiveTasks()", () => {
  it("stops in_progress tasks without news for more than 2 h, and only those", async () => {
    const s = await testServer();
    const make = async (name: string) =>
      (await call(s.app, "/tasks.create", { body: { name, type: "training" }, token: s.token }))
        .json
        .data.id as string;
    const stale = await make("stale-task");
    const pinged = await make("pinged-task");
    const queued = await make("queued-task");
    for (const id of [stale, pinged]) {
      await call(s.app, "/tasks.started", { body: { task: id, force: true }, token: s.token });
    }
    await call(s.app, "/tasks.enqueue", { body: { task: queued }, token: s.token });
    s.clock.now += 7000 * 1000;
    await call(s.app, "/tasks.ping", { body: { task: pinged }, token: s.token });
    assert.deepEqual(stopNonResponsiveTasks(s.store, s.clock.now), []);
    s.clock.now += 300 * 1000;
    assert.deepEqual(stopNonResponsiveTasks(s.store, s.clock.now), [stale]);
    const r = await call(s.app, "/tasks.get_all", {
      body: {
        id: [stale, pinged, queued],
        only_fields: ["id", "status", "status_reason", "last_changed_by"],
      },
      token: s.token,
    });
    const byId = new Map(
      (r.json.data.tasks as { id: string; status: string }[]).map((t) => [t.id, t]),
    );
    assert.deepEqual(byId.get(stale), {
      id: stale,
      status: "stopped",
      status_reason: "Forced stop (non-responsive)",
      last_changed_by: "__apiserver__",
    });
    assert.equal(byId.get(pinged)?.status, "in_progress");
    assert.equal(byId.get(queued)?.status, "queued");
  });
});
