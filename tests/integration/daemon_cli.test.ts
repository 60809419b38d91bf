/**
 * `clearml agent daemon` process control against `clearml serve`: `--detached` returns at once
 * and leaves a registered worker (id `<name>:cpu:<slot>` with `--cpu-only`, slot 1 when slot 0 is
 * taken), `--stop` terminates it by SIGTERM and it unregisters; a queue name that does not exist is
 * a usage error unless `--create-queue`; a daemon whose server was killed still ends on SIGTERM
 * (and SIGINT) within a bound.
 */
import { spawn } from "node:child_process";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MAIN, ROOT, runCli } from "../_helpers/cli.ts";
import { scriptArgv, type Serve, SKIP, startServe, tempDir, waitFor } from "./daemon_helpers.ts";

/**
 * A foreground `clearml agent daemon` from source with `args` after `agent daemon`, its stderr
 * collected (`err()`), and a promise of its exit code.
 */
function spawnDaemon(args: string[], env: Record<string, string>) {
  const [cmd, argv] = scriptArgv(MAIN, ["agent", "daemon", ...args, "--foreground"]);
  const daemon = spawn(cmd, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  daemon.stderr!.on("data", (c: Buffer) => void (err += c.toString()));
  const exited = new Promise<number | null>((r) => daemon.once("exit", (code) => r(code)));
  return { daemon, err: () => err, exited };
}

/** Start a foreground daemon on `serve`, kill the server, send `signal`: ms until it exited. */
async function stopAfterServerKilled(signal: "SIGTERM" | "SIGINT"): Promise<number> {
  const own = await startServe();
  const dir = tempDir();
  mkdirSync(join(dir, "tmp"));
  const { daemon, err, exited } = spawnDaemon(["--queue", "default", "--cpu-only"], {
    ...own.env,
    HOME: dir,
    TMPDIR: join(dir, "tmp"),
    CLEARML_WORKER_NAME: "gone-host",
  });
  try {
    await waitFor("the daemon to listen", () => /Listening to queues/.test(err()) || undefined);
    own.proc.kill("SIGKILL");
    await new Promise((r) => own.proc.once("exit", r));
    // past the next poll (every 5 s): its call is retrying against the dead server by now
    await new Promise((r) => setTimeout(r, 7_000));
    const t0 = Date.now();
    daemon.kill(signal);
    const late = new Promise<"late">((r) => setTimeout(() => r("late"), 20_000).unref?.());
    const r = await Promise.race([exited.then(() => "exited" as const), late]);
    assert.equal(r, "exited", `the daemon still runs 20 s after ${signal}:\n${err()}`);
    assert.match(err(), /Received stop signal/);
    return Date.now() - t0;
  } finally {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    rmSync(own.dir, { recursive: true, force: true });
  }
}

if (SKIP) it(`skips the daemon process-control test: ${SKIP}`, { skip: SKIP }, () => {});

describe("agent daemon --detached / --stop", { skip: SKIP }, () => {
  let serve: Serve;
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, { env });
  const workers = () =>
    (JSON.parse(cli(["agent", "list", "--json"]).stdout).workers as Array<{ id: string }>).map((
      w,
    ) => w.id);
  before(async () => {
    serve = await startServe();
    dir = tempDir();
    mkdirSync(join(dir, "tmp"));
    env = { ...serve.env, HOME: dir, TMPDIR: join(dir, "tmp"), CLEARML_WORKER_NAME: "ctl-host" };
  }, { timeout: 60_000 });
  after(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "starts two detached daemons as slots 0 and 1 and stops them",
    { timeout: 120_000 },
    async () => {
      const a = cli(["agent", "daemon", "--queue", "default", "--cpu-only", "--detached"]);
      assert.equal(a.code, 0, a.stderr);
      assert.match(a.stderr, /running in the background \(pid \d+\), log: /);
      await waitFor("slot 0", () => workers().includes("ctl-host:cpu:0") || undefined, 60_000);
      const b = cli(["agent", "daemon", "--queue", "default", "--cpu-only", "--detached"]);
      assert.equal(b.code, 0, b.stderr);
      await waitFor("slot 1", () => workers().includes("ctl-host:cpu:1") || undefined, 60_000);
      const registry = readdirSync(join(dir, "tmp")).filter((f) => f.startsWith(".clearmlagent_"));
      assert.equal(registry.length, 2);
      assert.deepEqual(
        registry.map((f) => readFileSync(join(dir, "tmp", f), "utf8")).sort(),
        ["ctl-host:cpu:0\n0", "ctl-host:cpu:1\n1"],
      );

      const stop = cli(["agent", "daemon", "--cpu-only", "--stop", "ctl-host:cpu:1"]);
      assert.equal(stop.code, 0, stop.stderr);
      assert.match(stop.stderr, /Stopping agent ctl-host:cpu:1 \(pid \d+\)/);
      await waitFor(
        "slot 1 to unregister",
        () => !workers().includes("ctl-host:cpu:1") || undefined,
        60_000,
      );
      assert.ok(workers().includes("ctl-host:cpu:0"));
      // --stop alone: this invocation's name, the first matching daemon.
      assert.equal(cli(["agent", "daemon", "--cpu-only", "--stop"]).code, 0);
      await waitFor(
        "slot 0 to unregister",
        () => !workers().includes("ctl-host:cpu:0") || undefined,
        60_000,
      );
      await waitFor(
        "the registry to empty",
        () =>
          readdirSync(join(dir, "tmp")).filter((f) => f.startsWith(".clearmlagent_")).length ===
            0 ||
          undefined,
      );
      const none = cli(["agent", "daemon", "--cpu-only", "--stop"]);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /No running clearml agent daemon to stop/);
    },
  );

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`ends on ${signal} within a bound after its server was killed`, {
      timeout: 120_000,
    }, async () => {
      const ms = await stopAfterServerKilled(signal);
      // the unregister has 5 s, the rest is the runtime's exit
      assert.ok(ms < 12_000, `exited ${ms} ms after ${signal}`);
    });
  }

  it("ends on SIGTERM while its first login still retries", { timeout: 60_000 }, async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as net.AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const home = tempDir();
    const { daemon, err, exited } = spawnDaemon(["-v", "--queue", "default"], {
      HOME: home,
      TMPDIR: home,
      CLEARML_API_HOST: `http://127.0.0.1:${port}`,
      CLEARML_API_ACCESS_KEY: "K".repeat(20),
      CLEARML_API_SECRET_KEY: "S".repeat(30),
    });
    try {
      // the first login retries a refused connection with backoff for several seconds; -v prints
      // each retry, so the second one shows the handler is in place (a fixed wait raced a slow
      // start on a loaded machine: the signal came before the handler and killed it silently)
      const t0 = Date.now();
      while (!/auth\.login: .*; retry 2 /.test(err())) {
        assert.ok(Date.now() - t0 < 40_000, `no second login retry within 40 s:\n${err()}`);
        assert.equal(daemon.exitCode, null, `still logging in:\n${err()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      daemon.kill("SIGTERM");
      const late = new Promise<"late">((r) => setTimeout(() => r("late"), 10_000).unref?.());
      const code = await Promise.race([exited, late]);
      assert.notEqual(code, "late", `still running 10 s after SIGTERM:\n${err()}`);
      // its own handler ended it (without one the runtime would have died of the signal; the
      // exit code is not compared: Deno's child_process reports null for a child it signalled)
      assert.match(err(), /Stopped \(SIGTERM\) before the daemon started/);
    } finally {
      if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGKILL");
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses an unknown queue unless --create-queue", { timeout: 60_000 }, () => {
    const r = cli(["agent", "daemon", "--queue", "nope-queue", "--foreground", "--stop"]);
    // --stop does not look at queues: nothing running here.
    assert.equal(r.code, 1);
    const bad = cli(["agent", "daemon", "--queue", "nope-queue", "--foreground"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--queue nope-queue: no queue of that name on the server/);
  });
});
