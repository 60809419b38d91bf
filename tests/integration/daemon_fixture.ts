/**
 * A daemon process for the multi-process tests: `runDaemon` with the shell runner, configured by
 * environment (FIX_URL, FIX_QUEUE, FIX_WORKER, FIX_STATE, FIX_RUNS, FIX_FLUSH_MS), stopped by
 * SIGTERM, its console on stderr. Killed with -9 by the recovery test.
 */
import { runDaemon } from "../../src/agent/daemon.ts";
import { apiFor, shellRunner } from "./daemon_helpers.ts";

const env = process.env;
const shutdown = new AbortController();
process.on("SIGTERM", () => shutdown.abort("SIGTERM"));
await runDaemon({
  api: apiFor(env.FIX_URL!),
  worker: env.FIX_WORKER!,
  queues: [{ id: env.FIX_QUEUE!, name: "default" }],
  pollMs: 100,
  statusPollMs: 300,
  pingMs: 1000,
  reportMs: 1000,
  logFlushMs: Number(env.FIX_FLUSH_MS ?? "200"),
  runner: shellRunner(env.FIX_RUNS || undefined),
  stateDir: env.FIX_STATE!,
  shutdown: shutdown.signal,
  say: (line) => process.stderr.write(`${line}\n`),
});
process.stderr.write("daemon fixture: stopped\n");
