/** Queues and their entries (server-api.md §2.4–§2.11), each state change one transaction. */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import { isObj } from "./doc_path.ts";
import { newId } from "./ids.ts";
import type { Identity, Store } from "./store.ts";
import { loadTask, removeFromQueues, saveTask, touchQueue } from "./tasks_store.ts";

export interface QueueRow {
  id: string;
  name: string;
  /** Stored document; dates as epoch ms. */
  doc: Obj;
}

function rowOf(r: { id: string; name: string; doc: string }): QueueRow {
  return { id: r.id, name: r.name, doc: JSON.parse(r.doc) as Obj };
}

export function allQueues(store: Store): QueueRow[] {
  return (store.stmt("SELECT id, name, doc FROM queues ORDER BY seq").all() as {
    id: string;
    name: string;
    doc: string;
  }[]).map(rowOf);
}

export function loadQueue(store: Store, id: string): QueueRow | undefined {
  const r = store.stmt("SELECT id, name, doc FROM queues WHERE id = ?").get(id) as
    | { id: string; name: string; doc: string }
    | undefined;
  return r ? rowOf(r) : undefined;
}

export function queueByName(store: Store, name: string): QueueRow | undefined {
  const r = store.stmt("SELECT id, name, doc FROM queues WHERE name = ?").get(name) as
    | { id: string; name: string; doc: string }
    | undefined;
  return r ? rowOf(r) : undefined;
}

export interface QueueEntry {
  task: string;
  added: number;
}

export function queueEntries(store: Store, queue: string, limit = -1): QueueEntry[] {
  return store.stmt("SELECT task, added FROM queue_entries WHERE queue = ? ORDER BY seq LIMIT ?")
    .all(queue, limit) as unknown as QueueEntry[];
}

export function queueLength(store: Store, queue: string): number {
  const r = store.stmt("SELECT count(*) AS n FROM queue_entries WHERE queue = ?").get(queue) as {
    n: number;
  };
  return Number(r.n);
}

/** The queue object of the API (server-api.md §2.4). */
export function queueView(store: Store, q: QueueRow, maxEntries?: number): Obj {
  const d = q.doc;
  const out: Obj = {
    id: q.id,
    name: q.name,
    company: d.company,
    created: isoDate(Number(d.created)),
    tags: [...(d.tags as string[] ?? [])].sort(),
    system_tags: [...(d.system_tags as string[] ?? [])].sort(),
    entries: queueEntries(store, q.id, maxEntries ?? -1).map((e) => ({
      task: e.task,
      added: isoDate(e.added),
    })),
    last_update: isoDate(Number(d.last_update)),
  };
  if (typeof d.display_name === "string") out.display_name = d.display_name;
  if (isObj(d.metadata)) out.metadata = d.metadata;
  return out;
}

export function mustLoadQueue(store: Store, ident: Identity, id: string): QueueRow {
  const q = loadQueue(store, id);
  if (!q) throw errors.invalidQueueId({ id, company: ident.company });
  return q;
}

/** `queues.create`. */
export function createQueue(
  store: Store,
  ident: Identity,
  input: {
    name: string;
    tags?: string[];
    system_tags?: string[];
    display_name?: string;
    metadata?: Obj;
  },
  now = Date.now(),
): string {
  const name = input.name.trim();
  if (name.length < 3) throw errors.dataValidation({ name: "String value is too short" });
  const bad = [...(input.tags ?? []), ...(input.system_tags ?? [])].filter((t) =>
    t.startsWith("__$")
  );
  if (bad.length) throw errors.fieldsValue("unsupported tag prefix", { values: bad });
  return store.tx(() => {
    if (queueByName(store, name)) throw errors.notUnique({ name, company: ident.company });
    const id = newId();
    const doc: Obj = {
      id,
      name,
      company: ident.company,
      created: now,
      last_update: now,
      tags: input.tags ?? [],
      system_tags: input.system_tags ?? [],
    };
    if (input.display_name !== undefined) doc.display_name = input.display_name;
    if (input.metadata !== undefined) doc.metadata = input.metadata;
    store.stmt("INSERT INTO queues(id, name, doc) VALUES (?, ?, ?)").run(
      id,
      name,
      JSON.stringify(doc),
    );
    return id;
  });
}

