/**
 * Real parts for the daemon and client integration tests: a `clearml serve` process on a free
 * port with known keys, the CLI as a subprocess, an ApiClient for the server, a runner that runs
 * a task's entry point with `sh -c` through the agent's own capture (spawnCaptured + TaskLog), and
 * a TCP forwarder that drops connections.
 */
import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient, type ApiClientOptions } from "../../src/api/client.ts";
import type { RetryPolicy } from "../../src/api/settings.ts";
import type { TaskRunner } from "../../src/agent/daemon_task.ts";
import { TaskLog } from "../../src/agent/task_log.ts";
import { spawnCaptured } from "../../src/agent/spawn_captured.ts";
import { outcomeOf } from "../../src/agent/outcome.ts";
import { cliArgv } from "../_helpers/cli.ts";
import { PARTS_REQUIRED } from "../_helpers/real_part.ts";
import { startKeyedServe } from "../server/_serve_process.ts";

export const KEY = "DAEMONTESTACCESSKEY0123456789";
export const SECRET = "daemon-test-secret-key-0123456789abcdef";
export const REQUIRED = PARTS_REQUIRED;
export const SKIP = REQUIRED ? false : "needs CI=true or CLEARML_IT=1 (starts clearml serve)";

/** argv that runs a TypeScript file under the current runtime. */
export function scriptArgv(file: string, args: string[]): [string, string[]] {
  return [process.execPath, cliArgv(args, file)];
}

export function tempDir(prefix = "clearml-daemon-it-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Serve {
  url: string;
  dir: string;
  proc: ChildProcess;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `clearml serve --port 0` with fixed keys; resolves once it listens. */
export async function startServe(): Promise<Serve> {
  const k = await startKeyedServe("clearml-serve-it-", KEY, SECRET);
  return {
    url: k.server.url,
    dir: k.dir,
    proc: k.server.child,
    env: {
      CLEARML_API_HOST: k.server.url,
      CLEARML_API_ACCESS_KEY: KEY,
      CLEARML_API_SECRET_KEY: SECRET,
    },
    stop: () => k.stop(),
  };
}

export const FAST_RETRIES: RetryPolicy = {
  total: 50,
  connect: 50,
  read: 50,
  status: 50,
  backoffFactor: 0.05,
  backoffMax: 0.5,
  statusCodes: [502, 503, 509, 429],
  waitOnMaintenanceForever: true,
};

export function apiFor(url: string, extra: Partial<ApiClientOptions> = {}): ApiClient {
  return new ApiClient({
    host: url,
    credentials: { mode: "keys", key: KEY, secret: SECRET },
    retries: FAST_RETRIES,
    ...extra,
  });
}

/** A task whose entry point is a shell command (run by `shellRunner`). */
export async function createShellTask(
  api: ApiClient,
  name: string,
  command: string,
  queue?: string,
): Promise<string> {
  const r = await api.call("tasks", "create", {
    name,
    type: "training",
    script: { entry_point: command, working_dir: "." },
  });
  const id = String(r.id);
  if (queue) await api.call("tasks", "enqueue", { task: id, queue });
  return id;
}

/**
 * Runs the task's entry point with `sh -c` in a temp dir, output captured by the agent's own
 * TaskLog (stdout file, sink) and ended like a task process; with `runsFile`, appends the task id
 * there first (to count runs across processes).
 */
export function shellRunner(runsFile?: string): TaskRunner {
  return async (task, io) => {
    if (runsFile) appendFileSync(runsFile, `${task.id}\n`);
    const dir = tempDir("clearml-task-");
    const stdoutFile = join(dir, "out.txt");
    const log = TaskLog.open(stdoutFile, io.sink);
    try {
      const r = await spawnCaptured(["sh", "-c", task.script.entry_point ?? "true"], log, {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CLEARML_WORKER_ID: io.worker },
        signal: io.signal,
        graceMs: 500,
      });
      return outcomeOf(r, stdoutFile, log);
    } finally {
      await log.close();
    }
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function taskOf(api: ApiClient, id: string): Promise<Record<string, unknown>> {
  const d = await api.call("tasks", "get_by_id", { task: id });
  return d.task as Record<string, unknown>;
}

export async function logOf(api: ApiClient, id: string): Promise<string> {
  const d = await api.call("events", "get_task_log", {
    task: id,
    navigate_earlier: false,
    batch_size: 10_000,
  });
  return ((d.events ?? []) as Array<{ msg?: string }>).map((e) => e.msg ?? "").join("");
}

export async function workerIds(api: ApiClient): Promise<string[]> {
  const d = await api.call("workers", "get_all", { last_seen: 0 });
  return ((d.workers ?? []) as Array<{ id?: string }>).map((w) => String(w.id));
}

export interface Forwarder {
  url: string;
  /** Requests dropped so far (with their connection). */
  dropped(): number;
  close(): Promise<void>;
}

/** A request line at the start of a chunk's line (what a client sends first for each call). */
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r$/gm;

/**
 * Forward TCP to `target`, cutting the connection (client and upstream) instead of forwarding
 * the last `burst` of every `dropEvery` requests: what a flaky network or proxy does to
 * kept-alive connections and to new ones alike. A burst of two also cuts the request a client
 * sends again at once on a new connection, so that its retries are seen too.
 */
export async function droppingForwarder(
  target: string,
  dropEvery: number,
  burst = 1,
): Promise<Forwarder> {
  const u = new URL(target);
  let n = 0;
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    const up = net.connect(Number(u.port), u.hostname);
    sockets.add(up);
    up.on("close", () => sockets.delete(up));
    up.on("error", () => client.destroy());
    up.on("close", () => client.destroy());
    client.on("close", () => up.destroy());
    client.on("data", (chunk: Buffer) => {
      for (const _ of chunk.toString("latin1").matchAll(REQUEST_LINE)) {
        if (n++ % dropEvery >= dropEvery - burst) {
          dropped++;
          client.destroy();
          up.destroy();
          return;
        }
      }
      up.write(chunk);
    });
    up.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
