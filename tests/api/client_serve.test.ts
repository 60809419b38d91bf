/**
 * ApiClient against a running `clearml serve` (a real server process): login and the API level
 * from its token, calls by POST and by GET with a body, the spec's error codes as ApiError, an
 * empty queue's `{}`, log events in and out, and a token given as CLEARML_AUTH_TOKEN.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../src/api/errors.ts";
import { addBatch } from "../../src/api/events.ts";
import { taskLogAfter } from "../../src/api/tasks.ts";
import { apiFor, type Serve, SKIP, startServe } from "../integration/daemon_helpers.ts";

if (SKIP) it(`skips the client tests against clearml serve: ${SKIP}`, { skip: SKIP }, () => {});

describe("ApiClient against clearml serve", { skip: SKIP }, () => {
  let serve: Serve;
  before(async () => {
    serve = await startServe();
  }, { timeout: 60_000 });
  after(() => serve?.stop());

  it("logs in and takes api_version 2.31 from the token", async () => {
    const api = apiFor(serve.url);
    await api.login();
    assert.equal(api.apiVersion, "2.31");
    assert.equal(api.claims?.featureSet, "basic");
    assert.equal(api.versionFor(), "2.23");
  });

  it("creates, enqueues and pulls a task, by POST and by GET with a body", async () => {
    for (const method of ["POST", "GET"] as const) {
      const api = apiFor(serve.url, { method });
      const q = await api.call("queues", "get_default", {});
      const { id } = await api.call("tasks", "create", { name: `via-${method}`, type: "training" });
      const e = await api.call("tasks", "enqueue", { task: id, queue: q.id });
      assert.equal(e.queued, 1);
      const next = await api.call("queues", "get_next_task", { queue: q.id });
      assert.equal((next.entry as { task: string }).task, id);
      assert.deepEqual(await api.call("queues", "get_next_task", { queue: q.id }), {});
    }
  });

  it("raises the spec's errors as ApiError", async () => {
    const api = apiFor(serve.url);
    await assert.rejects(
      api.call("tasks", "get_by_id", { task: "00000000000000000000000000000000" }),
      (e: unknown) =>
        e instanceof ApiError && e.resultCode === 400 && e.subcode === 101 &&
        /invalid task id/.test(e.resultMsg),
    );
    await assert.rejects(
      api.call("tasks", "create", { name: "no-type" }),
      (e: unknown) => e instanceof ApiError && e.subcode === 12,
    );
    await assert.rejects(
      api.call("queues", "frobnicate"),
      (e: unknown) => e instanceof ApiError && e.resultCode === 404,
    );
  });

  it("ships log events as json-lines and reads them back in order", async () => {
    const api = apiFor(serve.url);
    const { id } = await api.call("tasks", "create", { name: "events", type: "training" });
    const events = Array.from({ length: 1200 }, (_, i) => ({
      type: "log" as const,
      level: "DEBUG",
      task: String(id),
      worker: "w",
      msg: `line ${i}\n`,
      timestamp: 1_000_000 + i,
    }));
    assert.equal(await addBatch(api, events, 20_000), 1200);
    const back = await taskLogAfter(api, String(id));
    assert.equal(back.length, 1200);
    assert.deepEqual(back.slice(0, 2).map((l) => l.msg), ["line 0\n", "line 1\n"]);
    assert.equal(back.at(-1)!.msg, "line 1199\n");
    assert.equal((await taskLogAfter(api, String(id), back[999]!.timestamp)).length, 200);
  });

  it("works with a token given as CLEARML_AUTH_TOKEN", async () => {
    const first = apiFor(serve.url);
    await first.login();
    const api = apiFor(serve.url, { credentials: { mode: "token", token: first.token! } });
    assert.ok(Array.isArray((await api.call("queues", "get_all", {})).queues));
  });
});
