/**
 * The files server on a real socket (the `node:http` bridge in "http" mode): bodies stream both
 * ways byte for byte, `..` in the path as sent is refused even though URL parsing would resolve
 * it, an over-limit upload gets its 413 while still sending, and a client that vanishes
 * mid-upload leaves no file behind and the server healthy.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { type RunningServer, serve } from "../../src/runtime/serve.ts";
import {
  BOUNDARY,
  type FilesFixture,
  filesFixture,
  listFiles,
  multipart,
  part,
  TOKEN,
} from "./files_fixture.ts";

interface Reply {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

function call(
  url: string,
  method: string,
  opts: { body?: Buffer; chunks?: Buffer[]; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...opts.headers };
    if (opts.body) {
      headers["content-type"] = `multipart/form-data; boundary=${BOUNDARY}`;
      headers["content-length"] = String(opts.body.byteLength);
    }
    const req = request(url, { method, headers, timeout: 30_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on(
        "end",
        () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts),
            headers: res.headers,
          }),
      );
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

async function start(
  max = 0,
  drainBytes?: number,
): Promise<{ f: FilesFixture; server: RunningServer; url: string }> {
  const f = filesFixture(max);
  const server = await serve({
    fetch: f.app.fetch,
    host: "127.0.0.1",
    port: 0,
    mode: "http",
    maxBodyBytes: max,
    timeoutMs: 0,
    idleTimeoutMs: 10_000,
    drainBytes,
  });
  return { f, server, url: `http://127.0.0.1:${server.port}` };
}

/** Send raw bytes on a socket; resolve with what came back once the server answered or closed. */
function rawSocket(port: number, text: Buffer, closeAfterWrite: boolean): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    let got = "";
    sock.on("data", (c) => (got += c.toString("latin1")));
    sock.on("close", () => resolve(got));
    sock.on("error", () => resolve(got));
    sock.write(text, () => {
      if (closeAfterWrite) sock.destroy();
    });
    setTimeout(() => sock.destroy(), 5000);
  });
}

