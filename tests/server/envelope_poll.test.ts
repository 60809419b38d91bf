/**
 * Two things the fast paths must not change: the envelope text (non-ASCII escaped as the real
 * server's JSON encoder does, client strings quoted, versions below 2.1 as numbers), and the
 * empty-queue poll answered from memory — any write to the queue tables, by whatever code, is
 * seen by the next poll.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { envelopeJson, type Meta } from "../../src/server/envelope.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQueue, popNextTask } from "../../src/server/queues_store.ts";
import { Store } from "../../src/server/store.ts";
import { call, type TestServer, testServer } from "./_client.ts";

const META: Meta = {
  id: "a".repeat(32),
  trx: "a".repeat(32),
  name: "debug.ping",
  requested: "2.14",
  actual: "1.0",
  code: 200,
  subcode: 0,
  msg: "OK",
};

describe("envelopeJson()", () => {
  it("is ASCII, escapes non-ASCII and DEL, and quotes what clients sent", () => {
    const m = { ...META, trx: 'my "trx" é', msg: "bad \\ é\u007f", code: 400, subcode: 12 };
    const text = envelopeJson(m, { name: "été ✓", n: 1 });
    assert.match(text, /^[\x20-\x7e]*$/);
    assert.ok(text.includes("\\u00e9t\\u00e9 \\u2713"));
    assert.ok(text.includes("\\u007f"));
    const back = JSON.parse(text);
    assert.deepEqual(back.data, { name: "été ✓", n: 1 });
    assert.equal(back.meta.trx, 'my "trx" é');
    assert.equal(back.meta.result_msg, "bad \\ é\u007f");
    assert.equal(back.meta.error_stack, null);
    assert.deepEqual(back.meta.error_data, {});
  });

  it("writes the same document as the generic serializer", () => {
    for (const m of [META, { ...META, requested: 1, actual: 1 }, { ...META, actual: null }]) {
      const want = JSON.stringify({
        meta: {
          id: m.id,
          trx: m.trx,
          endpoint: { name: m.name, requested_version: m.requested, actual_version: m.actual },
          result_code: m.code,
          result_subcode: m.subcode,
          result_msg: m.msg,
          error_stack: "",
          error_data: {},
        },
        data: { x: [1, "two"] },
      });
      assert.equal(envelopeJson(m, { x: [1, "two"] }), want);
    }
  });
});

describe("request paths resolved once per app", () => {
  it("keeps each path's endpoint and versions apart, and still answers unknown ones", async () => {
    const s = await testServer();
    const versions = async (path: string) => {
      const m = (await call(s.app, path)).json.meta;
      return [m.endpoint.name, m.endpoint.requested_version, m.endpoint.actual_version];
    };
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(await versions("/debug.ping"), ["debug.ping", "2.31", "1.0"]);
      assert.deepEqual(await versions("/v2.0/debug.ping"), ["debug.ping", 2, 1]);
      assert.deepEqual(await versions("/v2.14/debug.ping"), ["debug.ping", "2.14", "1.0"]);
      assert.deepEqual(await versions("/v2.14/server.info"), ["server.info", "2.14", "2.12"]);
      assert.deepEqual(await versions("/v2.10/server.info"), ["server.info", "2.10", "2.8"]);
      const unknown = await call(s.app, "/v2.14/debug.nope");
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.json.meta.endpoint, {
        name: "debug.nope",
        requested_version: "2.14",
        actual_version: null,
      });
      const bad = await call(s.app, "/v2.14/not-a-path");
      assert.equal(bad.status, 400);
      assert.equal(bad.json.meta.endpoint.name, "");
    }
    // a resolved path keeps its versions for errors too (a token is required here)
    const denied = await call(s.app, "/v2.20/queues.get_all");
    assert.equal(denied.status, 401);
    assert.deepEqual(denied.json.meta.endpoint, {
      name: "queues.get_all",
      requested_version: "2.20",
      actual_version: "2.4",
    });
    // more distinct paths than the app keeps: each still answered for its own version
    const ids = new Set<string>();
    for (let i = 0; i < 1100; i++) {
      const version = `${2 + Math.floor(i / 100)}.${i % 100}`;
      const r = await call(s.app, `/v${version}/debug.ping`);
      assert.equal(r.status, 200);
      // call ids as the real server's: 32 lowercase hex, a new one per call, trx the same
      assert.match(r.json.meta.id, /^[0-9a-f]{32}$/);
      assert.equal(r.json.meta.trx, r.json.meta.id);
      ids.add(r.json.meta.id);
      // below 2.1 a version is a number (server-api.md §1.7)
      assert.equal(r.json.meta.endpoint.requested_version, i === 0 ? 2 : version);
    }
    assert.equal(ids.size, 1100);
  });
});

async function api(s: TestServer, path: string, body: unknown) {
  const r = await call(s.app, path, { method: "POST", token: s.token, body });
  return r.json;
}

describe("the empty-queue poll from memory", () => {
  it("sees tasks enqueued, added and written by any code after an empty poll", async () => {
    const s = await testServer();
    const queue = (await api(s, "/v2.23/queues.create", { name: "watched" })).data.id;
    const poll = async () => (await api(s, "/v2.14/queues.get_next_task", { queue })).data;
    const task = async (name: string) =>
      (await api(s, "/v2.23/tasks.create", { name, type: "training" })).data.id as string;
    assert.deepEqual(await poll(), {});
    assert.deepEqual(await poll(), {}, "cached");
    const a = await task("via-enqueue");
    await api(s, "/v2.23/tasks.enqueue", { task: a, queue });
    assert.equal((await poll()).entry.task, a);
    assert.deepEqual(await poll(), {});
    const b = await task("via-add-task");
    await api(s, "/v2.23/queues.add_task", { queue, task: b });
    assert.equal((await poll()).entry.task, b);
    assert.deepEqual(await poll(), {});
    // a write that no queue function makes (another module's SQL)
    s.store.stmt("INSERT INTO queue_entries(queue, task, added) VALUES (?, ?, ?)").run(
      queue,
      "c".repeat(32),
      Date.now(),
    );
    assert.equal(popNextTask(s.store, s.store.identity(), queue)?.task, "c".repeat(32));
    await api(s, "/v2.23/queues.delete", { queue });
    const gone = await api(s, "/v2.14/queues.get_next_task", { queue });
    assert.equal(gone.meta.result_subcode, 701, "a deleted queue is not remembered");
  });

  it("sees another connection's write within a second", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-watch-"));
    const a = Store.open(dir);
    const b = Store.open(dir);
    try {
      const ident = a.identity();
      const queue = createQueue(a, ident, { name: "shared" });
      assert.equal(popNextTask(a, ident, queue), undefined);
      b.stmt("INSERT INTO queue_entries(queue, task, added) VALUES (?, ?, ?)").run(
        queue,
        "d".repeat(32),
        Date.now(),
      );
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal(popNextTask(a, ident, queue)?.task, "d".repeat(32));
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
