/**
 * Bad input to the server gets the real server's codes (server-api.md §1.3, §1.5, §1.9, §3) and
 * leaves it healthy: malformed JSON, wrong types, unknown endpoints, oversized bodies, invalid
 * transitions, missing and forged tokens.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { call, KEY, SECRET, testServer } from "./_client.ts";
import { createApp } from "../../src/server/app.ts";
import { Store } from "../../src/server/store.ts";
import { signJwt } from "../../src/server/jwt.ts";

async function healthy(app: Parameters<typeof call>[0], token: string): Promise<void> {
  const ping = await call(app, "/debug.ping", { body: { x: 1 } });
  assert.equal(ping.status, 200);
  const q = await call(app, "/queues.get_default", { token });
  assert.equal(q.status, 200);
}

function meta(r: Awaited<ReturnType<typeof call>>) {
  return r.json.meta as {
    result_code: number;
    result_subcode: number;
    result_msg: string;
    error_stack: unknown;
  };
}

describe("bad input", () => {
  it("malformed JSON is 400/0 with werkzeug's text, after authentication", async () => {
    const s = await testServer();
    const r = await call(s.app, "/v2.23/tasks.get_all", { body: "{not json", token: s.token });
    assert.equal(r.status, 400);
    assert.equal(meta(r).result_subcode, 0);
    assert.match(meta(r).result_msg, /^The browser \(or proxy\) sent a request/);
    const noAuth = await call(s.app, "/v2.23/tasks.get_all", { body: "{not json" });
    assert.equal(noAuth.status, 401, "credentials are checked before the body");
    await healthy(s.app, s.token);
  });

  it("a JSON body that is not an object is 500 'Data should be a dict', without a stack", async () => {
    const s = await testServer();
    const r = await call(s.app, "/tasks.get_all", { body: "[1,2]", token: s.token });
    assert.equal(r.status, 500);
    assert.equal(meta(r).result_msg, "Data should be a dict");
    assert.equal(meta(r).error_stack, null);
    await healthy(s.app, s.token);
  });

  it("json-lines with a non-object line is 400, an unparsable line 400", async () => {
    const s = await testServer();
    const headers = { "content-type": "application/json-lines" };
    const a = await call(s.app, "/events.add_batch", {
      method: "POST",
      body: '{"type":"log"}\n[1]\n',
      headers,
      token: s.token,
    });
    assert.equal(a.status, 400);
    assert.equal(meta(a).result_msg, "json lines must contain objects, found: list");
    const b = await call(s.app, "/events.add_batch", {
      method: "POST",
      body: "{oops\n",
      headers,
      token: s.token,
    });
    assert.equal(b.status, 400);
    // with a charset the body is plain JSON, not json-lines: two lines do not parse
    const c = await call(s.app, "/events.add_batch", {
      method: "POST",
      body: '{"type":"log"}\n{"type":"log"}\n',
      headers: { "content-type": "application/json-lines; charset=utf-8" },
      token: s.token,
    });
    assert.equal(c.status, 400);
    await healthy(s.app, s.token);
  });

  it("wrong types are 400/12 validation errors naming the field", async () => {
    const s = await testServer();
    const cases: [string, unknown, string][] = [
      ["/tasks.get_by_id", { task: 5 }, "task"],
      ["/queues.get_next_task", { queue: ["a"] }, "queue"],
      ["/tasks.started", { task: "x", force: "yes" }, "force"],
      ["/tasks.get_all", { only_fields: "status" }, "only_fields"],
      ["/workers.register", { worker: "w", timeout: "10" }, "timeout"],
      ["/tasks.create", { name: "abc", type: "frobnicate" }, "type"],
      ["/tasks.create", { name: "abc", type: "training", script: "x" }, "script"],
    ];
    for (const [path, body, field] of cases) {
      const r = await call(s.app, path, { body, token: s.token });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${r.text}`);
      assert.equal(meta(r).result_subcode, 12, r.text);
      assert.ok(
        meta(r).result_msg.startsWith(`validation error (error for field '${field}'.`),
        r.text,
      );
    }
    const missing = await call(s.app, "/tasks.get_by_id", { body: {}, token: s.token });
    assert.equal(
      meta(missing).result_msg,
      "validation error (error for field 'task'. field is required!)",
    );
    const short = await call(s.app, "/tasks.create", {
      body: { name: " ab ", type: "training" },
      token: s.token,
    });
    assert.equal(meta(short).result_subcode, 800);
    await healthy(s.app, s.token);
  });

  it("unknown endpoints and versions below the handler are 404 with the real text, even without a token", async () => {
    const s = await testServer();
    for (
      const [path, name, v] of [
        ["/v2.23/queues.frobnicate", "queues.frobnicate", "2.23"],
        ["/workers.get_runtime_properties", "workers.get_runtime_properties", "2.31"],
        ["/v2.1/tasks.completed", "tasks.completed", "2.1"],
      ]
    ) {
      const r = await call(s.app, path!);
      assert.equal(r.status, 404);
      assert.equal(meta(r).result_msg, `Unable to find endpoint for name ${name} and version ${v}`);
    }
    for (const path of ["/foo", "/v1/x.y/z", "/a.b.c", "/1a.b"]) {
      const r = await call(s.app, path);
      assert.equal(r.status, 400, path);
      assert.equal(meta(r).result_msg, `Invalid request path ${path}`);
    }
    await healthy(s.app, s.token);
  });

  it("bodies over the limit are 413 (declared or actual size)", async () => {
    const store = Store.open(":memory:");
    store.setCredentials({ accessKey: KEY, secretKey: SECRET });
    const app = createApp(store, { maxBodyBytes: 1000 });
    const login = await call(app, "/auth.login", { basic: `${KEY}:${SECRET}` });
    const token = login.json.data.token;
    const big = JSON.stringify({ task: "x".repeat(2000) });
    const r = await call(app, "/tasks.get_by_id", { body: big, token });
    assert.equal(r.status, 413);
    assert.equal(meta(r).result_code, 413);
    await healthy(app, token);
  });

  it("a gzip-encoded request body is 415 plain text, as the real server", async () => {
    const s = await testServer();
    const r = await call(s.app, "/debug.ping", {
      headers: { "content-encoding": "gzip" },
      body: "x",
    });
    assert.equal(r.status, 415);
    assert.equal(r.text, "Content encoding is not supported (gzip)");
  });

  it("invalid transitions are 400/110 and change nothing", async () => {
    const s = await testServer();
    const id = (await call(s.app, "/tasks.create", {
      body: { name: "t-1", type: "training" },
      token: s.token,
    })).json.data.id;
    for (const ep of ["tasks.stopped", "tasks.failed", "tasks.completed", "tasks.close"]) {
      const r = await call(s.app, `/${ep}`, { body: { task: id }, token: s.token });
      assert.equal(r.status, 400, ep);
      assert.equal(meta(r).result_subcode, 110);
      assert.match(
        meta(r).result_msg,
        /^invalid task status \(Invalid status change\): current_status=created, new_status=/,
      );
    }
    const t = await call(s.app, "/tasks.get_by_id", { body: { task: id }, token: s.token });
    assert.equal(t.json.data.task.status, "created");
    const forced = await call(s.app, "/tasks.failed", {
      body: { task: id, force: true },
      token: s.token,
    });
    assert.equal(forced.json.data.fields.status, "failed", "force skips the machine");
    const unknownTask = await call(s.app, "/tasks.started", {
      body: { task: "f".repeat(32) },
      token: s.token,
    });
    assert.equal(meta(unknownTask).result_subcode, 101);
    await healthy(s.app, s.token);
  });

  it("missing, malformed, foreign-signed and expired tokens are 401 with the real sub-codes", async () => {
    const s = await testServer();
    const cases: [Record<string, string>, number, RegExp][] = [
      [{}, 20, /^unauthorized \(missing credentials\)$/],
      [{ authorization: "Token abc" }, 10, /^unauthorized \(bad authentication header type\)$/],
      [{ authorization: "Basic !!!" }, 21, /^unauthorized \(malformed credentials\)/],
      [
        { authorization: `Basic ${btoa("nosuchkey:x")}` },
        22,
        /failed to locate provided credentials/,
      ],
      [
        { authorization: `Basic ${btoa(`${KEY}:wrong`)}` },
        22,
        /failed to locate provided credentials/,
      ],
      [{ authorization: "Bearer abc" }, 30, /^invalid token \(invalid jwt token\): reason=/],
      [
        {
          authorization: `Bearer ${
            signJwt({ identity: {}, api_version: "2.31" }, "another secret")
          }`,
        },
        30,
        /reason=Signature verification failed$/,
      ],
      [
        { authorization: `Bearer ${s.token.slice(0, -2)}xx` },
        30,
        /reason=Signature verification failed$/,
      ],
      [
        { authorization: `Bearer ${signJwt({ exp: 1 }, s.store.jwtSecret())}` },
        30,
        /reason=Signature has expired$/,
      ],
    ];
    for (const [headers, sub, msg] of cases) {
      const r = await call(s.app, "/v2.14/queues.get_next_task", { body: { queue: "x" }, headers });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(meta(r).result_subcode, sub, r.text);
      assert.match(meta(r).result_msg, msg);
    }
    // Basic credentials work on every endpoint, and the login cookie stands in for the header
    const basic = await call(s.app, "/queues.get_default", { basic: `${KEY}:${SECRET}` });
    assert.equal(basic.status, 200);
    const cookie = await call(s.app, "/queues.get_default", {
      headers: { cookie: `clearml_token_basic=${s.token}` },
    });
    assert.equal(cookie.status, 200);
    // debug.ping and server.info ignore even a malformed header
    const ping = await call(s.app, "/debug.ping", { headers: { authorization: "Nonsense" } });
    assert.equal(ping.status, 200);
    await healthy(s.app, s.token);
  });

  it("auth.login rejects an expiration above a year (400/12)", async () => {
    const s = await testServer();
    const r = await call(s.app, "/auth.login?expiration_sec=99999999", {
      basic: `${KEY}:${SECRET}`,
    });
    assert.equal(r.status, 400);
    assert.equal(meta(r).result_subcode, 12);
  });
});