describe("files server on a socket", () => {
  it("streams a 24 MB binary upload in and out byte for byte", async () => {
    const s = await start();
    try {
      const data = Buffer.alloc(24 * 1024 * 1024);
      for (let i = 0; i < data.byteLength; i += 65536) {
        data.set(crypto.getRandomValues(new Uint8Array(65536)), i);
      }
      const up = await call(`${s.url}/`, "POST", { body: multipart(part("/m/w.bin", data)) });
      assert.equal(up.status, 200, up.body.toString());
      const down = await call(`${s.url}/m/w.bin`, "GET");
      assert.equal(down.status, 200);
      assert.equal(down.headers["content-length"], String(data.byteLength));
      assert.equal(Buffer.compare(down.body, data), 0);
      const head = await call(`${s.url}/m/w.bin`, "HEAD");
      assert.equal(head.headers["content-length"], String(data.byteLength));
      assert.equal(head.body.byteLength, 0);
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });

  it("stays up when downloads are abandoned half-way, again and again", async () => {
    const s = await start();
    try {
      const data = Buffer.alloc(16 * 1024 * 1024, 9);
      const up = await call(`${s.url}/`, "POST", { body: multipart(part("/big/x.bin", data)) });
      assert.equal(up.status, 200);
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve) => {
          const req = request(`${s.url}/big/x.bin`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          req.on("response", (res) => {
            res.once("data", () => {
              req.destroy();
              resolve();
            });
          });
          req.on("error", () => resolve());
          req.end();
        });
      }
      await new Promise((r) => setTimeout(r, 200));
      const whole = await call(`${s.url}/big/x.bin`, "GET");
      assert.equal(Buffer.compare(whole.body, data), 0);
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });

  it("refuses a path with .. as sent, before URL parsing could resolve it", async () => {
    const s = await start();
    try {
      for (const path of ["/a/../../etc/passwd", "/a/%2e%2e/%2e%2e/x", "/a\\..\\..\\x"]) {
        const got = await rawSocket(
          s.server.port,
          Buffer.from(
            `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
              `Authorization: Bearer ${TOKEN}\r\n\r\n`,
          ),
          false,
        );
        assert.match(got, /^HTTP\/1\.1 400 /, `${path}: ${got}`);
      }
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });

  it("answers an upload over the limit with 413 to a client still sending, then serves on", async () => {
    const s = await start(1024 * 1024);
    try {
      const big = multipart(part("/too/big.bin", Buffer.alloc(3 * 1024 * 1024)));
      const r = await call(`${s.url}/`, "POST", { body: big });
      assert.equal(r.status, 413);
      assert.match(r.body.toString(), /larger than the limit of 1 MiB \(--max-upload\)/);
      assert.deepEqual(listFiles(s.f.places.root), []);
      const ok = await call(`${s.url}/`, "POST", { body: multipart(part("/ok.txt", "ok")) });
      assert.equal(ok.status, 200);
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });

  it("answers an undeclared (chunked) upload over the limit with 413 and keeps serving", async () => {
    const s = await start(1024 * 1024);
    try {
      const body = multipart(part("/too/big.bin", Buffer.alloc(6 * 1024 * 1024, 5)));
      for (let round = 0; round < 3; round++) {
        const r = await new Promise<Reply>((resolve, reject) => {
          const req = request(`${s.url}/`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${TOKEN}`,
              "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
              "transfer-encoding": "chunked",
            },
          }, (res) => {
            const parts: Buffer[] = [];
            res.on("data", (c: Buffer) => parts.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(parts),
                headers: res.headers,
              }));
          });
          req.on("error", reject);
          for (let i = 0; i < body.byteLength; i += 65536) req.write(body.subarray(i, i + 65536));
          req.end();
        });
        assert.equal(r.status, 413, r.body.toString());
        const ok = await call(`${s.url}/`, "POST", { body: multipart(part("/ok.txt", "ok")) });
        assert.equal(ok.status, 200, "still serving");
      }
      assert.deepEqual(listFiles(s.f.places.root), ["ok.txt"]);
      assert.deepEqual(listFiles(s.f.places.partial), []);
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });

  it("stops reading a refused body past the drain limit: the connection is closed", async () => {
    const s = await start(1024 * 1024, 1024 * 1024);
    try {
      const total = 32 * 1024 * 1024;
      const sock = connect(s.server.port, "127.0.0.1");
      let answer = "";
      sock.on("data", (c) => (answer += c.toString("latin1")));
      const closed = new Promise<void>((r) => sock.on("close", () => r()));
      sock.on("error", () => {});
      sock.write(
        `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
          `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
          `Content-Length: ${total}\r\n\r\n`,
      );
      let sent = 0;
      const chunk = Buffer.alloc(256 * 1024, 1);
      while (sent < total && !sock.destroyed) {
        const ok = sock.write(chunk);
        sent += chunk.byteLength;
        if (!ok) {
          await Promise.race([new Promise((r) => sock.once("drain", r)), closed]);
        }
      }
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      assert.ok(sock.destroyed || sock.readableEnded, "the server closed the connection");
      assert.ok(sent < total, `closed before the whole body was sent (${sent} of ${total})`);
      assert.match(answer, /^HTTP\/1\.1 413 /);
      const ok = await call(`${s.url}/`, "POST", { body: multipart(part("/ok.txt", "ok")) });
      assert.equal(ok.status, 200, "still serving");
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });

  it("keeps nothing of an upload whose client vanished half-way, and stays healthy", async () => {
    const s = await start();
    try {
      const body = multipart(part("/gone/model.bin", Buffer.alloc(4 * 1024 * 1024, 7)));
      const head = `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
        `Content-Length: ${body.byteLength}\r\n\r\n`;
      await rawSocket(
        s.server.port,
        Buffer.concat([Buffer.from(head), body.subarray(0, body.byteLength / 2)]),
        true,
      );
      // the server notices the close; give it a moment to clean up
      for (let i = 0; i < 100 && listFiles(s.f.places.partial).length; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(listFiles(s.f.places.root), []);
      assert.deepEqual(listFiles(s.f.places.partial), []);
      assert.equal((await call(`${s.url}/gone/model.bin`, "GET")).status, 404);
      const ok = await call(`${s.url}/`, "POST", { body: multipart(part("/ok.txt", "ok")) });
      assert.equal(ok.status, 200);
    } finally {
      await s.server.close(1000);
      s.f.done();
    }
  });
});
