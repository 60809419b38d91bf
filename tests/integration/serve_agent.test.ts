/**
 * Acceptance: the real clearml-agent 1.9.2 (../shared/peers) uses `clearml serve` as its server.
 * It logs in, registers, pulls enqueued tasks (created and enqueued here with raw HTTP calls),
 * runs them with its own interpreter (no venv, no network), reports each outcome and ships the
 * log: one task completes, one fails (exit code 3), one is aborted while running. Runs when
 * CI=true or CLEARML_IT=1; then a part that cannot start is a failure.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  type KeyedServe,
  peer,
  RawApi,
  type ServeProcess,
  startKeyedServe,
} from "../server/_serve_process.ts";
import { realPartsEnabled } from "../_helpers/real_part.ts";

const KEY = "ACCEPTANCEKEY0123456789ABCDEF";
const SECRET = "acceptanceSecret0123456789abcdefghijklmnopqrstuvwx";
/** Unique per run: the agent refuses a worker id it believes is running (its journal in TMPDIR). */
const WORKER = `acceptance-host:${process.pid}${Math.random().toString(36).slice(2, 8)}`;
/** What the open-source server also answers 404 to (server-api.md §2.36): the agent tolerates it. */
const OSS_404 = new Set([
  "workers.get_runtime_properties",
  "workers.set_runtime_properties",
  "workers.cluster_report",
  "users.get_vaults",
]);

async function until<T>(
  what: string | (() => string),
  fn: () => Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const text = typeof what === "string" ? what : what();
  throw new Error(`timed out waiting for ${text}${last ? ` (last error: ${last})` : ""}`);
}

function script(name: string, source: string) {
  return {
    name,
    type: "training",
    script: { binary: "python3", entry_point: "task.py", working_dir: ".", diff: source },
  };
}

