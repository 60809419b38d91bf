import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnCaptured } from "../../../src/agent/spawn_captured.ts";
import { TaskLog } from "../../../src/agent/task_log.ts";
import { memorySink, PY } from "./_plan.ts";

describe("spawnCaptured() and an abort", () => {
  it("an abort that comes while the process is starting still ends it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spawn-captured-"));
    const log = TaskLog.open(join(dir, "out.txt"), memorySink());
    const ac = new AbortController();
    const running = spawnCaptured([PY, "-c", "import time; time.sleep(30)"], log, {
      env: { PATH: "/usr/bin:/bin" },
      signal: ac.signal,
      graceMs: 500,
    });
    // spawnCaptured is now awaiting the start of the process: the abort lands in that window,
    // before any listener could have been added after it
    ac.abort("SIGTERM");
    const r = await running;
    await log.close();
    rmSync(dir, { recursive: true });
    assert.equal(r.aborted, true);
    assert.equal(r.code, null, "ended by the signal, not run to its end");
    assert.equal(r.signal, "SIGTERM");
  });

  it("an abort after the task has exited signals its group, never its pid (free for reuse)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spawn-captured-"));
    const sink = memorySink();
    const log = TaskLog.open(join(dir, "out.txt"), sink);
    const ac = new AbortController();
    // the leader prints its pid and exits; the sleep it leaves in its group holds the pipes open
    const running = spawnCaptured(["/bin/sh", "-c", "sleep 30 & echo $$"], log, {
      env: { PATH: "/usr/bin:/bin" },
      signal: ac.signal,
      graceMs: 500,
    });
    const t0 = Date.now();
    let leader = 0;
    while (!leader || existsSync(`/proc/${leader}`)) {
      assert.ok(Date.now() - t0 < 10_000, "the leader did not exit");
      leader = Number(sink.lines.find(([t]) => /^\d+$/.test(t))?.[0] ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
    const signalled: Array<number> = [];
    const kill = process.kill;
    process.kill = ((pid: number, sig?: string | number) => {
      signalled.push(pid);
      return kill.call(process, pid, sig);
    }) as typeof process.kill;
    try {
      ac.abort("SIGTERM");
      const r = await running;
      assert.equal(r.aborted, true);
    } finally {
      process.kill = kill;
      await log.close();
      rmSync(dir, { recursive: true });
    }
    assert.ok(signalled.includes(-leader), `the group: ${signalled}`);
    assert.ok(!signalled.includes(leader), `the reaped leader's pid: ${signalled}`);
  });
});
