/**
 * A data directory written before events had their own tables opens with its events readable:
 * log rows of `events` become chunks, other event rows documents, wide `scalars` rows points.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { databasePath, Store } from "../../src/server/store.ts";
import { logTail } from "../../src/server/events_store.ts";
import { plotEvents, scalarSeries } from "../../src/server/scalars_store.ts";

const TASK = "c3a1d2e4f5a64b7c8d9e0f1a2b3c4d5e";

describe("events of an older data directory", () => {
  it("are read from the new tables after the first open, once", () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-events-migration-"));
    try {
      const db = new DatabaseSync(databasePath(dir));
      db.exec(`CREATE TABLE events(seq INTEGER PRIMARY KEY, task TEXT NOT NULL, type TEXT NOT NULL,
        timestamp INTEGER NOT NULL, doc TEXT NOT NULL)`);
      db.exec(`CREATE TABLE scalars(task TEXT NOT NULL, metric TEXT NOT NULL, variant TEXT NOT NULL,
        iter INTEGER NOT NULL, value REAL NOT NULL, timestamp INTEGER NOT NULL, worker TEXT,
        written INTEGER NOT NULL, PRIMARY KEY(task, metric, variant, iter)) WITHOUT ROWID`);
      const ins = db.prepare("INSERT INTO events(task, type, timestamp, doc) VALUES (?, ?, ?, ?)");
      for (
        const [type, ts, doc] of [
          ["log", 1, { type: "log", task: TASK, msg: "first", timestamp: 1, worker: "w" }],
          ["log", 2, { type: "log", task: TASK, msg: "second", timestamp: 2, worker: "w" }],
          ["training_stats_scalar", 3, {
            type: "training_stats_scalar",
            task: TASK,
            metric: "loss",
            variant: "old",
            iter: 4,
            value: 0.5,
            timestamp: 3,
          }],
          ["plot", 3, {
            type: "plot",
            task: TASK,
            metric: "tbl",
            variant: "s",
            iter: 0,
            plot_str: "{}",
            timestamp: 3,
          }],
        ] as const
      ) {
        ins.run(TASK, type, ts, JSON.stringify(doc));
      }
      db.prepare("INSERT INTO scalars VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
        TASK,
        "loss",
        "wide",
        7,
        1.5,
        5,
        "w",
        5,
      );
      db.close();

      for (let round = 0; round < 2; round++) {
        const store = Store.open(dir);
        assert.deepEqual(logTail(store, TASK, 10).map((e) => e.event.msg), ["first", "second"]);
        assert.deepEqual(scalarSeries(store, TASK), [
          { metric: "loss", variant: "old", points: [[4, 0.5]] },
          { metric: "loss", variant: "wide", points: [[7, 1.5]] },
        ]);
        assert.deepEqual(plotEvents(store, TASK).map((p) => p.metric), ["tbl"]);
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
