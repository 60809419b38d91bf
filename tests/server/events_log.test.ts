/**
 * Log events stored one chunk per batch and read back by time across chunks: paging by
 * `from_timestamp` neither skips nor repeats a line (also when lines share a timestamp and arrive
 * out of order), the console tail/follow cursor, concurrent batches committed together.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { call, type TestServer, testServer } from "./_client.ts";
import { logSince, logTail } from "../../src/server/events_store.ts";

async function newTask(s: TestServer): Promise<string> {
  const r = await call(s.app, "/v2.23/tasks.create", {
    token: s.token,
    body: { name: "log", type: "training" },
  });
  return r.json.data.id;
}

function addBatch(s: TestServer, events: unknown[]) {
  return call(s.app, "/events.add_batch", {
    method: "POST",
    token: s.token,
    headers: { "content-type": "application/json-lines" },
    body: events.map((e) => JSON.stringify(e)).join("\n"),
  });
}

const log = (task: string, msg: string, timestamp: number) => ({
  type: "log",
  task,
  level: "INFO",
  msg,
  timestamp,
});

/** Every line of the task by paging `events.get_task_log` `size` at a time. */
async function pageAll(s: TestServer, task: string, size: number, earlier: boolean) {
  const seen: string[] = [];
  let from: number | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const r = await call(s.app, "/v2.23/events.get_task_log", {
      token: s.token,
      body: { task, batch_size: size, navigate_earlier: earlier, from_timestamp: from },
    });
    assert.equal(r.status, 200, r.text);
    const d = r.json.data;
    if (!d.returned) return { seen, total: d.total };
    for (const e of d.events) seen.push(e.msg);
    from = d.events.at(-1).timestamp;
  }
  throw new Error("paging did not end");
}

describe("log events", () => {
  it("pages across chunks by time, lines that share a timestamp kept together", async () => {
    const s = await testServer();
    const task = await newTask(s);
    // three batches whose time ranges overlap; timestamps 10..19 with some repeated
    await addBatch(s, [log(task, "a", 10), log(task, "b", 14), log(task, "c", 18)]);
    await addBatch(s, [log(task, "d", 12), log(task, "e", 14), log(task, "f", 19)]);
    await addBatch(s, [log(task, "g", 11), log(task, "h", 14), log(task, "i", 16)]);
    const asc = await pageAll(s, task, 2, false);
    assert.deepEqual(asc.seen, ["a", "g", "d", "b", "e", "h", "i", "c", "f"]);
    assert.equal(asc.total, 9);
    const desc = await pageAll(s, task, 2, true);
    assert.deepEqual(desc.seen, ["f", "c", "i", "h", "e", "b", "d", "g", "a"]);
  });

  it("stores the defaults the real server adds when the line is read back", async () => {
    const s = await testServer();
    const task = await newTask(s);
    const r = await call(s.app, "/events.add_batch", {
      method: "POST",
      token: s.token,
      headers: { "content-type": "application/json-lines", "x-clearml-worker": "host:1" },
      body: JSON.stringify({ type: "log", task, ts: 5, msg: "x", allow_locked: false }),
    });
    assert.equal(r.status, 200, r.text);
    const d = await call(s.app, "/v2.23/events.get_task_log", {
      token: s.token,
      body: { task, navigate_earlier: false },
    });
    const e = d.json.data.events[0];
    assert.equal(e.timestamp, 5);
    assert.equal(e.worker, "host:1");
    assert.equal(e.metric, "");
    assert.equal(e.model_event, false);
    assert.equal(e.ts, undefined);
    assert.equal(e.allow_locked, undefined);
    assert.match(e["@timestamp"], /^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it("stores a chunk deflated and still reads chunks kept as JSON text", async () => {
    const s = await testServer();
    const task = await newTask(s);
    // a row as data directories written before compression hold it
    s.store.db.prepare(
      `INSERT INTO log_chunks(task, n, min_ts, max_ts, written, worker, events)
       VALUES (?, 1, 1, 1, 1, 'w', ?)`,
    ).run(task, JSON.stringify([log(task, "old", 1)]));
    const lines = Array.from({ length: 200 }, (_, k) => log(task, `new line ${k}`, 10 + k));
    assert.equal((await addBatch(s, lines)).status, 200);
    const row = s.store.db.prepare(
      "SELECT typeof(events) AS kind, length(events) AS size FROM log_chunks WHERE n = 200",
    ).get() as { kind: string; size: number };
    assert.equal(row.kind, "blob");
    assert.ok(row.size < JSON.stringify(lines).length / 4, `stored ${row.size} bytes`);
    const all = await pageAll(s, task, 1000, false);
    assert.deepEqual(all.seen, ["old", ...lines.map((l) => l.msg)]);
  });

  it("the console tail and the follow cursor see every line once, in insertion order", async () => {
    const s = await testServer();
    const task = await newTask(s);
    await addBatch(s, [log(task, "1", 1), log(task, "2", 1)]);
    await addBatch(s, [log(task, "3", 0)]);
    const tail = logTail(s.store, task, 2);
    assert.deepEqual(tail.map((e) => e.event.msg), ["2", "3"]);
    await addBatch(s, [log(task, "4", 9), log(task, "5", 9)]);
    const more = logSince(s.store, task, tail.at(-1)!.cursor, 10);
    assert.deepEqual(more.map((e) => e.event.msg), ["4", "5"]);
    assert.deepEqual(logSince(s.store, task, more.at(-1)!.cursor, 10), []);
  });

  it("concurrent batches are all acknowledged and stored; a bad one fails alone", async () => {
    const s = await testServer();
    const task = await newTask(s);
    const replies = await Promise.all([
      ...Array.from({ length: 8 }, (_, k) => addBatch(s, [log(task, `m${k}`, k)])),
      addBatch(s, [log("ffffffffffffffffffffffffffffffff", "nope", 1)]),
    ]);
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200, 200, 200, 200, 400]);
    assert.equal(replies[8]!.json.meta.result_subcode, 131);
    const all = await pageAll(s, task, 100, false);
    assert.deepEqual(all.seen, ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
  });

  it("before 2.9: 1.5 pages in `order`, 1.7 from the head or the tail, a page in `order`", async () => {
    const s = await testServer();
    const task = await newTask(s);
    await addBatch(s, [1, 2, 3, 4, 5].map((t) => log(task, `l${t}`, t)));
    const page = async (path: string, body: Record<string, unknown>) => {
      const r = await call(s.app, path, { token: s.token, body: { task, ...body } });
      assert.equal(r.status, 200, r.text);
      return r.json.data;
    };
    const msgs = (d: { events: { msg: string }[] }) => d.events.map((e) => e.msg);
    const v15 = await page("/v1.5/events.get_task_log", { batch_size: 2 });
    assert.deepEqual(msgs(v15), ["l5", "l4"]);
    const next = await page("/v1.5/events.get_task_log", {
      batch_size: 2,
      scroll_id: v15.scroll_id,
    });
    assert.deepEqual(msgs(next), ["l3", "l2"]);
    const tail = await page("/v1.7/events.get_task_log", {
      batch_size: 2,
      from: "tail",
      order: "asc",
    });
    assert.deepEqual(msgs(tail), ["l4", "l5"]);
    const head = await page("/v1.7/events.get_task_log", { batch_size: 2 });
    assert.deepEqual(msgs(head), ["l2", "l1"]);
  });
});
