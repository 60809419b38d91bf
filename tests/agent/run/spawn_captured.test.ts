import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
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
});