/** `queues.get_default`: the one queue tagged `default`. */
export function defaultQueue(store: Store): QueueRow {
  const found = allQueues(store).filter((q) =>
    Array.isArray(q.doc.system_tags) && q.doc.system_tags.includes("default")
  );
  if (found.length === 0) throw errors.noDefaultQueue();
  if (found.length > 1) throw errors.multipleDefaultQueues({ queues: found.map((q) => q.id) });
  return found[0]!;
}

/** `queues.add_task`: append, no status change; sets `execution.queue` if asked. */
export function addTaskToQueue(
  store: Store,
  ident: Identity,
  queue: string,
  task: string,
  updateExecutionQueue: boolean,
  now = Date.now(),
): void {
  store.tx(() => {
    mustLoadQueue(store, ident, queue);
    if (store.stmt("SELECT 1 FROM queue_entries WHERE queue = ? AND task = ?").get(queue, task)) {
      throw errors.alreadyQueued({ task });
    }
    store.stmt("INSERT INTO queue_entries(queue, task, added) VALUES (?, ?, ?)").run(
      queue,
      task,
      now,
    );
    touchQueue(store, queue, now);
    if (updateExecutionQueue) {
      const t = loadTask(store, task);
      if (t) {
        t.execution = { ...(isObj(t.execution) ? t.execution : {}), queue };
        saveTask(store, t);
      }
    }
  });
}

/**
 * What the agents' poll asks most — does the queue exist, is anything waiting — answered from
 * memory while neither table changed. Temporary triggers on this connection count every write
 * to `queues` and `queue_entries`, whichever code makes it (rolled-back ones included, which only
 * costs a read), so a cached answer is never older than this connection's data. Another
 * connection's writes (none while `clearml serve` runs; a second process on the same data dir)
 * are seen within `WATCH_MS`: an answer is read again after that long anyway.
 */
interface QueueWatch {
  /** Writes to the queue tables so far. */
  writes: number;
  /** queue id → [writes when read, read at (ms), exists, has entries]. */
  seen: Map<string, readonly [number, number, boolean, boolean]>;
}

const WATCH_MS = 1000;

const watches = new WeakMap<Store, QueueWatch>();

function watchOf(store: Store): QueueWatch {
  let w = watches.get(store);
  if (!w) {
    const watch: QueueWatch = { writes: 0, seen: new Map() };
    store.db.function("clearml_queue_write", () => {
      watch.writes++;
      return null;
    });
    const triggers = ["queues", "queue_entries"].flatMap((table) =>
      ["INSERT", "UPDATE", "DELETE"].map((op) =>
        `CREATE TEMP TRIGGER IF NOT EXISTS clearml_watch_${table}_${op.toLowerCase()} ` +
        `AFTER ${op} ON main.${table} BEGIN SELECT clearml_queue_write(); END;`
      )
    );
    store.db.exec(triggers.join("\n"));
    watches.set(store, watch);
    w = watch;
  }
  return w;
}

/** [exists, has entries] of a queue, from memory when nothing was written since. */
function queueState(store: Store, queue: string): readonly [boolean, boolean] {
  const w = watchOf(store);
  const hit = w.seen.get(queue);
  const now = Date.now();
  if (hit && hit[0] === w.writes && now - hit[1] < WATCH_MS) return [hit[2], hit[3]];
  const row = store.stmt(
    "SELECT EXISTS(SELECT 1 FROM queues WHERE id = ?1) AS known, " +
      "EXISTS(SELECT 1 FROM queue_entries WHERE queue = ?1) AS waiting",
  ).get(queue) as { known: number; waiting: number };
  const state = [Boolean(row.known), Boolean(row.waiting)] as const;
  // ids come from clients: keep the memo bounded
  if (w.seen.size > 10_000) w.seen.clear();
  w.seen.set(queue, [w.writes, now, ...state]);
  return state;
}

