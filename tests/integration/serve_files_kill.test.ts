/**
 * `kill -9` of `clearml serve` and its files: an upload cut half-way by the kill leaves no file
 * visible (only a temp file, dropped at the next start), and an upload the server acknowledged
 * is there, whole, after the restart.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyedArgs, RawApi, rawCall, startServe } from "../server/_serve_process.ts";
import { BOUNDARY, multipart, part } from "../server/files_fixture.ts";

const KEY = "KILLKEY456789ABCDEFGHIJKLMNOPQ";
const SECRET = "killSecret0123456789abcdefghijklmnopqrstuvwxyzABC";

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("clearml serve: files and kill -9", () => {
  it("keeps acknowledged uploads and shows nothing of one cut by the kill", {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "clearml-serve-files-kill-"));
    const data = join(dir, "data");
    const partial = join(data, "files.partial");
    let p = await startServe(keyedArgs(data, KEY, SECRET));
    try {
      const api = new RawApi(p.url);
      await api.login(KEY, SECRET);
      const auth = { authorization: `Bearer ${api.token}` };
      const headers = { ...auth, "content-type": `multipart/form-data; boundary=${BOUNDARY}` };
      const kept = "acknowledged before the kill\n".repeat(1000);
      const up = await rawCall(`${p.filesUrl}/`, {
        method: "POST",
        body: multipart(part("/k/kept.txt", kept)).toString("latin1"),
        headers,
      });
      assert.equal(up.status, 200, up.text);

      // half of an 8 MiB upload, then kill -9 while the server writes it
      const body = multipart(part("/k/cut.bin", Buffer.alloc(8 * 1024 * 1024, 1)));
      const port = Number(new URL(p.filesUrl).port);
      const sock = connect(port, "127.0.0.1");
      sock.on("error", () => {});
      sock.write(
        `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\n` +
          `Content-Type: ${headers["content-type"]}\r\nContent-Length: ${body.byteLength}\r\n\r\n`,
      );
      sock.write(body.subarray(0, body.byteLength / 2));
      await waitFor("the upload's temp file", () => readdirSync(partial).length > 0);
      p.child.kill("SIGKILL");
      assert.equal(await p.exited, 137);
      sock.destroy();
      assert.ok(!existsSync(join(data, "files", "k", "cut.bin")), "no partial file visible");
      assert.equal(readdirSync(partial).length, 1, "the cut upload is only a temp file");

      p = await startServe(keyedArgs(data, KEY, SECRET));
      assert.match(p.stderr(), /files: dropped 1 upload\(s\) left half-written/);
      assert.deepEqual(readdirSync(partial), []);
      const api2 = new RawApi(p.url);
      await api2.login(KEY, SECRET);
      const auth2 = { authorization: `Bearer ${api2.token}` };
      const back = await rawCall(`${p.filesUrl}/k/kept.txt`, { headers: auth2 });
      assert.equal(back.status, 200);
      assert.equal(back.text, kept);
      assert.equal((await rawCall(`${p.filesUrl}/k/cut.bin`, { headers: auth2 })).status, 404);
    } finally {
      if (p.child.exitCode === null) p.child.kill("SIGKILL");
      await p.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
