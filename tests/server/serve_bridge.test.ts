/**
 * The `node:http` bridge (src/runtime/serve.ts) with the app, on a real socket, both ways the app
 * is served — with its direct handler (as `clearml serve` does) and through `fetch` alone: a GET
 * keeps its JSON body, limits and timeouts answer in the envelope, two pollers never get the same
 * task, close() lets an in-flight request finish, and connections are kept alive.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { callErrorResponse, createApp } from "../../src/server/app.ts";
import { errors } from "../../src/server/call_error.ts";
import type { BridgeReply, DirectHandler } from "../../src/server/bridge.ts";
import { Store } from "../../src/server/store.ts";
import { type RunningServer, serve } from "../../src/runtime/serve.ts";
import { KEY, SECRET } from "./_client.ts";
import { RawApi, rawCall } from "./_serve_process.ts";

type Mode = "direct" | "fetch";

async function start(
  mode: Mode,
  maxBody = 1 << 20,
  timeoutMs = 5000,
  fetch?: (r: Request) => Promise<Response>,
  direct?: DirectHandler,
) {
  const store = Store.open(":memory:");
  store.setCredentials({ accessKey: KEY, secretKey: SECRET });
  const app = createApp(store);
  const server = await serve({
    fetch: fetch ?? app.fetch,
    ...(mode === "direct" ? { direct: direct ?? app.direct } : {}),
    host: "127.0.0.1",
    port: 0,
    maxBodyBytes: maxBody,
    timeoutMs,
    tooLarge: (p) => callErrorResponse(p, errors.tooLarge(maxBody)),
    timedOut: (p) => callErrorResponse(p, errors.timedOut(timeoutMs)),
  });
  const url = `http://127.0.0.1:${server.port}`;
  const api = new RawApi(url);
  if (!fetch) await api.login(KEY, SECRET);
  return { store, server, url, api };
}

async function stop(s: { server: RunningServer; store: Store }) {
  await s.server.close(2000);
  s.store.close();
}

/** Requests one after another on one kept-alive connection (asserted): statuses and bodies. */
function sameConnection(
  url: string,
  paths: string[],
): Promise<Array<{ status: number; body: string }>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const one = (path: string) =>
    new Promise<{ status: number; body: string; port: number }>((resolve, reject) => {
      const req = request(`${url}${path}`, { agent, method: "GET" }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on(
          "end",
          () => resolve({ status: res.statusCode ?? 0, body, port: req.socket?.localPort ?? -1 }),
        );
      });
      req.on("error", reject);
      req.end();
    });
  return (async () => {
    const out = [];
    const ports = new Set<number>();
    for (const p of paths) {
      const r = await one(p);
      ports.add(r.port);
      out.push({ status: r.status, body: r.body });
    }
    agent.destroy();
    assert.equal(ports.size, 1, `one connection for all requests (local ports ${[...ports]})`);
    return out;
  })();
}

for (const mode of ["direct", "fetch"] as const) {
  describe(`node:http bridge (${mode})`, () => {
    it("hands the app the JSON body of a GET (as ClearML clients send it)", async () => {
      const s = await start(mode);
      try {
        const r = await rawCall(`${s.url}/debug.ping`, {
          method: "GET",
          body: '{"hello":"get body"}',
        });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.data, { msg: "ClearML server", hello: "get body" });
        assert.equal(r.headers.server, "clearml");
        assert.equal(r.headers["access-control-allow-origin"], undefined, "no CORS");
        const q = await s.api.call("queues.get_default");
        assert.match(q.id, /^[0-9a-f]{32}$/);
      } finally {
        await stop(s);
      }
    });

    it("answers an oversized body with a 413 envelope and stays healthy", async () => {
      const s = await start(mode, 10_000);
      try {
        const r = await rawCall(`${s.url}/v2.5/tasks.get_all`, { body: "x".repeat(50_000) });
        assert.equal(r.status, 413);
        assert.equal(r.json.meta.result_code, 413);
        assert.equal(r.json.meta.endpoint.name, "tasks.get_all");
        const ok = await rawCall(`${s.url}/debug.ping`, { body: "{}" });
        assert.equal(ok.status, 200);
      } finally {
        await stop(s);
      }
    });

    it("answers a request the app does not finish in time with a 504 envelope", async () => {
      const s = await start(
        mode,
        1 << 20,
        200,
        () => new Promise<Response>(() => {}),
        () => new Promise<BridgeReply>(() => {}),
      );
      try {
        const r = await rawCall(`${s.url}/debug.ping`, { body: "{}" });
        assert.equal(r.status, 504);
        assert.equal(r.json.meta.result_code, 504);
        assert.equal(r.json.meta.error_stack, null);
      } finally {
        await s.server.close(100);
        s.store.close();
      }
    });

    it("two pollers never get the same task (get_next_task is atomic)", async () => {
      const s = await start(mode);
      try {
        const queue = (await s.api.call("queues.get_default")).id;
        const ids: string[] = [];
        for (let i = 0; i < 60; i++) {
          const id = (await s.api.call("tasks.create", { name: `task-${i}`, type: "training" })).id;
          await s.api.call("tasks.enqueue", { task: id, queue });
          ids.push(id);
        }
        const got: string[] = [];
        const poller = async () => {
          for (;;) {
            const d = await s.api.call("v2.14/queues.get_next_task", { queue });
            if (!d.entry) return;
            got.push(d.entry.task);
          }
        };
        await Promise.all(Array.from({ length: 6 }, poller));
        assert.equal(got.length, ids.length, "every task popped once");
        assert.deepEqual([...got].sort(), [...ids].sort());
      } finally {
        await stop(s);
      }
    });

    it("close() finishes an in-flight request, then refuses new connections", async () => {
      const s = await start(mode);
      const body = JSON.stringify({ still: "served" });
      const inflight = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${s.url}/debug.ping`, {
          method: "GET",
          headers: { "content-length": String(body.length) },
        }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (c: string) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", reject);
        req.write(body.slice(0, 5)); // the request is in flight: headers sent, body not finished
        setTimeout(() => req.end(body.slice(5)), 300);
      });
      await new Promise((r) => setTimeout(r, 100));
      const closing = s.server.close(5000);
      const r = await inflight;
      await closing;
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.text).data.still, "served");
      await assert.rejects(rawCall(`${s.url}/debug.ping`, { body: "{}", timeoutMs: 2000 }));
      s.store.close();
    });

    it("keeps connections alive across calls, the local endpoints included", async () => {
      const s = await start(mode);
      try {
        const rs = await sameConnection(s.url, [
          "/debug.ping",
          "/v1/health",
          "/v2.14/queues.get_all",
          "/debug.ping?x=1",
        ]);
        assert.deepEqual(rs.map((r) => r.status), [200, 200, 401, 200]);
        assert.equal(JSON.parse(rs[0]!.body).data.msg, "ClearML server");
        assert.equal(JSON.parse(rs[1]!.body).schema, "clearml.serve-health/v1");
        assert.equal(JSON.parse(rs[2]!.body).meta.result_code, 401);
        assert.equal(JSON.parse(rs[3]!.body).data.x, 1, "the query string is merged");
      } finally {
        await stop(s);
      }
    });
  });
}
