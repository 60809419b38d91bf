/**
 * The daemon's parts on their own: the stop signal read from a status poll (agent-exec §5.10),
 * log messages and packets (§5.9), the log shipper with its journal against a scripted server,
 * the recovery of a killed daemon's journal, the local registry of agents (§5.2), and the
 * `agent execute` argv of the runner.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { stopSignal } from "../../src/agent/daemon_task.ts";
import { addBatch, MAX_MESSAGE_CHARS, messagesOf } from "../../src/api/events.ts";
import { LogShipper } from "../../src/agent/daemon_log.ts";
import { claimOrphans, TaskJournal } from "../../src/agent/daemon_journal.ts";
import { agentsToStop, liveAgents, register } from "../../src/agent/daemon_registry.ts";
import { runOptions } from "../../src/agent/daemon_runner.ts";
import { finalStatus } from "../../src/agent/daemon_status.ts";
import { ApiClient } from "../../src/api/client.ts";
import { NO_RETRIES } from "../_helpers/no_retries.ts";
import { fakeToken, type Seen, startScripted } from "../api/_scripted_server.ts";
import { resolveWith } from "../_helpers/resolve.ts";

const POLICY = NO_RETRIES;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "clearml-daemon-test-"));
}

/** A dead pid: a child that has exited. */
function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

describe("stopSignal()", () => {
  it("aborts on `stopping` in the message of an in_progress task", () => {
    assert.deepEqual(
      stopSignal([{ status: "in_progress", status_message: "stopping" }], 0),
      { stop: "stopped", createdPolls: 0 },
    );
    assert.deepEqual(
      stopSignal([{ status: "in_progress", status_message: "Changed by x" }], 3),
      { createdPolls: 0 },
    );
  });

  it("ends without a status update when someone else changed the task", () => {
    for (const status of ["closed", "stopped", "failed", "published", "queued"]) {
      assert.equal(stopSignal([{ status }], 0).stop, "status_changed");
    }
    assert.equal(stopSignal([], 0).stop, "not_found");
  });

  it("treats `created` as a reset only on the fifth poll in a row", () => {
    let n = 0;
    for (let i = 1; i <= 4; i++) {
      const s = stopSignal([{ status: "created" }], n);
      assert.equal(s.stop, undefined);
      n = s.createdPolls;
    }
    assert.equal(stopSignal([{ status: "created" }], n).stop, "reset");
  });
});

describe("messagesOf()", () => {
  it("joins lines into messages below 64 KiB and splits a longer line", () => {
    assert.deepEqual(messagesOf(["a", "b\n"]), ["a\nb\n"]);
    const long = "x".repeat(70_000);
    const m = messagesOf(["a", long, "b"]);
    assert.equal(m.length, 4);
    assert.equal(m[0], "a\n");
    assert.equal(m[1]!.length, MAX_MESSAGE_CHARS);
    assert.equal(m[1]! + m[2]!, long + "\n");
    assert.equal(m[3], "b\n");
  });
});

async function apiWith(handle: (s: Seen) => { added?: number; fail?: boolean }) {
  const server = await startScripted((req) => {
    if (req.path === "/auth.login") return { envelope: { data: { token: fakeToken() } } };
    const r = handle(req);
    return r.fail ? { drop: true } : { envelope: { data: { added: r.added ?? 0 } } };
  });
  const api = new ApiClient({
    host: server.url,
    credentials: { mode: "keys", key: "k", secret: "s" },
    retries: POLICY,
    sleep: () => Promise.resolve(),
  });
  return { server, api };
}

