/**
 * Daemons as separate processes against one `clearml serve`: two daemons sharing a queue of 50
 * tasks run each task exactly once (get_next_task is atomic); a daemon killed with -9 while its
 * task runs leaves a journal from which the next daemon ships the lines the server never got and
 * ends the task as the server's watchdog would (`stopped`, "Forced stop (non-responsive)"), so it
 * is not left in_progress forever.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { ApiClient } from "../../src/api/client.ts";
import {
  apiFor,
  createShellTask,
  logOf,
  scriptArgv,
  type Serve,
  SKIP,
  startServe,
  taskOf,
  tempDir,
  waitFor,
} from "./daemon_helpers.ts";
import { ROOT } from "../_helpers/cli.ts";

const FIXTURE = fileURLToPath(new URL("./daemon_fixture.ts", import.meta.url).href);

interface Fixture {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startFixture(env: Record<string, string>): Fixture {
  const [cmd, argv] = scriptArgv(FIXTURE, []);
  const proc = spawn(cmd, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let out = "";
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { proc, output: () => out, exited };
}

if (SKIP) it(`skips the daemon process tests: ${SKIP}`, { skip: SKIP }, () => {});

describe("daemon processes against clearml serve", { skip: SKIP }, () => {
  let serve: Serve;
  let api: ApiClient;
  let queue: string;
  let dir: string;
  before(async () => {
    serve = await startServe();
    api = apiFor(serve.url);
    queue = String((await api.call("queues", "get_default", {})).id);
    dir = tempDir();
  }, { timeout: 60_000 });
  after(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "two daemons on one queue run each of 50 tasks exactly once",
    { timeout: 120_000 },
    async () => {
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) {
        ids.push(await createShellTask(api, `many-${i}`, `echo run ${i}`, queue));
      }
      const runs = join(dir, "runs.txt");
      const common = {
        FIX_URL: serve.url,
        FIX_QUEUE: queue,
        FIX_STATE: join(dir, "state"),
        FIX_RUNS: runs,
      };
      const a = startFixture({ ...common, FIX_WORKER: "pair:0" });
      const b = startFixture({ ...common, FIX_WORKER: "pair:1" });
      try {
        await waitFor("50 runs", () => {
          try {
            return readFileSync(runs, "utf8").split("\n").filter(Boolean).length >= 50 || undefined;
          } catch {
            return undefined;
          }
        }, 60_000);
        await waitFor("every task completed", async () => {
          const d = await api.call("tasks", "get_all", { id: ids, only_fields: ["status"] });
          const tasks = d.tasks as Array<{ status: string }>;
          return tasks.length === 50 && tasks.every((t) => t.status === "completed") || undefined;
        }, 30_000);
      } finally {
        a.proc.kill("SIGTERM");
        b.proc.kill("SIGTERM");
        await Promise.all([a.exited, b.exited]);
      }
      const lines = readFileSync(runs, "utf8").split("\n").filter(Boolean);
      assert.equal(lines.length, 50, "50 runs in all");
      assert.deepEqual([...new Set(lines)].sort(), [...ids].sort(), "each task once");
      const byWorker = { a: 0, b: 0 };
      for (const id of ids) {
        const t = await taskOf(api, id);
        const log = await logOf(api, id);
        assert.equal(log.match(/pulled from/g)?.length, 1, `${id} pulled once`);
        if (String(t.status_message).endsWith("pair:0")) byWorker.a++;
        else byWorker.b++;
      }
      assert.ok(
        byWorker.a > 0 && byWorker.b > 0,
        `both daemons worked: ${JSON.stringify(byWorker)}`,
      );
      assert.match(a.output(), /daemon fixture: stopped/);
    },
  );

  it("after kill -9 mid-task, the next daemon ships the captured log and stops the task", {
    timeout: 120_000,
  }, async () => {
    const state = join(dir, "state-kill");
    const id = await createShellTask(
      api,
      "killed-task",
      "echo before-kill; sleep 4; echo after",
      queue,
    );
    // A long flush period: the line is journaled but not yet sent when the daemon dies.
    const env = { FIX_URL: serve.url, FIX_QUEUE: queue, FIX_STATE: state, FIX_FLUSH_MS: "60000" };
    const first = startFixture({ ...env, FIX_WORKER: "victim:0" });
    await waitFor("the task to be in_progress", async () => {
      const t = await taskOf(api, id);
      return t.status === "in_progress" && first.output().includes(`Running task '${id}'`) ||
        undefined;
    });
    await waitFor("the line in the journal", () => {
      try {
        return readFileSync(join(state, `task_${id}.log`), "utf8").includes("before-kill") ||
          undefined;
      } catch {
        return undefined;
      }
    });
    first.proc.kill("SIGKILL");
    await first.exited;
    assert.equal((await taskOf(api, id)).status, "in_progress");
    assert.doesNotMatch(await logOf(api, id), /before-kill/, "not shipped before the kill");

    const second = startFixture({ ...env, FIX_WORKER: "victim:0", FIX_FLUSH_MS: "200" });
    try {
      const t = await waitFor("the task to be ended", async () => {
        const t = await taskOf(api, id);
        return t.status !== "in_progress" ? t : undefined;
      });
      assert.equal(t.status, "stopped");
      assert.equal(t.status_reason, "Forced stop (non-responsive)");
      const log = await logOf(api, id);
      assert.match(log, /before-kill\n/);
      assert.match(log, /was killed; the task is stopped/);
      assert.match(second.output(), new RegExp(`Recovering task ${id}`));
    } finally {
      second.proc.kill("SIGTERM");
      await second.exited;
    }
    assert.throws(() => readFileSync(join(state, `task_${id}.json`)), "journal removed");
  });
});
