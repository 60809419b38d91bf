/**
 * The API transport keeps connections alive as the Python clients' sessions do: one connection
 * for calls in a row, a new one when the server closed the idle one (sent again at once when the
 * server dropped it unanswered), none kept after `Connection: close`, an HTTP/1.0 answer or an
 * answer framed by the end of the connection, and an idle connection never keeps the process
 * alive.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Transport } from "../../src/api/transport.ts";

/** What the server does with the n-th request (0-based) on a connection. */
type Behaviour = (n: number, conn: number) => string | "drop";

interface RawServer {
  url: string;
  /** Connections accepted, requests read (over all connections). */
  connections: () => number;
  requests: () => number;
  close: () => Promise<void>;
}

const ok = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${
    Buffer.byteLength(body)
  }\r\n${extra}\r\n${body}`;

/** A hand-written HTTP server that reads Content-Length requests and answers by `behaviour`. */
async function rawServer(behaviour: Behaviour, endAfterMs?: number): Promise<RawServer> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const conn = connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buf = Buffer.alloc(0);
    let n = 0;
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString("latin1");
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        buf = buf.subarray(end + 4 + length);
        requests++;
        const answer = behaviour(n++, conn);
        if (answer === "drop") {
          socket.destroy();
          return;
        }
        socket.write(answer);
        if (endAfterMs !== undefined) setTimeout(() => socket.end(), endAfterMs);
        if (/connection: close|^HTTP\/1\.0/im.test(answer.split("\r\n\r\n")[0]!)) socket.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const transportFor = (url: string) => new Transport({ host: url, env: {}, verify: false });

const send = (t: Transport, body = "{}") =>
  t.send({
    method: "POST",
    path: "/debug.ping",
    headers: { "Content-Type": "application/json" },
    body,
    connectMs: 2000,
    readMs: 2000,
  });

const servers: RawServer[] = [];
async function server(behaviour: Behaviour, endAfterMs?: number): Promise<RawServer> {
  const s = await rawServer(behaviour, endAfterMs);
  servers.push(s);
  return s;
}
after(async () => {
  for (const s of servers) await s.close();
});

describe("API transport keep-alive", () => {
  it("sends calls in a row over one connection, asking to keep it", async () => {
    const seen: string[] = [];
    const s = await server(() => ok('{"n":1}'));
    const t = transportFor(s.url);
    for (let i = 0; i < 5; i++) {
      const r = await send(t, `{"i":${i}}`);
      assert.equal(r.status, 200);
      assert.equal(r.body, '{"n":1}');
      seen.push(r.body);
    }
    assert.equal(s.requests(), 5);
    assert.equal(s.connections(), 1);
    assert.equal(seen.length, 5);
  });

  it("opens a connection per call in flight, and reuses them after", async () => {
    const s = await server(() => ok("{}"));
    const t = transportFor(s.url);
    await Promise.all([send(t), send(t), send(t)]);
    assert.equal(s.connections(), 3);
    await send(t);
    await send(t);
    assert.equal(s.connections(), 3);
  });

  it("sends a call again on a new connection when the server drops the idle one unanswered", async () => {
    // the second request on each connection is dropped without a byte of answer
    const s = await server((n) => (n === 0 ? ok('{"fresh":true}') : "drop"));
    const t = transportFor(s.url);
    assert.equal((await send(t)).body, '{"fresh":true}');
    assert.equal((await send(t)).body, '{"fresh":true}');
    assert.equal(s.requests(), 3, "the dropped request, then the same on a new connection");
    assert.equal(s.connections(), 2);
  });

  it("does not send again when a fresh connection is dropped unanswered", async () => {
    const s = await server(() => "drop");
    const t = transportFor(s.url);
    await assert.rejects(send(t), (e: Error) => e.name === "TransportFailure");
    assert.equal(s.requests(), 1);
  });

  it("keeps no connection after Connection: close, HTTP/1.0, or an answer ended by EOF", async () => {
    // [answer, the server ends the connection this long after it (besides close and 1.0)]
    const answers: [string, number | undefined][] = [
      [ok("{}", "Connection: close\r\n"), undefined],
      ["HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", undefined],
      // no length, no chunks, no close header: the end of the connection ends the answer
      ["HTTP/1.1 200 OK\r\n\r\n{}", 0],
    ];
    for (const [answer, endAfterMs] of answers) {
      const s = await server(() => answer, endAfterMs);
      const t = transportFor(s.url);
      for (let i = 0; i < 3; i++) assert.equal((await send(t)).body, "{}");
      assert.equal(s.connections(), 3, answer.split("\r\n")[0]!);
    }
  });

  it("reuses a connection after a chunked answer", async () => {
    const s = await server(() =>
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n4\r\n":1}\r\n0\r\n\r\n'
    );
    const t = transportFor(s.url);
    assert.equal((await send(t)).body, '{"a":1}');
    assert.equal((await send(t)).body, '{"a":1}');
    assert.equal(s.connections(), 1);
  });

  it("drops an idle connection the server closed, and opens a new one", async () => {
    // the server ends each connection 50 ms after answering, as a short keep-alive timeout does
    const s = await server(() => ok("{}"), 50);
    const t = transportFor(s.url);
    await send(t);
    await new Promise((r) => setTimeout(r, 300));
    await send(t);
    assert.equal(s.connections(), 2);
    assert.equal(s.requests(), 2, "the closed connection was not tried");
  });

  it("lets the process exit while a connection is idle", async () => {
    const s = await server(() => ok("{}"));
    const script = fileURLToPath(new URL("./keep_alive_exit.ts", import.meta.url).href);
    const runtime = process.execPath;
    const args = "Deno" in globalThis ? ["run", "-A", script, s.url] : [script, s.url];
    // not spawnSync: the server answering it runs in this process
    const child = spawn(runtime, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((r) => child.on("close", r));
    clearTimeout(killer);
    assert.equal(code, 0, `ended by ${child.signalCode ?? code}: ${err}`);
    assert.equal(out.trim(), "answered 200");
    assert.equal(s.connections(), 1);
  });
});
