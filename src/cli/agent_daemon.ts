/**
 * `clearml agent daemon`: pull tasks from ClearML queues and run them, with clearml-agent's flags
 * (agent-exec §5.3, §6). Settings are read as the agent reads them; the worker id follows §5.2
 * (`<name>:<slot>`, `<name>:gpu<devices>`, `<name>:cpu:<slot>`, or `agent.worker_id`).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { connect } from "./task_api.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { runDaemon } from "../agent/daemon.ts";
import { agentsToStop, liveAgents, register } from "../agent/daemon_registry.ts";
import { visibleDevices, workerId } from "../agent/worker_id.ts";
import { resolveQueues } from "../api/queues.ts";
import { lookup, type Resolution } from "../settings/resolve.ts";
import { ExitStatus, UsageError } from "../errors.ts";
import { daemonRunner } from "../agent/daemon_runner.ts";
import { detach } from "../agent/daemon_detach.ts";
import { daemonStop, STOP_GRACE_MS } from "../agent/daemon_stop.ts";
import { daemonOutPath } from "../platform/temp_stdout.ts";
import { useNormalJit } from "../runtime/jit_policy.ts";

function text(r: Resolution, key: string): string {
  const n = lookup(r, key);
  return n?.type === "scalar" && n.value !== null ? String(n.value).trim() : "";
}

function pingMs(r: Resolution): number {
  // max(0, int(agent.task_ping_interval_sec)), default 60; a value int() rejects is 0 (§5.1 step 7).
  const raw = text(r, "agent.task_ping_interval_sec");
  if (raw === "") return 60_000;
  return /^[-+]?\d+$/.test(raw) ? Math.max(0, Number(raw)) * 1000 : 0;
}

/** The agent's temp dir: its registry files and our task journals live there. */
function stateRoot(env: Readonly<Record<string, string>>): string {
  return env.TMPDIR || tmpdir();
}

