/**
 * ApiClient against the fake ClearML API (tests/_helpers/fake_clearml_server.ts: login, ping
 * echo, 404 envelope, HTTPS with a test CA, a forward proxy) and against scripted servers for
 * retries, token renewal and envelope errors (server-api §1.5, §1.7, §1.10, §6.3).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiClient, type ApiClientOptions, backoffMs } from "../../src/api/client.ts";
import { ApiConnectionError, ApiError, LoginError } from "../../src/api/errors.ts";
import type { RetryPolicy } from "../../src/api/settings.ts";
import {
  type FakeServer,
  hasOpenssl,
  makePki,
  startFakeProxy,
  startFakeServer,
  type TestPki,
} from "../_helpers/fake_clearml_server.ts";
import { fakeToken, startScripted } from "./_scripted_server.ts";

const KEY = "EGRTCO8JMSIGI6S39GTP43NFWXDQOW";
const SECRET = "client-test-secret-0123456789";

const POLICY: RetryPolicy = {
  total: 10,
  connect: 3,
  read: 3,
  status: 3,
  backoffFactor: 1,
  backoffMax: 120,
  statusCodes: [502, 503, 509, 429],
  waitOnMaintenanceForever: true,
};

function client(host: string, extra: Partial<ApiClientOptions> = {}) {
  const delays: number[] = [];
  const c = new ApiClient({
    host,
    credentials: { mode: "keys", key: KEY, secret: SECRET },
    retries: POLICY,
    env: {},
    worker: "test-worker:0",
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
  return { c, delays };
}

describe("ApiClient against the fake ClearML API", () => {
  let fake: FakeServer;
  before(async () => {
    fake = await startFakeServer({ mode: "api", credentials: [{ key: KEY, secret: SECRET }] });
  });
  after(() => fake.close());

  it("logs in with Basic key:secret and takes the API level from the token", async () => {
    const { c } = client(fake.url);
    await c.login();
    const login = fake.requests.at(-1)!;
    assert.equal(login.path, "/auth.login");
    assert.equal(
      login.headers.authorization,
      `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString("base64")}`,
    );
    assert.equal(c.apiVersion, "2.31");
    assert.equal(c.claims?.identity.userName, "Doctor Tester");
  });

  it("POSTs a JSON body to /v2.23/<service>.<action> with the worker and client headers", async () => {
    const { c } = client(fake.url);
    const data = await c.call("debug", "ping", { marker: "m-1" });
    assert.equal(data.marker, "m-1");
    const r = fake.requests.at(-1)!;
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/v2.23/debug.ping");
    assert.equal(r.headers["content-type"], "application/json");
    assert.equal(r.headers["x-clearml-worker"], "test-worker:0");
    assert.match(String(r.headers["x-clearml-client"]), /^clearml-ts-/);
    assert.match(String(r.headers.authorization), /^Bearer ey/);
  });

  it("sends a GET with its JSON body when api.http.default_method is GET", async () => {
    const { c } = client(fake.url, { method: "GET" });
    const data = await c.call("debug", "ping", { marker: "get-body" });
    assert.equal(data.marker, "get-body");
    assert.equal(fake.requests.at(-1)!.method, "GET");
  });

  it("raises ApiError with code, subcode and message for an unknown endpoint", async () => {
    const { c } = client(fake.url);
    await assert.rejects(c.call("queues", "frobnicate"), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.resultCode, 404);
      assert.equal(e.subcode, 0);
      assert.equal(e.endpoint, "queues.frobnicate");
      assert.match(e.resultMsg, /Unable to find endpoint for name queues.frobnicate/);
      return true;
    });
  });

  it("refuses bad keys with the agent's LoginError (exit 3), without retrying", async () => {
    const { c, delays } = client(fake.url, {
      credentials: { mode: "keys", key: KEY, secret: "wrong" },
    });
    await assert.rejects(c.call("debug", "ping"), (e: unknown) => {
      assert.ok(e instanceof LoginError);
      assert.equal(e.exitCode, 3);
      assert.equal(e.subcode, 22);
      assert.match(e.message, /^Failed getting token \(error 401 from http:\/\/127\.0\.0\.1:\d+\)/);
      return true;
    });
    assert.deepEqual(delays, []);
  });

  it("logs in with CLEARML_AUTH_TOKEN as a Bearer token", async () => {
    const { c: first } = client(fake.url);
    await first.login();
    const { c } = client(fake.url, { credentials: { mode: "token", token: first.token! } });
    await c.call("debug", "ping");
    const login = fake.requests.findLast((r) => r.path === "/auth.login")!;
    assert.equal(login.headers.authorization, `Bearer ${first.token}`);
    assert.notEqual(c.token, first.token);
  });

  it("never calls above the token's api_version or the forced maximum", async () => {
    const old = await startFakeServer({
      mode: "api",
      apiVersion: "2.20",
      credentials: [{ key: KEY, secret: SECRET }],
    });
    try {
      const { c } = client(old.url);
      await c.call("debug", "ping");
      assert.equal(old.requests.at(-1)!.path, "/v2.20/debug.ping");
      const { c: capped } = client(old.url, { maxApiVersion: "2.14" });
      await capped.call("debug", "ping");
      assert.equal(old.requests.at(-1)!.path, "/v2.14/debug.ping");
      await capped.call("debug", "ping", {}, { version: null });
      assert.equal(old.requests.at(-1)!.path, "/debug.ping");
    } finally {
      await old.close();
    }
  });

  it("goes through HTTP_PROXY, and around it for a NO_PROXY host", async () => {
    const proxy = await startFakeProxy();
    try {
      const { c } = client(fake.url, { env: { HTTP_PROXY: proxy.url } });
      await c.call("debug", "ping");
      assert.ok(proxy.seen.some((l) => l.startsWith(`POST ${fake.url}/v2.23/debug.ping`)));
      const before = proxy.seen.length;
      const { c: direct } = client(fake.url, {
        env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" },
      });
      await direct.call("debug", "ping");
      assert.equal(proxy.seen.length, before);
    } finally {
      await proxy.close();
    }
  });
});

const required = process.env["CI"] === "true" || process.env["CLEARML_IT"] === "1";
if (!hasOpenssl() && required) throw new Error("The openssl CLI is required (CI/CLEARML_IT)");

describe("ApiClient over HTTPS", { skip: hasOpenssl() ? false : "no openssl CLI" }, () => {
  let pki: TestPki;
  let fake: FakeServer;
  before(async () => {
    pki = makePki();
    fake = await startFakeServer({
      mode: "api",
      tls: { key: pki.key, cert: pki.cert },
      credentials: [{ key: KEY, secret: SECRET }],
    });
  });
  after(async () => {
    await fake.close();
    pki.cleanup();
  });

  it("verifies the certificate against a custom CA", async () => {
    const { c } = client(fake.url, { ca: [pki.caPem] });
    assert.equal((await c.call("debug", "ping", { v: 1 })).v, 1);
  });

  it("refuses an unknown issuer at once (no retries) when verifying", async () => {
    const { c, delays } = client(fake.url);
    await assert.rejects(c.login(), (e: unknown) => {
      assert.ok(e instanceof ApiConnectionError);
      assert.match(e.message, /TLS certificate was refused/);
      return true;
    });
    assert.deepEqual(delays, []);
  });

  it("refuses a certificate that does not name the host", async () => {
    const { c } = client(fake.url.replace("127.0.0.1", "localhost"), { ca: [pki.caPem] });
    await c.login(); // localhost is in the certificate
    const other = await startFakeServer({
      mode: "api",
      tls: { key: pki.key, cert: pki.cert },
      credentials: [{ key: KEY, secret: SECRET }],
    });
    try {
      // The same certificate served for a name it does not carry.
      const { c: wrong } = client(other.url.replace("127.0.0.1", "127.0.0.2"), { ca: [pki.caPem] });
      await assert.rejects(wrong.login(), /ERR_TLS_CERT_ALTNAME_INVALID|ECONNREFUSED/);
    } finally {
      await other.close();
    }
  });

  it("skips verification when verify is false (CLEARML_API_HOST_VERIFY_CERT=0)", async () => {
    const { c } = client(fake.url, { verify: false });
    assert.equal((await c.call("debug", "ping", { v: 2 })).v, 2);
  });
});

describe("ApiClient retries, renewal and errors", () => {
  it("retries 503 and 502 with urllib3's backoff, then returns the data", async () => {
    const s = await startScripted((req, n) => {
      if (req.path === "/auth.login") return { envelope: { data: { token: fakeToken() } } };
      if (n === 2) return { status: 503, body: "maintenance" };
      if (n === 3) return { status: 502, body: "bad gateway" };
      return { envelope: { data: { ok: true } } };
    });
    try {
      const notices: string[] = [];
      const { c, delays } = client(s.url, { onRetry: (x) => notices.push(x.reason) });
      assert.deepEqual(await c.call("tasks", "get_all"), { ok: true });
      assert.deepEqual(notices, ["HTTP 503", "HTTP 502"]);
      assert.deepEqual(delays, [0, 2000]);
    } finally {
      await s.close();
    }
  });

  it("gives up after api.http.retries.status retries of a 502", async () => {
    const s = await startScripted((req) =>
      req.path === "/auth.login"
        ? { envelope: { data: { token: fakeToken() } } }
        : { status: 502, body: "<html>bad gateway</html>", contentType: "text/html" }
    );
    try {
      const { c, delays } = client(s.url);
      await assert.rejects(c.call("tasks", "get_all"), /not the ClearML API \(HTTP 502/);
      assert.equal(delays.length, POLICY.status);
    } finally {
      await s.close();
    }
  });

  it("retries a dropped connection and keeps going", async () => {
    const s = await startScripted((req, n) => {
      if (req.path === "/auth.login") return { envelope: { data: { token: fakeToken() } } };
      return n <= 4 ? { drop: true } : { envelope: { data: { n } } };
    });
    try {
      const { c, delays } = client(s.url);
      // the first drop is on the login's kept-alive connection: sent again at once on a new
      // one (a server may close an idle connection), not counted; the next two are retries
      assert.deepEqual(await c.call("queues", "get_next_task", { queue: "q" }), { n: 5 });
      assert.equal(delays.length, 2);
    } finally {
      await s.close();
    }
  });

  it("stops after the first login's connect retries when nothing listens", async () => {
    const s = await startScripted(() => ({ envelope: {} }));
    const url = s.url;
    await s.close();
    const { c, delays } = client(url, { initialConnectRetries: 2 });
    await assert.rejects(c.login(), (e: unknown) => {
      assert.ok(e instanceof ApiConnectionError);
      assert.match(e.message, /cannot reach the ClearML API at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
    assert.equal(delays.length, 2);
  });

  it("logs in again once on HTTP 401 and repeats the call", async () => {
    let logins = 0;
    const s = await startScripted((req) => {
      if (req.path === "/auth.login") {
        logins++;
        return { envelope: { data: { token: fakeToken({ session_id: `s${logins}` }) } } };
      }
      return logins === 1
        ? { envelope: { code: 401, subcode: 30, msg: "invalid token (invalid jwt token)" } }
        : { envelope: { data: { fine: 1 } } };
    });
    try {
      const { c } = client(s.url);
      assert.deepEqual(await c.call("tasks", "get_all"), { fine: 1 });
      assert.equal(logins, 2);
    } finally {
      await s.close();
    }
  });

  it("renews a token that expires within the threshold before the call", async () => {
    let logins = 0;
    const now = Math.floor(Date.now() / 1000);
    const s = await startScripted((req) => {
      if (req.path === "/auth.login") {
        logins++;
        return { envelope: { data: { token: fakeToken({ exp: now + 100 + logins * 10_000 }) } } };
      }
      return { envelope: { data: {} } };
    });
    try {
      const { c } = client(s.url, { tokenThresholdSec: 500 });
      await c.call("tasks", "get_all"); // token lives 10100 s: more than the threshold
      assert.equal(logins, 1);
      const { c: short } = client(s.url, { tokenThresholdSec: 30_000 });
      await short.call("tasks", "get_all");
      await short.call("tasks", "get_all");
      // The first call logs in; the second finds that token inside the threshold and renews it.
      assert.equal(logins, 3);
    } finally {
      await s.close();
    }
  });

  it("says when the answer is not the API", async () => {
    const s = await startScripted(() => ({
      status: 200,
      body: "<!doctype html><title>ClearML</title>",
      contentType: "text/html",
    }));
    try {
      const { c } = client(s.url);
      await assert.rejects(c.login(), /auth\.login: the server's answer is not the ClearML API/);
    } finally {
      await s.close();
    }
  });
});

describe("backoffMs()", () => {
  it("follows urllib3: nothing before the first retry, then factor·2^(n−1), capped", () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(POLICY, n)), [0, 2000, 4000, 8000]);
    assert.equal(backoffMs(POLICY, 20), 120_000);
    assert.equal(backoffMs({ ...POLICY, backoffFactor: 0.1 }, 3), 400);
  });
});