/**
 * `queues.get_next_task`: pop the first entry atomically (two pollers never get the same task).
 * The task stays `queued`; a `stopped` one is set back to `queued` (the real server's race fix).
 */
export function popNextTask(
  store: Store,
  ident: Identity,
  queue: string,
  onlyTask?: string,
  now = Date.now(),
): QueueEntry | undefined {
  // the common poll of an empty queue reads at most once; a pop is one transaction
  const [known, waiting] = queueState(store, queue);
  if (!known) throw errors.invalidQueueId({ id: queue, company: ident.company });
  if (!waiting) return undefined;
  return store.tx(() => {
    const e = store.stmt(
      "SELECT seq, task, added FROM queue_entries WHERE queue = ? ORDER BY seq LIMIT 1",
    ).get(queue) as { seq: number; task: string; added: number } | undefined;
    if (!e || (onlyTask && e.task !== onlyTask)) return undefined;
    store.stmt("DELETE FROM queue_entries WHERE seq = ?").run(e.seq);
    touchQueue(store, queue, now);
    const t = loadTask(store, e.task);
    if (t && t.status === "stopped") {
      t.status = "queued";
      saveTask(store, t);
    }
    return { task: e.task, added: Number(e.added) };
  });
}

/** `queues.remove_task`, optionally forcing the task back to its pre-enqueue status. */
export function removeTaskFromQueue(
  store: Store,
  ident: Identity,
  queue: string,
  task: string,
  updateTaskStatus: boolean,
  now = Date.now(),
): number {
  return store.tx(() => {
    mustLoadQueue(store, ident, queue);
    const removed = removeFromQueues(store, task, queue);
    if (!removed) throw errors.notInQueue({ task, id: queue, company: ident.company });
    touchQueue(store, queue, now);
    if (updateTaskStatus) {
      revertQueued(store, ident, task, queue, `Task was removed from the queue ${queue}`, now);
    }
    return removed;
  });
}

/**
 * A task taken out of `queue` set back to its pre-enqueue status (forced), `execution.queue` unset —
 * only when `execution.queue` is that queue, as the real server's queue operations do. True when
 * it was changed.
 */
function revertQueued(
  store: Store,
  ident: Identity,
  task: string,
  queue: string,
  reason: string,
  now: number,
): boolean {
  const t = loadTask(store, task);
  if (!t || !isObj(t.execution) || t.execution.queue !== queue) return false;
  const d = isoDate(now);
  t.status = typeof t.enqueue_status === "string" ? t.enqueue_status : "created";
  t.status_reason = reason;
  t.status_message = "";
  t.status_changed = d;
  t.last_update = d;
  t.last_change = d;
  t.last_changed_by = ident.user;
  delete t.execution.queue;
  delete t.enqueue_status;
  saveTask(store, t);
  return true;
}

/** Every entry of a queue removed, their tasks set back; the ids of the tasks changed. */
function emptyQueue(
  store: Store,
  ident: Identity,
  queue: string,
  reason: string,
  now: number,
): string[] {
  const changed = [...new Set(queueEntries(store, queue).map((e) => e.task))].filter((task) =>
    revertQueued(store, ident, task, queue, reason, now)
  );
  store.stmt("DELETE FROM queue_entries WHERE queue = ?").run(queue);
  return changed;
}

/** The fields `queues.update` may change, as given (undefined: not given). */
export interface QueueChanges {
  name?: string;
  tags?: string[];
  system_tags?: string[];
  display_name?: string;
  metadata?: Obj;
}