export const registerAgentDaemon: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("daemon")
      .description("pull tasks from ClearML queues and run them (clearml-agent daemon)")
      .option(
        "--queue <queue...>",
        "queue names or ids, in priority order (default: the default queue)",
      )
      .addOption(
        new Option(
          "--docker [image]",
          "run tasks in containers (default image: agent.default_docker)",
        ),
      )
      .option("--gpus <gpus>", "GPUs the tasks may use (e.g. 0,1 or all)")
      .option("--cpu-only", "no GPUs")
      .option("--foreground", "keep the daemon's output on the console")
      .option("--detached", "run in the background and return")
      .addOption(
        new Option("--services-mode [limit]", "run tasks side by side (limit, -1 = no limit)"),
      )
      .option("--create-queue", "create queues that do not exist")
      .option("--stop [ids...]", "stop local daemons (this one's id, or the given ids)")
      .addOption(
        new Option("--polling-interval <seconds>", "seconds between polls (at least 5)").default(
          "5",
        ),
      ),
  );
  cmd.action(async (opts, c) => {
    const g = globalsOf(c);
    const interval = Number(opts.pollingInterval);
    if (!Number.isFinite(interval) || interval <= 0) {
      throw new UsageError(
        `--polling-interval ${opts.pollingInterval}: expected a number of seconds`,
      );
    }
    if (opts.gpus !== undefined && opts.cpuOnly) {
      throw new UsageError("--gpus and --cpu-only: give one of them");
    }
    const services = opts.servicesMode === undefined
      ? 0
      : opts.servicesMode === true
      ? -1
      : Number(opts.servicesMode);
    if (!Number.isInteger(services)) {
      throw new UsageError(`--services-mode ${opts.servicesMode}: expected an integer`);
    }
    const root = stateRoot(ctx.env);
    const cpuOnly = Boolean(opts.cpuOnly) || services !== 0;

    if (opts.detached) {
      const log = daemonOutPath(root);
      const pid = detach(log);
      ctx.err(`clearml agent daemon running in the background (pid ${pid}), log: ${log}\n`);
      return;
    }

    // Signals are taken from here on: a stop while the first login still retries ends it too.
    // The client runs under the hard stop, not the shutdown signal: the task's final status and
    // log must still go out after SIGTERM.
    let say: (line: string) => void = (l) => ctx.err(`${l}\n`);
    const stop = daemonStop(
      STOP_GRACE_MS,
      () => say("Received stop signal: ending the current task, then unregistering"),
    );
    const onSignal = (name: NodeJS.Signals) => stop.receive(name);
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    try {
      await runCommand();
    } catch (e) {
      // stopped before the loop ran (login or queue lookup still retrying): a requested stop
      if (!stop.shutdown.aborted) throw e;
      say(`Stopped (${String(stop.shutdown.reason)}) before the daemon started`);
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      stop.dispose();
    }

    async function runCommand(): Promise<void> {
      const { api, resolution, env, snap } = await connect(ctx, g, "agent", {
        signal: stop.hard,
      });
      const name = text(resolution, "agent.worker_name") || hostname();
      const configured = text(resolution, "agent.worker_id") || undefined;
      const devices = visibleDevices(env, {
        ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
        cpuOnly,
      });
      const idFor = (slot: number) =>
        workerId({
          name,
          configuredId: configured ?? null,
          ...(devices !== undefined ? { devices } : {}),
          mode: "daemon",
          slot,
        }).id;

      if (opts.stop !== undefined) {
        const ids = opts.stop === true ? [] : opts.stop;
        const targets = agentsToStop(liveAgents(root), ids, configured, name);
        if (targets.length === 0) {
          ctx.err("No running clearml agent daemon to stop\n");
          throw new ExitStatus(1);
        }
        for (const a of targets) {
          process.kill(a.pid, "SIGTERM");
          ctx.err(`Stopping agent ${a.id} (pid ${a.pid})\n`);
        }
        return;
      }

      // Without --foreground the agent writes its console to a file (agent-exec §5.3 step 10).
      let logFd: number | undefined;
      if (!opts.foreground) {
        const dir = env.CLEARML_AGENT_TEMP_STDOUT_FILE_DIR || root;
        const file = daemonOutPath(dir);
        logFd = openSync(file, "a", 0o600);
        ctx.err(
          `Running CLEARML-AGENT daemon in background mode, writing stdout/stderr to ${file}\n`,
        );
        say = (l) => writeSync(logFd!, `${l}\n`);
      }

      const queues = await resolveQueues(api, opts.queue ?? [], Boolean(opts.createQueue));
      const reg = register(root, configured, idFor);
      stop.started();
      useNormalJit(); // it keeps running: the normal JIT pays back now
      try {
        await runDaemon({
          api,
          worker: reg.id,
          queues,
          pollMs: Math.max(interval, 5) * 1000,
          statusPollMs: Math.max(interval, 5) * 1000,
          pingMs: pingMs(resolution),
          reportMs: 30_000,
          logFlushMs: 1000,
          runner: daemonRunner({
            // as `agent execute` resolves: with the start-up values the agent's session derives
            resolution: await resolveAsStarted(snap, "agent"),
            env,
            home: snap.home,
            cwd: snap.cwd,
            cpuOnly,
            say,
            servicesMode: services,
            ...(opts.gpus !== undefined ? { gpus: opts.gpus } : {}),
            ...(opts.docker !== undefined
              ? { docker: opts.docker === true ? [] : [opts.docker] }
              : {}),
            ...(opts.foreground ? { echo: true } : {}),
          }),
          stateDir: join(root, "clearml_agent_daemon_journal"),
          shutdown: stop.shutdown,
          say,
          concurrency: services === 0 ? 1 : services,
          serviceWorkers: services !== 0,
        });
      } finally {
        reg.release();
        if (logFd !== undefined) closeSync(logFd);
      }
    }
  });
  parent.addCommand(cmd);
};
