/**
 * How soon an enqueued task starts (issue 7: within 1 poll interval + 200 ms). Against a real
 * `clearml serve` process, tasks are enqueued at random moments of the daemon's poll cycle and the
 * delay to `tasks.started` is read from the server's own clock (`task.started`):
 *   1. the `clearml agent daemon` process as users run it (poll interval 5 s, its minimum);
 *   2. the daemon loop in this process with a 1 s poll interval.
 * Prints min / median / p95 / max, the bound, and the ratio of the worst delay to the bound.
 * Run: bun scripts/bench/daemon_pickup.ts [--samples N] [--cli-samples N]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { runDaemon } from "../../src/agent/daemon.ts";
import type { ApiClient } from "../../src/api/client.ts";
import {
  apiFor,
  createShellTask,
  scriptArgv,
  shellRunner,
  startServe,
  tempDir,
  waitFor,
} from "../../tests/integration/daemon_helpers.ts";
import { MAIN, ROOT } from "../../tests/_helpers/cli.ts";
import { fmtMs, median } from "./_stats.ts";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "20" },
    "cli-samples": { type: "string", default: "6" },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function delays(api: ApiClient, queue: string, pollMs: number, n: number) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(Math.random() * pollMs);
    const id = await createShellTask(api, `pickup-${i}`, "true");
    const enqueued = Date.now();
    await api.call("tasks", "enqueue", { task: id, queue });
    const started = await waitFor("the task to start", async () => {
      const t = (await api.call("tasks", "get_by_id", { task: id })).task as { started?: string };
      return t.started ? Date.parse(t.started) : undefined;
    }, pollMs * 3 + 10_000);
    out.push(started - enqueued);
    // Let the run finish so the next sample finds the daemon polling.
    await waitFor("the task to end", async () => {
      const t = (await api.call("tasks", "get_by_id", { task: id })).task as { status?: string };
      return t.status !== "in_progress" && t.status !== "queued" || undefined;
    }, 60_000);
  }
  return out;
}

function report(label: string, xs: number[], pollMs: number) {
  const s = [...xs].sort((a, b) => a - b);
  const p95 = s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
  const bound = pollMs + 200;
  console.log(
    `${label}: n=${s.length} min ${fmtMs(s[0]!)}, median ${fmtMs(median(s))}, p95 ${
      fmtMs(p95)
    }, max ${fmtMs(s.at(-1)!)}; bound ${bound} ms (poll ${pollMs} ms + 200 ms); ` +
      `worst/bound ${(s.at(-1)! / bound).toFixed(2)} → ${s.at(-1)! <= bound ? "met" : "NOT met"}`,
  );
}

const serve = await startServe();
const api = apiFor(serve.url);
const queue = String((await api.call("queues", "get_default", {})).id);
try {
  // 1. The real daemon process.
  const cliN = Number(values["cli-samples"]);
  if (cliN > 0) {
    const [cmd, argv] = scriptArgv(MAIN, [
      "agent",
      "daemon",
      "--queue",
      "default",
      "--foreground",
      "--cpu-only",
      "--polling-interval",
      "5",
    ]);
    const home = tempDir();
    const daemon = spawn(cmd, argv, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: home, TMPDIR: home, ...serve.env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    daemon.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    await waitFor("the daemon to listen", () => err.includes("Listening to queues") || undefined);
    try {
      report("clearml agent daemon (process)", await delays(api, queue, 5000, cliN), 5000);
    } finally {
      daemon.kill("SIGTERM");
      await new Promise((r) => daemon.once("exit", r));
    }
  }

  // 2. The loop in-process, 1 s poll.
  const shutdown = new AbortController();
  const stateDir = tempDir();
  const loop = runDaemon({
    api: apiFor(serve.url),
    worker: "bench:0",
    queues: [{ id: queue, name: "default" }],
    pollMs: 1000,
    statusPollMs: 1000,
    pingMs: 0,
    reportMs: 30_000,
    logFlushMs: 1000,
    runner: shellRunner(),
    stateDir,
    shutdown: shutdown.signal,
    say: () => {},
  });
  report("daemon loop (in-process)", await delays(api, queue, 1000, Number(values.samples)), 1000);
  shutdown.abort();
  await loop;
} finally {
  await serve.stop();
}