describe("addBatch() and LogShipper", () => {
  it("sends json-lines packets of at most the packet size", async () => {
    const bodies: string[] = [];
    const { server, api } = await apiWith((s) => {
      bodies.push(s.body);
      assert.equal(s.headers["content-type"], "application/json-lines");
      assert.equal(s.method, "POST");
      return { added: s.body.split("\n").length };
    });
    try {
      const events = Array.from({ length: 10 }, (_, i) => ({
        type: "log" as const,
        level: "DEBUG",
        task: "t",
        worker: "w",
        msg: `line ${i} ${"y".repeat(100)}\n`,
        timestamp: i,
      }));
      assert.equal(await addBatch(api, events, 600), 10);
      assert.ok(bodies.length >= 3);
      for (const b of bodies) assert.ok(Buffer.byteLength(b) <= 600);
      assert.deepEqual(
        bodies.flatMap((b) => b.split("\n")).map((l) => JSON.parse(l).timestamp),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
    } finally {
      await server.close();
    }
  });

  it("keeps lines the server did not take, journals them first, and ships them later", async () => {
    let fail = true;
    const got: Array<{ msg: string; timestamp: number; level: string }> = [];
    const { server, api } = await apiWith((s) => {
      if (fail) return { fail: true };
      const lines = s.body.split("\n").map((l) => JSON.parse(l));
      got.push(...lines);
      return { added: lines.length };
    });
    const dir = tmp();
    try {
      const journal = TaskJournal.open(dir, {
        task: "t1",
        queue: "q",
        worker: "w:0",
        pid: process.pid,
        started: 0,
        shipped: 0,
      });
      const errors: unknown[] = [];
      const shipper = new LogShipper({
        api,
        task: "t1",
        worker: "w:0",
        journal,
        now: () => 1000,
        onError: (e) => errors.push(e),
      });
      shipper.note("pulled");
      shipper.line("out 1", "stdout");
      await shipper.flush();
      assert.equal(errors.length, 1);
      assert.equal(shipper.pending, 2);
      assert.equal(readFileSync(journal.logPath, "utf8"), "pulled\nout 1\n");
      assert.equal(journal.unshippedBytes, 13);
      fail = false;
      shipper.line("out 2", "stderr");
      await shipper.flush();
      assert.equal(shipper.pending, 0);
      assert.equal(journal.unshippedBytes, 0);
      assert.deepEqual(got.map((e) => [e.level, e.msg]), [
        ["INFO", "pulled\n"],
        ["DEBUG", "out 1\nout 2\n"],
      ]);
      // Strictly increasing with a frozen clock, failed attempt included.
      assert.deepEqual(got.map((e) => e.timestamp), [1002, 1003]);
      journal.close(true);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("claimOrphans()", () => {
  it("returns the unshipped log of a dead daemon's task once, and skips live daemons", () => {
    const dir = tmp();
    try {
      const j = TaskJournal.open(dir, {
        task: "dead1",
        queue: "q",
        worker: "w:0",
        pid: deadPid(),
        started: 0,
        shipped: 0,
      });
      j.append("shipped line\n");
      j.shipped(13);
      j.append("lost line\n");
      j.close(false);
      const live = TaskJournal.open(dir, {
        task: "live1",
        queue: "q",
        worker: "w:1",
        pid: process.pid,
        started: 0,
        shipped: 0,
      });
      const orphans = claimOrphans(dir);
      assert.deepEqual(orphans.map((o) => [o.record.task, o.unshipped]), [[
        "dead1",
        "lost line\n",
      ]]);
      assert.equal(claimOrphans(dir).length, 0, "claimed once");
      orphans[0]!.done();
      live.close(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the local agent registry", () => {
  it("gives the smallest free slot, refuses a duplicate explicit id, forgets dead agents", () => {
    const dir = tmp();
    try {
      writeFileSync(join(dir, `.clearmlagent_${deadPid()}_abcd.tmp`), "host:0\n0");
      const a = register(dir, undefined, (s) => `host:${s}`);
      assert.deepEqual([a.id, a.slot], ["host:0", 0]);
      const b = register(dir, undefined, (s) => `host:${s}`);
      assert.deepEqual([b.id, b.slot], ["host:1", 1]);
      assert.throws(
        () => register(dir, "host:1", (s) => `x:${s}`),
        /Instance with the same WORKER_ID \[host:1\] is already running/,
      );
      assert.equal(liveAgents(dir).length, 2);
      assert.deepEqual(agentsToStop(liveAgents(dir), [], undefined, "host").map((x) => x.id), [
        "host:0",
      ]);
      assert.deepEqual(
        agentsToStop(liveAgents(dir), ["host:1"], undefined, "host").map((x) => x.id),
        ["host:1"],
      );
      a.release();
      const c = register(dir, undefined, (s) => `host:${s}`);
      assert.equal(c.slot, 0);
      b.release();
      c.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("runOptions()", () => {
  it("plans a daemon's task as execute, for the task's worker, with the daemon's flags", () => {
    const o = {
      resolution: resolveWith("agent"),
      env: {},
      home: "/home/u",
      cwd: "/home/u",
      cpuOnly: true,
      servicesMode: 0,
      docker: ["python:3.10"],
      say: () => {},
    };
    assert.deepEqual(runOptions(o, "h:cpu:0"), {
      command: "execute",
      workerId: "h:cpu:0",
      cpuOnly: true,
      docker: ["python:3.10"],
    });
    assert.deepEqual(
      runOptions({ ...o, cpuOnly: false, docker: undefined, gpus: "0,1", servicesMode: -1 }, "w"),
      {
        command: "execute",
        workerId: "w",
        gpus: "0,1",
        servicesMode: -1,
      },
    );
  });
});

describe("finalStatus()", () => {
  it("maps an outcome to the agent's status change and reason (agent-exec §5.10)", () => {
    const o = (
      status: "completed" | "failed" | "stopped",
      exitCode: number | null,
      reason?: string,
    ) => ({
      status,
      exitCode,
      stdoutFile: "f",
      ...(reason ? { reason } : {}),
    });
    assert.deepEqual(finalStatus(o("completed", 0), false), {
      action: "completed",
      reason: "worker execution done",
    });
    assert.deepEqual(finalStatus(o("failed", 3), false), {
      action: "failed",
      reason: "worker execution exit code 3",
    });
    assert.deepEqual(
      finalStatus(o("failed", null, "git clone failed"), false).reason,
      "git clone failed",
    );
    assert.deepEqual(finalStatus(o("stopped", 254), false), {
      action: "stopped",
      reason: "user abort",
    });
    assert.deepEqual(finalStatus(o("stopped", null), true), {
      action: "stopped",
      reason: "task was stopped by tasks.stop",
    });
  });
});
