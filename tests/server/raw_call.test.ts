/**
 * `rawCall`, the tests' API client, after the test's event loop sat still (a `spawnSync` running
 * the real SDK) for longer than the server keeps an idle connection: the next call must not go
 * out on the connection the server dropped meanwhile (Bun's client then fails with "socket hang
 * up").
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rawCall } from "./_serve_process.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** A `node:http` server that drops a connection idle for 2 s, in a process of its own. */
const SERVER = `
import { createServer } from "node:http";
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.end('{"ok":true}'));
});
server.keepAliveTimeout = 2000;
server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
`;

describe("rawCall", () => {
  it("answers after the event loop was blocked past the server's keep-alive timeout", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-raw-call-"));
    let child: ChildProcess | undefined;
    try {
      const file = join(dir, "server.mjs");
      writeFileSync(file, SERVER);
      child = spawn(process.execPath, isDeno ? ["run", "-A", file] : [file], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        child!.stdout!.setEncoding("utf8").on("data", (s: string) => {
          out += s;
          const m = /port (\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child!.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
      });
      const url = `http://127.0.0.1:${port}/tasks.get_all`;
      assert.equal((await rawCall(url, { body: "{}" })).status, 200);
      // as spawnSync does: nothing runs here, while the server drops the idle connection
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4000);
      const again = await rawCall(url, { body: "{}" });
      assert.equal(again.status, 200);
      assert.deepEqual(again.json, { ok: true });
    } finally {
      child?.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
