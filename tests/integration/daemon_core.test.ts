/**
 * The daemon loop against a real `clearml serve` process, tasks run as real processes through the
 * agent's capture: a task that completes (log shipped, worker registered then gone), one that
 * fails, one aborted while running (tasks.stop → `stopping` → stopped), and a server that drops
 * connections (the client retries, the daemon keeps running).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { runDaemon } from "../../src/agent/daemon.ts";
import type { TaskResult } from "../../src/agent/daemon_task.ts";
import type { ApiClient } from "../../src/api/client.ts";
import { executeFromServer } from "../../src/agent/daemon_execute.ts";
import {
  apiFor,
  createShellTask,
  droppingForwarder,
  logOf,
  type Serve,
  shellRunner,
  SKIP,
  startServe,
  taskOf,
  tempDir,
  waitFor,
  workerIds,
} from "./daemon_helpers.ts";

interface Running {
  results: TaskResult[];
  stop(): Promise<void>;
  done: Promise<void>;
}

function startDaemon(
  api: ApiClient,
  queue: string,
  worker: string,
  stateDir: string,
  concurrency = 1,
): Running {
  const shutdown = new AbortController();
  const results: TaskResult[] = [];
  const done = runDaemon({
    api,
    worker,
    queues: [{ id: queue, name: "default" }],
    pollMs: 200,
    statusPollMs: 200,
    pingMs: 500,
    reportMs: 1000,
    logFlushMs: 200,
    runner: shellRunner(),
    stateDir,
    shutdown: shutdown.signal,
    say: () => {},
    onTask: (r) => results.push(r),
    concurrency,
    serviceWorkers: concurrency !== 1,
  });
  return {
    results,
    done,
    stop: async () => {
      shutdown.abort("SIGTERM");
      await done;
    },
  };
}

if (SKIP) it(`skips the daemon tests: ${SKIP}`, { skip: SKIP }, () => {});

describe("agent daemon against clearml serve", { skip: SKIP }, () => {
  let serve: Serve;
  let api: ApiClient;
  let queue: string;
  let stateDir: string;
  before(async () => {
    serve = await startServe();
    api = apiFor(serve.url);
    queue = String((await api.call("queues", "get_default", {})).id);
    stateDir = tempDir();
  }, { timeout: 60_000 });
  after(async () => {
    await serve?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("runs a task to completed, ships its log, registers the worker and unregisters it", {
    timeout: 120_000,
  }, async () => {
    const id = await createShellTask(api, "hello-task", "echo hello from the task", queue);
    const d = startDaemon(api, queue, "it-host:0", stateDir);
    try {
      await waitFor("the task to finish", () => d.results.find((r) => r.task === id));
      assert.ok((await workerIds(api)).includes("it-host:0"), "registered while running");
    } finally {
      await d.stop();
    }
    const t = await taskOf(api, id);
    assert.equal(t.status, "completed");
    assert.equal(t.status_reason, "worker execution done");
    assert.equal(t.status_message, "Changed by clearml-agent it-host:0");
    const log = await logOf(api, id);
    assert.match(log, new RegExp(`task ${id} pulled from ${queue} by worker it-host:0\n`));
    assert.match(log, /hello from the task\n/);
    assert.match(log, /Process completed successfully/);
    assert.ok(!(await workerIds(api)).includes("it-host:0"), "unregistered after stop");
  });

  it("reports a failing task as failed with its exit code", { timeout: 120_000 }, async () => {
    const id = await createShellTask(api, "failing-task", "echo broken >&2; exit 3", queue);
    const d = startDaemon(api, queue, "it-host:1", stateDir);
    try {
      await waitFor("the task to finish", () => d.results.find((r) => r.task === id));
    } finally {
      await d.stop();
    }
    const t = await taskOf(api, id);
    assert.equal(t.status, "failed");
    assert.equal(t.status_reason, "worker execution exit code 3");
    const log = await logOf(api, id);
    assert.match(log, /broken\n/);
    assert.match(log, /Process failed, exit code 3/);
  });

  it(
    "aborts a running task on tasks.stop and reports it stopped",
    { timeout: 120_000 },
    async () => {
      const id = await createShellTask(
        api,
        "long-task",
        "echo started; sleep 30; echo never",
        queue,
      );
      const d = startDaemon(api, queue, "it-host:2", stateDir);
      try {
        await waitFor(
          "the first line on the server",
          async () => (await logOf(api, id)).includes("started\n") || undefined,
        );
        // The worker reported this task, so the server asks it to stop (E47) instead of stopping.
        const r = await api.call("tasks", "stop", { task: id });
        assert.equal((r.fields as { status_message?: string }).status_message, "stopping");
        const t0 = Date.now();
        const res = await waitFor("the abort", () => d.results.find((x) => x.task === id));
        assert.ok(Date.now() - t0 < 5000, "aborted within a few polls");
        assert.equal(res.stop, "stopped");
      } finally {
        await d.stop();
      }
      const t = await taskOf(api, id);
      assert.equal(t.status, "stopped");
      assert.equal(t.status_reason, "task was stopped by tasks.stop");
      const log = await logOf(api, id);
      assert.match(log, /User aborted: stopping task \(stopped\)/);
      assert.match(log, /Process aborted by user/);
      assert.doesNotMatch(log, /never/);
    },
  );

  it("keeps running through a server that drops connections", { timeout: 120_000 }, async () => {
    const fwd = await droppingForwarder(serve.url, 4, 2);
    const retries: string[] = [];
    const flaky = apiFor(fwd.url, { onRetry: (n) => retries.push(n.reason) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await createShellTask(api, `flaky-${i}`, `echo n${i}`, queue));
    }
    const d = startDaemon(flaky, queue, "it-host:3", stateDir);
    try {
      await waitFor("three tasks", () => ids.every((id) => d.results.some((r) => r.task === id)));
    } finally {
      await d.stop();
      await fwd.close();
    }
    assert.ok(fwd.dropped() > 3, `connections dropped: ${fwd.dropped()}`);
    assert.ok(retries.length > 0, `client retries: ${retries.length}`);
    for (const [i, id] of ids.entries()) {
      assert.equal((await taskOf(api, id)).status, "completed");
      assert.match(await logOf(api, id), new RegExp(`n${i}\n`));
    }
  });

  it("execute --id with monitoring dequeues, starts, runs, ships the log and reports", {
    timeout: 120_000,
  }, async () => {
    const id = await createShellTask(api, "execute-task", "echo via execute; exit 4", queue);
    const run = shellRunner();
    const lines: string[] = [];
    const outcome = await executeFromServer({
      api,
      taskId: id,
      worker: "exec-host:1234",
      monitoring: true,
      run: (task, sink) => run(task, { sink, signal: new AbortController().signal, worker: "x" }),
      say: (l) => lines.push(l),
      logFlushMs: 100,
    });
    assert.equal(outcome.exitCode, 4);
    const t = await taskOf(api, id);
    assert.equal(t.status, "failed");
    assert.equal(t.status_reason, "worker execution exit code 4");
    assert.equal(t.status_message, "Changed by clearml-agent exec-host:1234");
    assert.deepEqual(await api.call("queues", "get_next_task", { queue }), {}, "dequeued");
    assert.match(await logOf(api, id), /via execute\n/);
    assert.deepEqual(lines, []);
  });

  it("services mode runs tasks side by side, each as <id>:service:<task>", {
    timeout: 120_000,
  }, async () => {
    // Each task waits until all three have started: run one after the other, they time out.
    const meet = tempDir("clearml-svc-");
    const script = (i: number) =>
      `echo "as $CLEARML_WORKER_ID"; touch ${meet}/${i}; ` +
      `for n in $(seq 1 100); do [ $(ls ${meet} | wc -l) -ge 3 ] && exit 0; sleep 0.1; done; exit 9`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await createShellTask(api, `svc-${i}`, script(i), queue));
    const d = startDaemon(api, queue, "svc-host:0", stateDir, 3);
    try {
      await waitFor("three tasks", () => ids.every((id) => d.results.some((r) => r.task === id)));
    } finally {
      await d.stop();
      rmSync(meet, { recursive: true, force: true });
    }
    for (const id of ids) {
      assert.equal((await taskOf(api, id)).status, "completed", "all three met");
      assert.match(await logOf(api, id), new RegExp(`as svc-host:0:service:${id}\n`));
    }
  });
});
