/**
 * The real SDK against `clearml serve` configured as a user would: `CLEARML_API_HOST` and the
 * keys, nothing else. The SDK derives the web and files hosts from an API host on port 8008
 * (8080, 8081), so each server listens on the default ports of its own loopback address
 * (127.x.y.z): servers of tests running at once do not collide.
 */
import { sdkPython } from "../_helpers/peers.ts";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN, ROOT } from "../_helpers/cli.ts";
import { RawApi, type ServeProcess, startServe } from "../server/_serve_process.ts";

export const KEY = "SDKTASKSKEY0123456789ABCDEFGHI";
export const SECRET = "sdkTasksSecret0123456789abcdefghijklmnopqrstuvwxyz";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** A random loopback address other than 127.0.0.1. */
export function loopbackHost(): string {
  const b = () => 1 + Math.floor(Math.random() * 253);
  return `127.${b()}.${b()}.${1 + b()}`;
}

export interface SdkServe {
  serve: ServeProcess;
  host: string;
  apiHost: string;
  dir: string;
  api: RawApi;
  /** Endpoints the SDK called that the server does not implement. */
  unknownEndpoints(): string[];
  stop(): Promise<void>;
}

/** `clearml serve --host 127.x.y.z` on 8008/8080/8081 with known keys; retries another address. */
export async function startSdkServe(prefix: string): Promise<SdkServe> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const host = loopbackHost();
    const args = ["--host", host, "--port", "8008", "--data", join(dir, "data")];
    try {
      const serve = await startServe([...args, "--access-key", KEY, "--secret-key", SECRET]);
      const apiHost = `http://${host}:8008`;
      const api = new RawApi(apiHost);
      await api.login(KEY, SECRET);
      return {
        serve,
        host,
        apiHost,
        dir,
        api,
        unknownEndpoints: () =>
          [...serve.stderr().matchAll(/unknown endpoint ([\w.]+)/g)].map((m) => m[1]!),
        stop: async () => {
          if (serve.child.exitCode === null) serve.child.kill("SIGTERM");
          await serve.exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      lastError = e;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

export interface SdkRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** How the run ended and how long it took, then stdout and stderr: for failure messages. */
  out: string;
}

/** The environment of an SDK process: API host and keys only (plus PATH, HOME, TMPDIR). */
export function sdkEnv(s: SdkServe, home: string, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    TMPDIR: home,
    CLEARML_API_HOST: s.apiHost,
    CLEARML_API_ACCESS_KEY: KEY,
    CLEARML_API_SECRET_KEY: SECRET,
    ...extra,
  };
}

/** The HOME of the SDK run `name` (made if missing). */
function sdkHome(s: SdkServe, name: string): string {
  const home = join(s.dir, `home-${name}`);
  mkdirSync(home, { recursive: true });
  return home;
}

/**
 * Have the SDK run `name` report from a thread (`report_use_subprocess: false` in its HOME's
 * clearml.conf) instead of its forked reporter, for a test of something else: SDK 1.17.0 can
 * lose that reporter ("Event reporting sub-process lost", backend_interface/task/log.py:101, from
 * the check its own comment marks "HANGS IF RACE HOLDS!", :85) and then waits on it for good.
 */
export function reportFromThread(s: SdkServe, name: string): void {
  writeFileSync(
    join(sdkHome(s, name), "clearml.conf"),
    "sdk { development { report_use_subprocess: false } }\n",
  );
}

/** Run a Python script with the real SDK importable, in its own HOME under the server's dir. */
export function runSdk(
  s: SdkServe,
  name: string,
  script: string,
  args: string[] = [],
  extra: Record<string, string> = {},
): SdkRun {
  const home = sdkHome(s, name);
  const file = join(home, `${name}.py`);
  writeFileSync(file, script);
  const started = Date.now();
  const r = spawnSync(...sdkPython([file, ...args]), {
    cwd: home,
    env: sdkEnv(s, home, extra),
    encoding: "utf8",
    timeout: 150_000,
  });
  const how = r.status === null ? `killed by ${r.signal}` : `exit ${r.status}`;
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    out: `(${name}.py: ${how} after ${Date.now() - started} ms)\n${r.stdout}\n${r.stderr}`,
  };
}

/** The value printed after `LABEL ` on a line of `stdout`. */
export function printed(stdout: string, label: string): string | undefined {
  return new RegExp(`^${label} (.*)$`, "m").exec(stdout)?.[1];
}

/** `clearml agent daemon --queue default --foreground --cpu-only` on the system Python. */
export function startDaemon(s: SdkServe, worker: string): {
  child: ChildProcess;
  stderr: () => string;
} {
  const home = join(s.dir, "home-daemon");
  mkdirSync(home, { recursive: true });
  const args = ["agent", "daemon", "--queue", "default", "--foreground", "--cpu-only"];
  const child = spawn(
    process.execPath,
    isDeno ? ["run", "-A", "--quiet", MAIN, ...args] : ["--no-env-file", MAIN, ...args],
    {
      cwd: ROOT,
      env: {
        ...sdkEnv(s, home),
        NO_COLOR: "1",
        CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL: "1",
        CLEARML_WORKER_NAME: worker,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (err += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  return { child, stderr: () => err };
}
