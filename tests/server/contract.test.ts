/**
 * Every request/response example of server-api.md §5 (tests/fixtures/server/examples.json), in
 * order, against `createApp` (no socket). Sample ids are bound to the ids this server makes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { call, KEY, SECRET, type TestServer, testServer } from "./_client.ts";
import { queueByName } from "../../src/server/queues_store.ts";
import { Store } from "../../src/server/store.ts";
import { createApp } from "../../src/server/app.ts";

interface Step {
  example?: string;
  note?: string;
  fresh?: string;
  request: {
    method?: string;
    path: string;
    auth?: string;
    body?: unknown;
    headers?: Record<string, string>;
    contentType?: string;
  };
  expect?: {
    status: number;
    subcode?: number;
    msg?: string;
    msgPrefix?: string;
    endpoint?: Record<string, unknown>;
    data?: unknown;
    partial?: boolean;
    absent?: string[];
    bind?: Record<string, string>;
    trx?: string;
    cookie?: string;
    claims?: Record<string, unknown>;
    lifetime?: number;
  };
}

const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../fixtures/server/examples.json", import.meta.url).href),
    "utf8",
  ),
) as { ids: Record<string, string>; steps: Step[] };

const DT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

function matches(expected: unknown, actual: unknown, partial: boolean, at: string): void {
  if (expected === "<dt>") return assert.match(String(actual), DT, `${at}: a datetime`);
  if (expected === "<id>") return assert.match(String(actual), /^[0-9a-f]{32}$/, `${at}: an id`);
  if (expected === "<int>") return assert.ok(Number.isInteger(actual), `${at}: an integer`);
  if (expected === "<jwt>") {
    return assert.match(String(actual), /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, `${at}: a JWT`);
  }
  if (expected === "<any>") return assert.notEqual(actual, undefined, `${at}: present`);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: an array`);
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((e, i) => matches(e, actual[i], partial, `${at}[${i}]`));
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null, `${at}: an object`);
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    if (!partial) assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${at}: keys`);
    for (const k of Object.keys(e)) matches(e[k], a[k], partial, `${at}.${k}`);
    return;
  }
  assert.equal(actual, expected, at);
}

function get(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (o, k) => (o as Record<string, unknown> | undefined)?.[k],
    obj,
  );
}

/** Replace every bound sample id in a JSON-able value (or text). */
function bindIds<T>(v: T, ids: Map<string, string>): T {
  let text = JSON.stringify(v);
  for (const [sample, real] of ids) text = text.replaceAll(sample, real);
  return JSON.parse(text);
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

describe("server-api.md §5 examples against createApp", () => {
  let s: TestServer;
  const ids = new Map<string, string>();

  it("runs every step in order", async (t) => {
    s = await testServer();
    ids.set(fixture.ids.U!, s.store.identity().user);
    ids.set(fixture.ids.Q!, queueByName(s.store, "default")!.id);
    for (const [i, step] of fixture.steps.entries()) {
      const label = `${step.example ?? "setup"} #${i}${step.note ? ` (${step.note})` : ""}`;
      await t.test(label, async () => {
        let app = s.app;
        if (step.fresh) {
          const store = Store.open(":memory:");
          store.db.exec(step.fresh);
          store.setCredentials({ accessKey: KEY, secretKey: SECRET });
          app = createApp(store);
        }
        const rq = bindIds(step.request, ids);
        const headers: Record<string, string> = { ...rq.headers };
        if (rq.contentType) headers["content-type"] = rq.contentType;
        const auth = rq.auth ?? "token";
        let token: string | undefined;
        let basic: string | undefined;
        if (auth === "token" && step.fresh) basic = `${KEY}:${SECRET}`;
        else if (auth === "token") token = s.token;
        else if (auth === "basic") basic = `${KEY}:${SECRET}`;
        else if (auth.startsWith("basic:")) basic = auth.slice(6);
        else if (auth === "expired") {
          const r = await call(s.app, "/auth.login?expiration_sec=60", {
            basic: `${KEY}:${SECRET}`,
          });
          token = r.json.data.token;
          s.clock.now += 120_000;
        }
        const r = await call(app, rq.path, {
          method: rq.method,
          body: rq.body,
          headers,
          token,
          basic,
        });
        if (auth === "expired") s.clock.now -= 120_000;
        for (const [sample, path] of Object.entries(step.expect?.bind ?? {})) {
          const real = get(r.json.data, path);
          assert.match(String(real), /^[0-9a-f]{32}$/);
          ids.set(fixture.ids[sample]!, String(real));
        }
        const ex = step.expect ? bindIds(step.expect, ids) : { status: 200 };
        const m = r.json?.meta;
        assert.ok(m, `an envelope: ${r.text}`);
        assert.equal(r.status, ex.status, `HTTP status: ${r.text}`);
        assert.equal(m.result_code, r.status);
        assert.match(m.id, /^[0-9a-f]{32}$/);
        assert.equal(m.trx, ex.trx ?? m.id);
        assert.equal(m.error_stack, r.status === 200 ? "" : null);
        assert.deepEqual(m.error_data, {});
        assert.equal(r.headers.get("content-type"), "application/json");
        if (ex.subcode !== undefined) assert.equal(m.result_subcode, ex.subcode);
        if (r.status === 200) assert.equal(m.result_msg, "OK");
        if (ex.msg !== undefined) assert.equal(m.result_msg, ex.msg);
        if (ex.msgPrefix !== undefined) {
          assert.ok(m.result_msg.startsWith(ex.msgPrefix), m.result_msg);
        }
        if (ex.endpoint) assert.deepEqual(m.endpoint, ex.endpoint);
        if (ex.data !== undefined) matches(ex.data, r.json.data, ex.partial ?? false, "data");
        for (const p of ex.absent ?? []) {
          assert.equal(get(r.json.data, p), undefined, `${p} absent`);
        }
        if (ex.cookie) assert.ok(r.headers.get("set-cookie")?.startsWith(ex.cookie));
        if (ex.claims) matches(ex.claims, claimsOf(r.json.data.token), false, "claims");
        if (ex.lifetime) {
          const c = claimsOf(r.json.data.token);
          assert.equal(Number(c.exp) - Number(c.iat), ex.lifetime);
        }
      });
    }
  });
});
