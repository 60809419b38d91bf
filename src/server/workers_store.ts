/**
 * Workers (server-api.md §2.30–§2.33): an entry per worker id with a time to live that reports
 * renew; `status_report` registers unknown workers and marks the task the worker runs.
 */
import type { Obj } from "./call_body.ts";
import { errors } from "./call_error.ts";
import { isoDate } from "./dates.ts";
import type { Identity, Store } from "./store.ts";
import { loadTask, saveTask } from "./tasks_store.ts";
import { loadQueue, queueLength } from "./queues_store.ts";

export const DEFAULT_WORKER_TIMEOUT_S = 600;

function workerKey(ident: Identity, worker: string): string {
  return `worker_${ident.company}_${ident.user}_${worker}`;
}

function loadWorker(store: Store, worker: string, now: number): Obj | undefined {
  const r = store.stmt("SELECT doc, expires FROM workers WHERE id = ?").get(worker) as
    | { doc: string; expires: number }
    | undefined;
  if (!r || Number(r.expires) <= now) return undefined;
  return JSON.parse(r.doc) as Obj;
}

function saveWorker(store: Store, doc: Obj, now: number): void {
  const expires = now + Number(doc.register_timeout) * 1000;
  store.stmt("INSERT OR REPLACE INTO workers(id, expires, doc) VALUES (?, ?, ?)")
    .run(String(doc.id), expires, JSON.stringify(doc));
}

function newWorker(ident: Identity, worker: string, ip: string, timeout: number, now: number): Obj {
  return {
    key: workerKey(ident, worker),
    id: worker,
    user: { id: ident.user, name: ident.userName },
    company: { id: ident.company, name: ident.companyName },
    ip,
    queues: [],
    register_time: now,
    register_timeout: timeout,
    last_activity_time: now,
    tags: [],
    system_tags: [],
  };
}

function checkQueues(store: Store, queues: readonly string[]): void {
  const bad = queues.filter((q) => !loadQueue(store, q));
  if (bad.length) throw errors.invalidQueueId({ ids: bad });
}

export interface Registration {
  worker: string;
  timeout?: number;
  queues?: string[];
  tags?: string[];
  system_tags?: string[];
  ip: string;
}

/** `workers.register`: create or overwrite the entry. */
export function registerWorker(
  store: Store,
  ident: Identity,
  r: Registration,
  now = Date.now(),
): void {
  if (r.timeout !== undefined && r.timeout < 0) {
    throw errors.workerRegistration("invalid timeout", { timeout: r.timeout, worker: r.worker });
  }
  store.tx(() => {
    checkQueues(store, r.queues ?? []);
    const doc = newWorker(ident, r.worker, r.ip, r.timeout || DEFAULT_WORKER_TIMEOUT_S, now);
    doc.queues = r.queues ?? [];
    if (r.tags) doc.tags = r.tags;
    if (r.system_tags) doc.system_tags = r.system_tags;
    saveWorker(store, doc, now);
  });
}

/** `workers.unregister`: unknown workers are not an error (`auto_unregister`). */
export function unregisterWorker(store: Store, worker: string): void {
  store.tx(() => {
    store.stmt("DELETE FROM workers WHERE id = ?").run(worker);
  });
}

export interface StatusReport {
  worker: string;
  task?: string;
  queue?: string;
  queues?: string[];
  tags?: string[] | null;
  system_tags?: string[] | null;
  machine_stats?: Obj | null;
  ip: string;
}

/** `workers.status_report`: auto-registers, renews the TTL, marks the task as run by the worker. */
export function reportWorkerStatus(
  store: Store,
  ident: Identity,
  r: StatusReport,
  now = Date.now(),
): void {
  store.tx(() => {
    const doc = loadWorker(store, r.worker, now) ??
      newWorker(ident, r.worker, r.ip, DEFAULT_WORKER_TIMEOUT_S, now);
    doc.ip = r.ip;
    doc.last_activity_time = now;
    doc.last_report_time = now;
    if (r.queues?.length) doc.queues = r.queues;
    if (r.tags) doc.tags = r.tags;
    if (r.system_tags) doc.system_tags = r.system_tags;
    if (r.machine_stats) doc.machine_stats = r.machine_stats;
    if (r.queue) doc.queue = r.queue;
    else delete doc.queue;
    if (r.task) {
      const t = loadTask(store, r.task);
      if (!t) throw errors.invalidTaskId({ id: r.task, company: ident.company });
      const d = isoDate(now);
      t.last_worker = r.worker;
      t.last_worker_report = d;
      t.last_update = d;
      t.last_change = d;
      saveTask(store, t);
      doc.task = { id: r.task, name: t.name };
      if (typeof t.project === "string") doc.project = { id: t.project };
    } else {
      delete doc.task;
      delete doc.project;
    }
    saveWorker(store, doc, now);
  });
}

function queueInfo(store: Store, id: string): Obj {
  const q = loadQueue(store, id);
  const out: Obj = { id };
  if (q) {
    out.name = q.name;
    if (typeof q.doc.display_name === "string") out.display_name = q.doc.display_name;
    out.num_tasks = queueLength(store, id);
  }
  return out;
}

/** `workers.get_all`: live workers seen within `lastSeen` seconds (0: all live ones). */
export function listWorkers(store: Store, lastSeen: number, now = Date.now()): Obj[] {
  const rows = store.stmt("SELECT doc FROM workers WHERE expires > ? ORDER BY id").all(now) as {
    doc: string;
  }[];
  const out: Obj[] = [];
  for (const { doc: text } of rows) {
    const w = JSON.parse(text) as Obj;
    if (lastSeen > 0 && Number(w.last_activity_time) < now - lastSeen * 1000) continue;
    const view: Obj = {
      key: w.key,
      id: w.id,
      user: w.user,
      company: w.company,
      ip: w.ip,
      register_time: isoDate(Number(w.register_time)),
      register_timeout: w.register_timeout,
      last_activity_time: isoDate(Number(w.last_activity_time)),
    };
    if (w.last_report_time !== undefined) {
      view.last_report_time = isoDate(Number(w.last_report_time));
    }
    const task = w.task as { id: string; name: string } | undefined;
    if (task) {
      const t = loadTask(store, task.id);
      const started = typeof t?.started === "string" ? Date.parse(t.started) : undefined;
      view.task = {
        id: task.id,
        name: t?.name ?? task.name,
        ...(started !== undefined ? { running_time: Math.max(0, now - started) } : {}),
        last_iteration: t?.last_iteration ?? 0,
      };
    }
    if (w.project) view.project = w.project;
    if (typeof w.queue === "string") view.queue = queueInfo(store, w.queue);
    view.queues = (w.queues as string[] ?? []).map((q) => queueInfo(store, q));
    view.tags = w.tags ?? [];
    view.system_tags = w.system_tags ?? [];
    out.push(view);
  }
  return out;
}
