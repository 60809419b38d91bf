/**
 * `runDaemon()`: clearml-agent's daemon loop (agent-exec §5.3) against any ClearML server.
 *
 * Start: ship the logs of tasks whose daemon was killed and end those tasks (journal), register
 * the worker. Loop: poll the queues in priority order with `queues.get_next_task`, run a task as
 * soon as one comes (then restart from the first queue), sleep the polling interval when all are
 * empty; report the worker's status every 30 s and on each task change. Errors of the server
 * (down, dropping connections) are reported and the loop goes on. Stop (SIGTERM): end the running
 * task, ship its log, report its status, unregister. The stop ends the loop's own calls at once
 * (a poll retrying against a server that went away included), and the unregister on the way out
 * gets `unregisterMs`, so a daemon whose server is gone still exits promptly.
 */
import type { QueueRef } from "../api/queues.ts";
import { runPulledTask, type TaskContext, type TaskResult } from "./daemon_task.ts";
import { claimOrphans } from "./daemon_journal.ts";
import { LogShipper } from "./daemon_log.ts";

export interface DaemonOptions extends Omit<TaskContext, "queues"> {
  queues: QueueRef[];
  /** Sleep between polls when every queue is empty. */
  pollMs: number;
  /** `workers.status_report` period (30 s in the agent). */
  reportMs: number;
  /** Concurrent tasks: 1, or the `--services-mode` limit (-1: no limit). */
  concurrency?: number;
  /** Each task handed over (tests, benchmarks). */
  onTask?: (r: TaskResult) => void;
  /** Seen when a task is pulled, before it runs (benchmarks). */
  onPulled?: (task: string, at: number) => void;
  /** The bound of `workers.unregister` at the end (retries included). */
  unregisterMs?: number;
}

/** Unregistering on the way out waits this long at most for a server that does not answer. */
export const UNREGISTER_MS = 5_000;

/** `fn` under a signal that aborts after `ms`. */
async function bounded<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const c = new AbortController();
  const t = setTimeout(() => c.abort(new Error(`no answer within ${ms} ms`)), ms);
  try {
    return await fn(c.signal);
  } finally {
    clearTimeout(t);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

const text = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Tasks of killed daemons: ship their remaining log, end them as the server's watchdog does. */
export async function recoverOrphans(
  o: Pick<DaemonOptions, "api" | "stateDir" | "worker" | "say">,
) {
  for (const orphan of claimOrphans(o.stateDir)) {
    const { task } = orphan.record;
    o.say(`Recovering task ${task}: its daemon (pid ${orphan.record.pid}) is gone`);
    const shipper = new LogShipper({ api: o.api, task, worker: orphan.record.worker });
    for (const line of orphan.unshipped.split("\n").slice(0, -1)) shipper.line(line, "stdout");
    shipper.note(
      `clearml agent ${o.worker}: the daemon running this task (pid ${orphan.record.pid}) ` +
        "was killed; the task is stopped",
      "ERROR",
    );
    await shipper.flush();
    try {
      const data = await o.api.call("tasks", "get_all", {
        id: [task],
        only_fields: ["status"],
        search_hidden: true,
      });
      const status = (data.tasks as Array<{ status?: string }> | undefined)?.[0]?.status;
      if (status === "in_progress") {
        await o.api.call("tasks", "stopped", {
          task,
          force: true,
          status_reason: "Forced stop (non-responsive)",
          status_message: `Changed by clearml-agent ${o.worker}`,
        });
      }
      if (shipper.pending === 0) orphan.done();
    } catch (e) {
      o.say(`Warning: recovering task ${task} failed: ${text(e)}`);
    }
  }
}

export async function runDaemon(o: DaemonOptions): Promise<void> {
  const queueIds = o.queues.map((q) => q.id);
  // the loop's own calls end at the stop; the task's final status and log do not (daemon_task.ts)
  const loop = { signal: o.shutdown };
  await recoverOrphans(o);
  try {
    await o.api.call("workers", "register", { worker: o.worker, queues: queueIds }, loop);
  } catch (e) {
    if (!o.shutdown.aborted) o.say(`Warning: workers.register failed: ${text(e)}`);
  }
  o.say(
    `Worker "${o.worker}" - Listening to queues: ${
      o.queues.map((q) => `${q.name} (${q.id})`).join(", ")
    }`,
  );
  const report = () =>
    o.api.call("workers", "status_report", {
      worker: o.worker,
      timestamp: Date.now(),
      queues: queueIds,
    }, loop).catch((e) => {
      if (!o.shutdown.aborted) o.say(`Warning: workers.status_report failed: ${text(e)}`);
    });
  const reporter = setInterval(() => {
    if (running.size === 0) void report();
  }, o.reportMs);

  const ctx: TaskContext = { ...o, queues: queueIds };
  const limit = o.concurrency === undefined || o.concurrency === 0
    ? 1
    : o.concurrency < 0
    ? Infinity
    : o.concurrency;
  const running = new Set<Promise<void>>();
  let failures = 0;
  try {
    while (!o.shutdown.aborted) {
      if (running.size >= limit) {
        await Promise.race(running);
        continue;
      }
      let pulled = false;
      try {
        for (const q of o.queues) {
          if (o.shutdown.aborted) break;
          const data = await o.api.call("queues", "get_next_task", { queue: q.id }, loop);
          const entry = data.entry as { task?: unknown } | undefined;
          if (typeof entry?.task !== "string") continue;
          pulled = true;
          o.onPulled?.(entry.task, Date.now());
          const p: Promise<void> = runPulledTask(ctx, entry.task, q.id)
            .then((r) => o.onTask?.(r))
            .catch((e) => o.say(`Error running task ${entry.task}: ${text(e)}`))
            .finally(() => running.delete(p));
          running.add(p);
          if (limit === 1) await p;
          break; // priority order: start again from the first queue
        }
        failures = 0;
      } catch (e) {
        if (o.shutdown.aborted) break;
        failures++;
        o.say(`Warning: polling the queues failed (${failures} in a row): ${text(e)}`);
      }
      if (!pulled) await sleep(o.pollMs, o.shutdown);
    }
    await Promise.all(running);
  } finally {
    clearInterval(reporter);
    await bounded(
      o.unregisterMs ?? UNREGISTER_MS,
      (signal) => o.api.call("workers", "unregister", { worker: o.worker, queues: [] }, { signal }),
    ).catch((e) => o.say(`Warning: workers.unregister failed: ${text(e)}`));
  }
}
