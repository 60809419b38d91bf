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
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
/**
 * Loaded by the agent's Python at start (PYTHONPATH): it logs each HTTP call the agent makes, with
 * times, and dumps every thread's stack on SIGUSR1, so that a failure here can be read from the
 * test's output alone.
 */
const TRACE = fileURLToPath(new URL("../fixtures/peer_trace", import.meta.url).href);
/** How long the agent may take to unregister and exit after SIGTERM (it takes about 1 s). */
const EXIT_BOUND_MS = 30_000;
/** What the open-source server also answers 404 to (server-api.md §2.36): the agent tolerates it. */
const OSS_404 = new Set([
  "workers.get_runtime_properties",
  "workers.set_runtime_properties",
  "workers.cluster_report",
  "users.get_vaults",
]);

/** UTC wall-clock time with milliseconds, as the trace lines print it. */
function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

/** The last `n` lines of `text`. */
function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return (lines.length > n ? ["…", ...lines.slice(-n)] : lines).join("\n");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What the kernel says of a process that did not exit: its state and signal masks (pending,
 * blocked, ignored, caught) and, per thread, where it waits (wchan: e.g. pipe_write when nobody
 * reads its output, hrtimer_nanosleep in a sleep).
 */
function processState(pid: number | undefined): string {
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8").trim();
    } catch (e) {
      return `(${path}: ${e instanceof Error ? e.message : e})`;
    }
  };
  const status = read(`/proc/${pid}/status`).split("\n")
    .filter((l) => /^(State|SigQ|SigPnd|ShdPnd|SigBlk|SigIgn|SigCgt):/.test(l)).join(", ");
  let threads: string[] = [];
  try {
    threads = readdirSync(`/proc/${pid}/task`).map((tid) =>
      `${tid} ${read(`/proc/${pid}/task/${tid}/comm`)} waits in ${
        read(`/proc/${pid}/task/${tid}/wchan`)
      }`
    );
  } catch (e) {
    threads = [`(no threads: ${e})`];
  }
  return `${status}; threads: ${threads.join("; ")}`;
}

/** The processes below `pid` (children, theirs, …), from /proc: "PID STATE NAME" each. */
function descendants(pid: number): string[] {
  const parent = new Map<number, { ppid: number; what: string }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "PID (COMM) STATE PPID …": COMM may hold spaces and parentheses, so split at the last ")"
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const [state, ppid] = stat.slice(close + 2).split(" ");
      parent.set(Number(name), {
        ppid: Number(ppid),
        what: `${name} ${state} ${stat.slice(stat.indexOf("(") + 1, close)}`,
      });
    } catch {
      // gone meanwhile
    }
  }
  const below = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, { ppid }] of parent) {
      if (below.has(ppid) && !below.has(p)) grew = below.add(p).size > 0;
    }
  }
  below.delete(pid);
  return [...below].map((p) => parent.get(p)!.what);
}

