/** `clearml serve` as a subprocess (the CLI from source, under the current runtime). */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliArgv, ROOT } from "../_helpers/cli.ts";
import { PARTS_REQUIRED } from "../_helpers/real_part.ts";

/** Tests of real parts run when CI=true or CLEARML_IT=1 (then a missing part is a failure). */
export const REAL_PARTS = PARTS_REQUIRED;

/** A launcher of ../shared/peers (the real clearml-agent or SDK); throws when it is missing. */
export { peer } from "../_helpers/peers.ts";

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** The web page's and the files server's URLs (their ports are free ones with --port 0). */
  webUrl: string;
  filesUrl: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or 128+signal) once the process ended. */
  exited: Promise<number>;
}

export function serveArgs(args: string[]): string[] {
  return cliArgv(["serve", ...args]);
}

/** `--port 0 --data DIR --access-key K --secret-key S`: any free port, fixed keys. */
export function keyedArgs(data: string, key: string, secret: string): string[] {
  return ["--port", "0", "--data", data, "--access-key", key, "--secret-key", secret];
}

/**
 * A `clearml.conf` pointing ClearML's own clients at a server with a key pair: give the running
 * server to send artifacts to its files port (a URL alone serves as all three hosts).
 */
export function clientConf(
  server: string | Pick<ServeProcess, "url" | "webUrl" | "filesUrl">,
  key: string,
  secret: string,
  extra = "",
): string {
  const s = typeof server === "string" ? { url: server, webUrl: server, filesUrl: server } : server;
  return `api {\n  api_server: "${s.url}"\n  web_server: "${s.webUrl}"\n` +
    `  files_server: "${s.filesUrl}"\n` +
    `  credentials { access_key: "${key}", secret_key: "${secret}" }\n}\n${extra}`;
}

/** Start `clearml serve ARGS` (add `--port 0`) and wait until it listens. */
export function startServe(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, serveArgs(args), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      NO_COLOR: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const exited = new Promise<number>((resolve) => {
    child.on("close", (code, signal) => {
      const signo: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2 };
      resolve(code ?? 128 + (signal ? signo[signal] ?? 0 : 0));
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`clearml serve did not start within ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/[^\s]+:(\d+))/.exec(err);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({
        child,
        url: m[1]!,
        port: Number(m[2]),
        webUrl: /web page on (http:\/\/\S+)/.exec(err)?.[1] ?? "",
        filesUrl: /files server on (http:\/\/\S+)/.exec(err)?.[1] ?? "",
        stdout: () => out,
        stderr: () => err,
        exited,
      });
    }, 20);
    void exited.then((code) => {
      if (/listening on/.test(err)) return;
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`clearml serve exited with ${code} before listening:\n${err}`));
    });
  });
}

export interface KeyedServe {
  server: ServeProcess;
  /** A new temp dir: the server's data in `data/` and its HOME; client HOMEs go beside. */
  dir: string;
  /** A new HOME `dir/NAME` whose clearml.conf points ClearML's clients at the server. */
  clientHome(name?: string, extra?: string): string;
  /** End the server (SIGTERM unless told), wait for its exit, remove the dir. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `clearml serve` on free ports with a key pair, in a temp dir of its own (`prefix`...). */
export async function startKeyedServe(
  prefix: string,
  key: string,
  secret: string,
): Promise<KeyedServe> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let server: ServeProcess;
  try {
    server = await startServe(keyedArgs(join(dir, "data"), key, secret), { HOME: dir });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    server,
    dir,
    clientHome(name = "home", extra = "") {
      const home = join(dir, name);
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, "clearml.conf"), clientConf(server, key, secret, extra));
      return home;
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill(signal);
      }
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawReply {
  status: number;
  // deno-lint-ignore no-explicit-any
  json: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTP call with `node:http`, which (unlike fetch) sends a body on GET. Each call has a
 * connection of its own (`connection: close`): a kept-alive one could be reused after the
 * server dropped it as idle, and Bun's client then fails the call ("socket hang up", EPIPE). A
 * test's event loop sits still that long while a `spawnSync` runs the real SDK (up to 150 s),
 * longer than the server keeps an idle connection (65 s).
 */
export function rawCall(
  url: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } =
    {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: opts.method ?? "GET",
      headers: {
        connection: "close",
        ...(opts.body !== undefined
          ? { "content-length": String(Buffer.byteLength(opts.body)) }
          : {}),
        ...opts.headers,
      },
      timeout: opts.timeoutMs ?? 30_000,
    }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (s: string) => (text += s));
      res.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text, headers: res.headers });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`timeout calling ${url}`)));
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A logged-in API client on top of `rawCall` (GET with a JSON body, as ClearML's clients). */
export class RawApi {
  token = "";
  constructor(readonly url: string) {}

  async login(key: string, secret: string): Promise<void> {
    const r = await rawCall(`${this.url}/auth.login`, {
      headers: { authorization: `Basic ${btoa(`${key}:${secret}`)}` },
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.text}`);
    this.token = r.json.data.token;
  }

  // deno-lint-ignore no-explicit-any
  async call(endpoint: string, body: unknown = {}): Promise<any> {
    const r = await rawCall(`${this.url}/${endpoint}`, {
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
    });
    if (r.status !== 200) throw new Error(`${endpoint}: HTTP ${r.status}: ${r.text}`);
    return r.json.data;
  }
}
