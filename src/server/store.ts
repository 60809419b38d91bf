/**
 * The server's state in SQLite (`node:sqlite`, on Deno and Bun alike): WAL, `synchronous=FULL`, one
 * transaction per state change, so a change is on disk before its response is sent. Domain
 * operations live in `*_store.ts`, each one function per state change over `Store.tx`.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { newId } from "./ids.ts";

/** The one company of a local server: the real server's default company id and name. */
export const COMPANY_ID = "d1bd92a3b039400cbafc60a7a5b1e52b";
export const COMPANY_NAME = "clearml";

export interface Identity {
  user: string;
  company: string;
  role: string;
  userName: string;
  companyName: string;
}

export interface KeyPair {
  accessKey: string;
  secretKey: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS credentials(
  access_key TEXT PRIMARY KEY, secret_key TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS projects(id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queues(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue_entries(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, task TEXT NOT NULL,
  added INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS queue_entries_queue ON queue_entries(queue, seq);
CREATE INDEX IF NOT EXISTS queue_entries_task ON queue_entries(task);
CREATE TABLE IF NOT EXISTS models(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workers(id TEXT PRIMARY KEY, expires INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log_chunks(
  seq INTEGER PRIMARY KEY, task TEXT NOT NULL, n INTEGER NOT NULL, min_ts INTEGER NOT NULL,
  max_ts INTEGER NOT NULL, written INTEGER NOT NULL, worker TEXT NOT NULL, events TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS log_chunks_task_seq ON log_chunks(task, seq);
CREATE INDEX IF NOT EXISTS log_chunks_task_min ON log_chunks(task, min_ts);
CREATE INDEX IF NOT EXISTS log_chunks_task_max ON log_chunks(task, max_ts);
CREATE INDEX IF NOT EXISTS log_chunks_task_span ON log_chunks(task, max_ts - min_ts);
CREATE TABLE IF NOT EXISTS scalar_series(
  id INTEGER PRIMARY KEY, task TEXT NOT NULL, metric TEXT NOT NULL, variant TEXT NOT NULL,
  worker TEXT, UNIQUE(task, metric, variant));
CREATE TABLE IF NOT EXISTS scalar_points(
  series INTEGER NOT NULL, iter INTEGER NOT NULL, value REAL NOT NULL, timestamp INTEGER NOT NULL,
  written INTEGER NOT NULL, worker TEXT, PRIMARY KEY(series, iter)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metric_events(
  seq INTEGER PRIMARY KEY, eid TEXT NOT NULL UNIQUE, task TEXT NOT NULL, type TEXT NOT NULL,
  metric TEXT NOT NULL, variant TEXT NOT NULL, iter INTEGER, timestamp INTEGER NOT NULL,
  doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS metric_events_task ON metric_events(task, type, metric, variant, iter);
`;

/**
 * Data directories written before events had their own tables kept every event as one row of
 * `events`: log rows become one chunk per task, the others documents of `metric_events` (read
 * there as the stored scalars, plots and images), once.
 */
const EVENTS_MIGRATION = `
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY, task TEXT NOT NULL, type TEXT NOT NULL,
  timestamp INTEGER NOT NULL, doc TEXT NOT NULL);
BEGIN IMMEDIATE;
INSERT INTO log_chunks(task, n, min_ts, max_ts, written, worker, events)
  SELECT task, count(*), min(timestamp), max(timestamp), max(timestamp), '<unknown>',
    json_group_array(json(doc))
  FROM (SELECT task, timestamp, doc FROM events WHERE type = 'log' ORDER BY seq) GROUP BY task;
INSERT OR REPLACE INTO metric_events(eid, task, type, metric, variant, iter, timestamp, doc)
  SELECT type || ':' || task || coalesce('-' || json_extract(doc, '$.iter'), '') || '-' ||
      coalesce(json_extract(doc, '$.metric'), '') || '-' || coalesce(json_extract(doc, '$.variant'), '') ||
      coalesce('-' || json_extract(doc, '$.key'), ''),
    task, type, coalesce(json_extract(doc, '$.metric'), ''), coalesce(json_extract(doc, '$.variant'), ''),
    json_extract(doc, '$.iter'), timestamp, doc
  FROM events WHERE type <> 'log' ORDER BY seq;
DELETE FROM events;
COMMIT;
`;

/** Scalars were one wide row each for a while: into series and points, once. */
const SCALARS_MIGRATION = `
BEGIN IMMEDIATE;
INSERT OR IGNORE INTO scalar_series(task, metric, variant, worker)
  SELECT task, metric, variant, min(worker) FROM scalars GROUP BY task, metric, variant;
INSERT OR REPLACE INTO scalar_points(series, iter, value, timestamp, written, worker)
  SELECT s.id, o.iter, o.value, o.timestamp, o.written, o.worker FROM scalars o
  JOIN scalar_series s ON s.task = o.task AND s.metric = o.metric AND s.variant = o.variant;
DROP TABLE scalars;
COMMIT;
`;

/** The database file inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, "clearml-serve.db");
}

export class Store {
  readonly db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();
  #identity?: Identity;
  #depth = 0;

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Open (and create on first use) the store of a data directory; `":memory:"` for tests. */
  static open(dataDir: string): Store {
    let file = ":memory:";
    if (dataDir !== ":memory:") {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      file = databasePath(dataDir);
    }
    const db = new DatabaseSync(file);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec("PRAGMA busy_timeout=5000");
    db.exec(SCHEMA);
    db.exec(EVENTS_MIGRATION);
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scalars'").get()) {
      db.exec(SCALARS_MIGRATION);
    }
    const store = new Store(db);
    store.#seed();
    return store;
  }

  close(): void {
    this.db.close();
  }

  /** A cached prepared statement. */
  stmt(sql: string): StatementSync {
    let s = this.#stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#stmts.set(sql, s);
    }
    return s;
  }

  /** Run `fn` as one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.db.exec("BEGIN IMMEDIATE");
    this.#depth++;
    try {
      const out = fn();
      this.db.exec("COMMIT");
      return out;
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    } finally {
      this.#depth--;
    }
  }

  meta(key: string): string | undefined {
    const row = this.stmt("SELECT value FROM meta WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)").run(key, value);
  }

  /** The local server's single user (role `user`, like the real server's test user). */
  identity(): Identity {
    if (!this.#identity) {
      this.#identity = {
        user: this.meta("user_id")!,
        company: COMPANY_ID,
        role: "user",
        userName: this.meta("user_name")!,
        companyName: COMPANY_NAME,
      };
    }
    return this.#identity;
  }

  jwtSecret(): string {
    return this.meta("jwt_secret")!;
  }

  serverUid(): string {
    return this.meta("server_uid")!;
  }

  credentials(): KeyPair[] {
    const rows = this.stmt("SELECT access_key, secret_key FROM credentials ORDER BY created")
      .all() as { access_key: string; secret_key: string }[];
    return rows.map((r) => ({ accessKey: r.access_key, secretKey: r.secret_key }));
  }

  /** Make `pair` the only accepted key pair (a state change: one transaction). */
  setCredentials(pair: KeyPair): void {
    this.tx(() => {
      this.stmt("DELETE FROM credentials").run();
      this.stmt("INSERT INTO credentials(access_key, secret_key, created) VALUES (?, ?, ?)")
        .run(pair.accessKey, pair.secretKey, Date.now());
    });
  }

  /** The identity of a key pair, or undefined. */
  checkCredentials(accessKey: string, secretKey: string): Identity | undefined {
    const row = this.stmt("SELECT secret_key FROM credentials WHERE access_key = ?").get(
      accessKey,
    ) as { secret_key: string } | undefined;
    return row && row.secret_key === secretKey ? this.identity() : undefined;
  }

  #seed(): void {
    if (this.meta("user_id")) return;
    this.tx(() => {
      this.setMeta("user_id", newId());
      this.setMeta("user_name", "clearml serve");
      this.setMeta(
        "jwt_secret",
        Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex"),
      );
      this.setMeta("server_uid", crypto.randomUUID());
      // A fresh real server creates a queue `default` tagged `default` (server-api.md §1.11).
      const now = Date.now();
      const id = newId();
      this.stmt("INSERT INTO queues(id, name, doc) VALUES (?, ?, ?)").run(
        id,
        "default",
        JSON.stringify({
          id,
          name: "default",
          company: COMPANY_ID,
          created: now,
          last_update: now,
          tags: [],
          system_tags: ["default"],
        }),
      );
    });
  }
}