async function until<T>(
  what: string | (() => string),
  fn: () => Promise<T | undefined>,
  ms: number,
  everyMs = 500,
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
    await new Promise((r) => setTimeout(r, everyMs));
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
  /** What the agent printed and the trace logged, each line stamped on arrival, and our notes. */
  let agentOut = "";
  let atLineStart = true;
  /** Where in `agentOut` the abort test sent tasks.stop. */
  let stopSentAt = 0;
  /** Resolves when the agent process has ended (its pipes may stay open in its children). */
  let agentExit: Promise<string>;
  const note = (text: string) => {
    agentOut += `${atLineStart ? "" : "\n"}${clock()} [test] ${text}\n`;
    atLineStart = true;
  };
  const capture = (chunk: string) => {
    const at = clock();
    for (const part of chunk.split(/(?<=\n)/)) {
      agentOut += atLineStart ? `${at} ${part}` : part;
      atLineStart = part.endsWith("\n");
    }
  };
  /** The tails of the agent's output and of the server's stderr, for failure messages. */
  const evidence = () =>
    `\n--- clearml serve stderr:\n${lastLines(server.stderr(), 12)}\n--- agent output, ` +
    `stamped on arrival ([trace]: its HTTP calls; [test]: this test's steps):\n${
      lastLines(agentOut, 60)
    }\n---`;
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
        // lines reach us as printed (a pipe would otherwise hold the last 8 KB in its buffer)
        PYTHONUNBUFFERED: "1",
        PYTHONPATH: TRACE,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    agent.stdout!.setEncoding("utf8").on("data", capture);
    agent.stderr!.setEncoding("utf8").on("data", capture);
    agentExit = new Promise((r) =>
      agent!.on("exit", (code, signal) => {
        const how = `code ${code}${signal ? `, signal ${signal}` : ""}`;
        note(`the agent exited (${how})`);
        r(how);
      })
    );
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
      () => `task ${id} to end${evidence()}`,
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
        () => `the worker to register${evidence()}`,
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
      assert.equal(s.status, "completed", evidence());
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
    assert.equal(s.status, "failed", evidence());
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
        () => `the abort task to run and log${evidence()}`,
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
      stopSentAt = agentOut.length;
      note("tasks.stop sent");
      const stop = await client.call("tasks.stop", { task: ids.abort });
      assert.equal(stop.fields.status_message, "stopping");
      assert.equal(stop.fields.status, "in_progress");
      const s = await finalStatus(ids.abort!, 60_000);
      note(`the abort task is ${s.status}`);
      assert.equal(s.status, "stopped", evidence());
      assert.equal(s.status_reason, "task was stopped by tasks.stop");
    },
  );

  it(
    "unregisters on SIGTERM; the agent called no endpoint the server lacks",
    { timeout: EXIT_BOUND_MS + 30_000 },
    async () => {
      // SIGTERM when the agent is back at its idle point, as a daemon between tasks is. The real
      // agent's handler raises `Sigterm` wherever its main thread happens to be (clearml_agent/
      // commands/worker.py:714-720) and relies on `finally` blocks to unregister (worker.py:
      // 1501-1519, 1933-1934). Right after the aborted task its main thread is still ending it:
      // log lines, `tasks.stopped`, a status report (worker.py:1163-1177, 1484), while the killed
      // task's processes may not be gone yet. An exception raised on the way out there replaces
      // `Sigterm`: e.g. psutil's NoSuchProcess from run_tasks_loop's `finally`, which kills every
      // process below the agent (worker.py:1514, helper/process.py:95-98) and fails on one that
      // exits between the listing and the kill; the daemon's `except Exception` (worker.py:
      // 1910-1932) then prints "FATAL ERROR" and polls on, and the worker stays registered.
      // So: wait until the agent prints that it polls again after the aborted task ("No tasks
      // in Queues, sleeping for 5.0 seconds", worker.py:1496-1497, then a 5 s sleep) and nothing
      // runs below it; the SIGTERM then lands in that sleep.
      note(`below the agent: ${descendants(agent!.pid!).join(", ") || "nothing"}`);
      await until(
        () =>
          `the agent to be idle after the aborted task (below it: ${
            descendants(agent!.pid!).join(", ") || "nothing"
          })${evidence()}`,
        () => {
          const since = agentOut.slice(stopSentAt);
          const done = since.indexOf(`DONE: Running task '${ids.abort}'`);
          const idle = done >= 0 && since.indexOf("No tasks in Queues, sleeping", done) > done;
          // a zombie (state Z) is gone already; only the agent's own wait would remove it
          const running = descendants(agent!.pid!).filter((d) => d.split(" ")[1] !== "Z");
          return Promise.resolve(idle && running.length === 0 ? true : undefined);
        },
        60_000,
        50,
      );
      const sent = Date.now();
      note("SIGTERM sent");
      agent!.kill("SIGTERM");
      const how = await Promise.race([agentExit, sleep(EXIT_BOUND_MS).then(() => undefined)]);
      const took = Date.now() - sent;
      let exit = `the agent exited (${how}) ${took} ms after SIGTERM`;
      if (how === undefined) {
        exit = `the agent had not exited ${took} ms after SIGTERM (${processState(agent!.pid)})`;
        note(`${exit}; SIGUSR1: its threads' stacks follow`);
        process.kill(agent!.pid!, "SIGUSR1");
        await sleep(1000);
      }
      const w = (await client.call("workers.get_all", { last_seen: 0 })).workers as {
        id: string;
      }[];
      assert.ok(!w.some((x) => x.id === WORKER), `worker gone after SIGTERM; ${exit}${evidence()}`);
      assert.ok(how !== undefined, `${exit}${evidence()}`);
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
