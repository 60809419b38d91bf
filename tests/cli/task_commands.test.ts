/**
 * `clearml task create|enqueue|show|log` and `clearml agent list` as subprocesses against a real
 * `clearml serve`: what they print, the server state they leave, and their errors.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../_helpers/cli.ts";
import { MAIN, ROOT } from "../_helpers/cli.ts";
import {
  apiFor,
  scriptArgv,
  type Serve,
  SKIP,
  startServe,
  taskOf,
  tempDir,
} from "../integration/daemon_helpers.ts";
import { addBatch } from "../../src/api/events.ts";
import type { ApiClient } from "../../src/api/client.ts";

if (SKIP) it(`skips the task command tests: ${SKIP}`, { skip: SKIP }, () => {});

describe("clearml task against clearml serve", { skip: SKIP }, () => {
  let serve: Serve;
  let api: ApiClient;
  let home: string;
  const cli = (args: string[]) => runCli(args, { env: { ...serve.env, HOME: home } });
  before(async () => {
    serve = await startServe();
    api = apiFor(serve.url);
    home = tempDir();
  }, { timeout: 60_000 });
  after(() => serve?.stop());

  it(
    "creates a task with its requirements, enqueues it, and shows it",
    { timeout: 60_000 },
    async () => {
      const req = join(home, "requirements.txt");
      writeFileSync(req, "numpy==1.26.4\n");
      const r = cli([
        "task",
        "create",
        "--name",
        "cli-task",
        "--project",
        "cli-project",
        "--repo",
        "https://example.com/repo.git",
        "--branch",
        "main",
        "--script",
        "train.py",
        "--requirements",
        req,
        "--docker",
        "python:3.11",
        "--queue",
        "default",
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.schema, "clearml.task-create/v1");
      assert.match(out.id, /^[0-9a-f]{32}$/);
      assert.equal(out.queue.name, "default");
      const t = await taskOf(api, out.id);
      assert.equal(t.status, "queued");
      const script = t.script as Record<string, unknown>;
      assert.deepEqual(
        ["binary", "repository", "branch", "entry_point", "working_dir", "requirements"].map((k) =>
          script[k]
        ),
        ["python", "https://example.com/repo.git", "main", "train.py", ".", {
          pip: "numpy==1.26.4\n",
        }],
      );
      assert.equal((t.container as { image: string }).image, "python:3.11");

      const shown = cli(["task", "show", out.id]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^status\s+queued$/m);
      assert.match(shown.stdout, /^image\s+python:3\.11$/m);
      const json = JSON.parse(cli(["task", "show", out.id, "--json"]).stdout);
      assert.equal(json.schema, "clearml.task/v1");
      assert.equal(json.task.id, out.id);
    },
  );

  it("enqueues a created task into the default queue", { timeout: 60_000 }, async () => {
    const created = cli(["task", "create", "--name", "later", "--repo", "r", "--script", "s.py"]);
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    assert.equal((await taskOf(api, id)).status, "created");
    const r = cli(["task", "enqueue", id]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /enqueued in default/);
    assert.equal((await taskOf(api, id)).status, "queued");
  });

  it("prints a task's log, and --follow waits for the end", { timeout: 60_000 }, async () => {
    const id = String((await api.call("tasks", "create", { name: "logged", type: "training" })).id);
    await api.call("tasks", "started", { task: id, force: true });
    const event = (msg: string, timestamp: number) => ({
      type: "log" as const,
      level: "INFO",
      task: id,
      worker: "w",
      msg,
      timestamp,
    });
    await addBatch(api, [event("line one\n", 1000), event("line two\n", 2000)]);
    const r = cli(["task", "log", id]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "line one\nline two\n");

    const [cmd, argv] = scriptArgv(MAIN, ["task", "log", id, "--follow", "--interval", "0.2"]);
    const child = spawn(cmd, argv, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...serve.env, HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((res) => child.once("exit", (c) => res(c)));
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(child.exitCode, null, "still following an in_progress task");
    await addBatch(api, [event("line three\n", 3000)]);
    await api.call("tasks", "completed", { task: id, force: true });
    assert.equal(await exited, 0);
    assert.equal(out, "line one\nline two\nline three\n");
  });

  it("fails with the server's message for an unknown task, and exit 3 without credentials", () => {
    const r = cli(["task", "show", "0123456789abcdef0123456789abcdef"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tasks\.get_by_id: invalid task id/);
    const bare = runCli(["task", "show", "x"], {
      env: { CLEARML_API_HOST: serve.url, HOME: home },
    });
    assert.equal(bare.code, 3);
    assert.match(bare.stderr, /no credentials/);
  });

  it("lists registered workers with agent list", { timeout: 60_000 }, async () => {
    await api.call("workers", "register", { worker: "listed-host:0", queues: [] });
    const r = cli(["agent", "list", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.schema, "clearml.agent-list/v1");
    assert.ok(out.workers.some((w: { id: string }) => w.id === "listed-host:0"));
    assert.match(cli(["agent", "list"]).stdout, /^listed-host:0\s/m);
  });
});