describe("the real clearml-agent 1.9.2 against clearml serve", () => {
  if (!realPartsEnabled("python3 and the peers' python3-* packages")) return;
  let serve: KeyedServe | undefined;
  let server: ServeProcess;
  let agent: ChildProcess | undefined;
  let agentOut = "";
  let agentExit: Promise<number | null>;
  const api = () => new RawApi(server.url);
  let client: RawApi;
  const ids: Record<string, string> = {};

  before(async () => {
    const launcher = peer("clearml-agent.sh");
    serve = await startKeyedServe("clearml-serve-agent-", KEY, SECRET);
    server = serve.server;
    client = api();
    await client.login(KEY, SECRET);
    const queue = (await client.call("queues.get_default")).id;
    const tasks = {
      ok: script("accept-ok", "print('hello from the task')\nprint('second line')\n"),
      fail: script("accept-fail", "import sys\nprint('about to fail')\nsys.exit(3)\n"),
      abort: script(
        "accept-abort",
        "import time\nprint('abort-me started', flush=True)\nfor i in range(600):\n    time.sleep(0.5)\n",
      ),
    };
    for (const [k, body] of Object.entries(tasks)) {
      ids[k] = (await client.call("tasks.create", body)).id;
      const r = await client.call("tasks.enqueue", { task: ids[k], queue });
      assert.equal(r.queued, 1);
    }
    const home = serve.clientHome("home", `agent { worker_id: "${WORKER}" }\n`);
    const tmp = join(serve.dir, "tmp");
    mkdirSync(tmp, { recursive: true });
    agent = spawn(launcher, ["daemon", "--queue", "default", "--foreground"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        // its own temp dir: the agent keeps a machine-wide journal of running workers there
        TMPDIR: tmp,
        // no venv and no pip: the task runs with the agent's own interpreter (no network needed)
        CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1",
        CLEARML_AGENT_SKIP_PIP_VENV_INSTALL: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    agent.stdout!.setEncoding("utf8").on("data", (s: string) => (agentOut += s));
    agent.stderr!.setEncoding("utf8").on("data", (s: string) => (agentOut += s));
    agentExit = new Promise((r) => agent!.on("close", (code) => r(code)));
  });

  after(() => {
    if (agent && agent.exitCode === null) agent.kill("SIGKILL");
    return serve?.stop("SIGKILL");
  });

  async function status(id: string) {
    const r = await client.call("tasks.get_all", {
      id: [id],
      only_fields: ["status", "status_reason", "status_message"],
    });
    return r.tasks[0] as { status: string; status_reason: string; status_message: string };
  }

  async function logText(id: string): Promise<string> {
    const r = await client.call("events.get_task_log", {
      task: id,
      navigate_earlier: false,
      batch_size: 500,
    });
    return (r.events as { msg: string }[]).map((e) => e.msg).join("");
  }

  async function finalStatus(id: string, ms: number) {
    return await until(
      () => `task ${id} to end (agent output:\n${agentOut.slice(-3000)})`,
      async () => {
        const s = await status(id);
        return ["completed", "failed", "stopped"].includes(s.status) ? s : undefined;
      },
      ms,
    );
  }

  it(
    "registers the worker, runs a task to completed and ships its log",
    { timeout: 240_000 },
    async () => {
      const workers = await until(
        () => `the worker to register (agent: ${agentOut.slice(-2000)})`,
        async () => {
          const w = (await client.call("workers.get_all", { last_seen: 0 })).workers as {
            id: string;
          }[];
          return w.some((x) => x.id === WORKER) ? w : undefined;
        },
        120_000,
      );
      assert.ok(workers.some((w) => w.id === WORKER));
      const s = await finalStatus(ids.ok!, 150_000);
      assert.equal(s.status, "completed", agentOut.slice(-3000));
      assert.equal(s.status_reason, "worker execution done");
      assert.equal(s.status_message, `Changed by clearml-agent ${WORKER}`);
      const log = await until("the task's log", async () => {
        const t = await logText(ids.ok!);
        return t.includes("hello from the task") ? t : undefined;
      }, 30_000);
      assert.match(log, new RegExp(`task ${ids.ok} pulled from \\w+ by worker ${WORKER}`));
      assert.match(log, /second line/);
    },
  );

  it("reports a task that exits with 3 as failed, with its log", { timeout: 200_000 }, async () => {
    const s = await finalStatus(ids.fail!, 150_000);
    assert.equal(s.status, "failed", agentOut.slice(-3000));
    assert.equal(s.status_reason, "worker execution exit code 3");
    const log = await until("the failed task's log", async () => {
      const t = await logText(ids.fail!);
      return t.includes("about to fail") ? t : undefined;
    }, 30_000);
    assert.match(log, /about to fail/);
  });

  it(
    "aborts a running task through tasks.stop (status_message stopping)",
    { timeout: 200_000 },
    async () => {
      await until(
        () => `the abort task to run and log (agent: ${agentOut.slice(-2000)})`,
        async () => {
          const s = await status(ids.abort!);
          return s.status === "in_progress" &&
              (await logText(ids.abort!)).includes("abort-me started")
            ? true
            : undefined;
        },
        150_000,
      );
      const w = (await client.call("workers.get_all", { last_seen: 0 })).workers as {
        id: string;
        task?: { id: string };
      }[];
      assert.equal(
        w.find((x) => x.id === WORKER)?.task?.id,
        ids.abort,
        "the worker reports the task",
      );
      const stop = await client.call("tasks.stop", { task: ids.abort });
      assert.equal(stop.fields.status_message, "stopping");
      assert.equal(stop.fields.status, "in_progress");
      const s = await finalStatus(ids.abort!, 60_000);
      assert.equal(s.status, "stopped", agentOut.slice(-3000));
      assert.equal(s.status_reason, "task was stopped by tasks.stop");
    },
  );

  it(
    "unregisters on SIGTERM; the agent called no endpoint the server lacks",
    { timeout: 60_000 },
    async () => {
      agent!.kill("SIGTERM");
      await Promise.race([agentExit, new Promise((r) => setTimeout(r, 30_000))]);
      const w = (await client.call("workers.get_all", { last_seen: 0 })).workers as {
        id: string;
      }[];
      assert.ok(!w.some((x) => x.id === WORKER), "worker gone after SIGTERM");
      const unknown = [...server.stderr().matchAll(/unknown endpoint ([\w.]+)/g)].map((m) => m[1]!);
      const unexpected = unknown.filter((n) => !OSS_404.has(n));
      assert.deepEqual(unexpected, [], "endpoints the agent called that we do not implement");
      // process.kill, not child.kill: Deno reports the signal child.kill sent instead of the code
      process.kill(server.child.pid!, "SIGTERM");
      assert.equal(await server.exited, 0, server.stderr());
      assert.match(server.stderr(), /SIGTERM: finishing in-flight requests\n.*stopped/s);
    },
  );
});