/** `queues.update`: a partial update; returns the fields set (with `last_update`). */
export function updateQueue(
  store: Store,
  ident: Identity,
  id: string,
  changes: QueueChanges,
  now = Date.now(),
): Obj {
  const fields: Obj = {};
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) fields[k] = v;
  if (typeof fields.name === "string") {
    fields.name = fields.name.trim();
    if ((fields.name as string).length < 3) {
      throw errors.dataValidation({ name: "String value is too short" });
    }
  }
  const bad = [...(changes.tags ?? []), ...(changes.system_tags ?? [])].filter((t) =>
    t.startsWith("__$")
  );
  if (bad.length) throw errors.fieldsValue("unsupported tag prefix", { values: bad });
  return store.tx(() => {
    const q = mustLoadQueue(store, ident, id);
    const name = typeof fields.name === "string" ? fields.name : q.name;
    if (name !== q.name && queueByName(store, name)) {
      throw errors.notUnique({ name, company: ident.company });
    }
    const doc: Obj = { ...q.doc, ...fields, last_update: now };
    store.stmt("UPDATE queues SET name = ?, doc = ? WHERE id = ?").run(
      name,
      JSON.stringify(doc),
      id,
    );
    for (const k of ["tags", "system_tags"]) {
      if (Array.isArray(fields[k])) fields[k] = [...(fields[k] as string[])].sort();
    }
    return { ...fields, last_update: isoDate(now) };
  });
}

/**
 * `queues.delete`: a non-empty queue only with `force`, its tasks set back to their pre-enqueue
 * status (`Queue <id> was deleted`).
 */
export function deleteQueue(
  store: Store,
  ident: Identity,
  id: string,
  force: boolean,
  now = Date.now(),
): void {
  store.tx(() => {
    mustLoadQueue(store, ident, id);
    const entries = queueEntries(store, id);
    if (entries.length && !force) throw errors.queueNotEmpty("use force=true to delete", { id });
    emptyQueue(store, ident, id, `Queue ${id} was deleted`, now);
    store.stmt("DELETE FROM queues WHERE id = ?").run(id);
  });
}

/** `queues.clear_queue`: every entry removed, tasks set back; the ids of the tasks changed. */
export function clearQueue(store: Store, ident: Identity, id: string, now = Date.now()): string[] {
  return store.tx(() => {
    if (!loadQueue(store, id)) throw errors.invalidQueueId({ queue: id });
    const changed = emptyQueue(store, ident, id, `Queue ${id} was cleared`, now);
    touchQueue(store, id, now);
    return changed;
  });
}

/** Where a task moves in its queue: to the front, the back, or by a number of places. */
export type Move = "front" | "back" | number;

/**
 * `queues.move_task_*`: the task's entry moved (forward is negative); its index afterwards, as the
 * real server answers (a move past either end stops there).
 */
export function moveQueuedTask(
  store: Store,
  ident: Identity,
  queue: string,
  task: string,
  move: Move,
  now = Date.now(),
): number {
  return store.tx(() => {
    const rows = store.stmt(
      "SELECT seq, task, added FROM queue_entries WHERE queue = ? ORDER BY seq",
    ).all(queue) as { seq: number; task: string; added: number }[];
    const at = rows.findIndex((r) => r.task === task);
    if (!loadQueue(store, queue) || at < 0) {
      throw errors.notInQueue({ task, id: queue, company: ident.company });
    }
    const target = move === "front" ? 0 : move === "back" ? -1 : Math.max(0, at + move);
    const index = target < 0 ? rows.length - 1 : Math.min(target, rows.length - 1);
    if (index !== at) {
      const [entry] = rows.splice(at, 1);
      rows.splice(index, 0, entry!);
      // the order is the seq order: write the entries again in the new order
      store.stmt("DELETE FROM queue_entries WHERE queue = ?").run(queue);
      const insert = store.stmt("INSERT INTO queue_entries(queue, task, added) VALUES (?, ?, ?)");
      for (const r of rows) insert.run(queue, r.task, r.added);
      touchQueue(store, queue, now);
    }
    return index;
  });
}
