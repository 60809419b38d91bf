/**
 * A stopping daemon whose server has gone away: the stop ends the loop's retrying calls at once and
 * the unregister on the way out is bounded, so `runDaemon()` returns promptly with the agent's own
 * retry policy (240 retries, backoff up to 120 s) still in force. `daemonStop()`: the first signal
 * leaves a grace period once the loop runs (none before), a second one cuts at once.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDaemon } from "../../src/agent/daemon.ts";
import { daemonStop } from "../../src/agent/daemon_stop.ts";
import { ApiClient } from "../../src/api/client.ts";
import type { RetryPolicy } from "../../src/api/settings.ts";

/** The agent's defaults (server-api §1.10). */
const AGENT_RETRIES: RetryPolicy = {
  total: 240,
  connect: 240,
  read: 240,
  status: 240,
  backoffFactor: 1,
  backoffMax: 120,
  statusCodes: [500, 502, 503, 504, 429],
  waitOnMaintenanceForever: true,
};

/** A port nothing listens on: connections are refused, as after the server was killed. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function stoppedWithin(ms: number, p: Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), ms)));
  const r = await Promise.race([p.then(() => "done" as const), late]);
  clearTimeout(timer);
  assert.equal(r, "done", `runDaemon() still running ${ms} ms after the stop`);
  return Date.now() - t0;
}

describe("runDaemon() against a server that has gone away", () => {
  it("returns promptly after the stop, unregister bounded", { timeout: 60_000 }, async () => {
    const port = await deadPort();
    const lines: string[] = [];
    // a token the client holds already, as a daemon whose server went away after login would
    const stateDir = mkdtempSync(join(tmpdir(), "clearml-daemon-stop-"));
    const shutdown = new AbortController();
    const api = new ApiClient({
      host: `http://127.0.0.1:${port}`,
      credentials: { mode: "keys", key: "K", secret: "S" },
      retries: AGENT_RETRIES,
      initialConnectRetries: 240,
    });
    const done = runDaemon({
      api,
      worker: "gone:0",
      queues: [{ id: "q".repeat(32), name: "default" }],
      pollMs: 200,
      statusPollMs: 200,
      pingMs: 0,
      reportMs: 100,
      logFlushMs: 100,
      runner: () => Promise.reject(new Error("no task expected")),
      stateDir,
      shutdown: shutdown.signal,
      say: (l) => lines.push(l),
      unregisterMs: 1_500,
    });
    try {
      // the client is retrying by now (backoff 1 s, 2 s, 4 s, …)
      await new Promise((r) => setTimeout(r, 2_500));
      shutdown.abort("SIGTERM");
      const ms = await stoppedWithin(8_000, done);
      assert.ok(ms >= 1_000, `the unregister had its bounded try (${ms} ms)`);
      assert.ok(
        lines.some((l) => /workers\.unregister failed: .*1500 ms/.test(l)),
        lines.join("\n"),
      );
      assert.ok(!lines.some((l) => /polling the queues failed/.test(l)), lines.join("\n"));
    } finally {
      shutdown.abort("SIGTERM");
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe("daemonStop()", () => {
  it("cuts at once when stopped before the loop runs", () => {
    const firsts: string[] = [];
    const s = daemonStop(60_000, (n) => firsts.push(n));
    s.receive("SIGTERM");
    assert.ok(s.shutdown.aborted);
    assert.ok(s.hard.aborted);
    assert.deepEqual(firsts, []);
    s.dispose();
  });

  it("leaves the grace period once the loop runs, then cuts", async () => {
    const firsts: string[] = [];
    const s = daemonStop(150, (n) => firsts.push(n));
    s.started();
    s.receive("SIGINT");
    assert.ok(s.shutdown.aborted);
    assert.ok(!s.hard.aborted);
    assert.deepEqual(firsts, ["SIGINT"]);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(s.hard.aborted);
    s.dispose();
  });

  it("cuts at a second signal", () => {
    const s = daemonStop(60_000);
    s.started();
    s.receive("SIGTERM");
    assert.ok(!s.hard.aborted);
    s.receive("SIGTERM");
    assert.ok(s.hard.aborted);
    assert.match(String((s.hard.reason as Error).message), /second SIGTERM/);
    s.dispose();
  });
});
