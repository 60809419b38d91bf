/**
 * The server probe and checks end to end, against real servers on 127.0.0.1: a fake ClearML API
 * over HTTPS with a CA + leaf chain made by the openssl CLI, a plain web page, an API behind
 * something that answers 411 to GET bodies, and a socket that accepts and never answers.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CheckResult, DoctorInput, ProbeTools } from "../../src/doctor/types.ts";
import { serverCategory, type ServerSnapshot } from "../../src/doctor/checks/server.ts";
import { probeServer } from "../../src/doctor/probes/server_probe.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";
import {
  type FakeServer,
  hasOpenssl,
  makePki,
  startFakeProxy,
  startFakeServer,
  type TestPki,
} from "../_helpers/fake_clearml_server.ts";
import { PARTS_REQUIRED, showSkip } from "../_helpers/real_part.ts";

const STEP_MS = 500;
const KEY = "EGRTCO8JMSIGI6S39GTP43NFWXDQOW";
const SECRET = "xJ2oVr7sNotARealSecretValue0123456789abcdefgh";

const required = PARTS_REQUIRED;
const opensslMissing = !hasOpenssl();
if (opensslMissing && required) {
  throw new Error("The openssl CLI is required for the server e2e tests (CI=true or CLEARML_IT=1)");
}
const skip = opensslMissing
  ? "the openssl CLI is not installed (needed to make test certificates)"
  : false;

showSkip("the server e2e tests", skip && `${skip} (CI=true or CLEARML_IT=1 require it)`);

let pki: TestPki | undefined;
let api: FakeServer; // https, fake ClearML API
let web: FakeServer; // http, HTML for everything
let lengthRequired: FakeServer; // http, 411 for GET with a body
let hang: FakeServer; // accepts, never answers
let plain: FakeServer; // http, fake ClearML API

before(async () => {
  if (skip) return;
  pki = makePki();
  api = await startFakeServer({
    mode: "api",
    tls: { key: pki.key, cert: pki.cert },
    credentials: [{ key: KEY, secret: SECRET }],
  });
  web = await startFakeServer({ mode: "web" });
  lengthRequired = await startFakeServer({
    mode: "length-required",
    credentials: [{ key: KEY, secret: SECRET }],
  });
  hang = await startFakeServer({ mode: "hang" });
  plain = await startFakeServer({ mode: "api", credentials: [{ key: KEY, secret: SECRET }] });
});

after(async () => {
  if (skip) return;
  await Promise.all([
    api.close(),
    web.close(),
    lengthRequired.close(),
    hang.close(),
    plain.close(),
  ]);
  pki?.cleanup();
});

function tools(
  signal: AbortSignal = new AbortController().signal,
  stepTimeoutMs = STEP_MS,
): ProbeTools {
  return {
    exec: () => Promise.reject(new Error("the server probe runs no programs")),
    signal,
    stepTimeoutMs,
  };
}

interface Run {
  snapshot: ServerSnapshot;
  results: Map<string, CheckResult>;
  ms: number;
  input: DoctorInput;
}

async function run(env: Record<string, string>, t: ProbeTools = tools()): Promise<Run> {
  const input = doctorInput(env);
  const t0 = performance.now();
  const snapshot = await probeServer(input, t, { where: { inContainer: false, evidence: [] } });
  const ms = performance.now() - t0;
  const results = new Map(serverCategory.checks.map((c) => [c.id, c.run(snapshot, input)]));
  return { snapshot, results, ms, input };
}

function result(r: Run, id: string): CheckResult {
  const c = r.results.get(id);
  assert.ok(c, `no result for ${id}`);
  return c;
}

const creds = { CLEARML_API_ACCESS_KEY: KEY, CLEARML_API_SECRET_KEY: SECRET };

describe("server checks against a fake HTTPS ClearML API", { skip }, () => {
  it("pass end to end with a trusted CA, the right keys and a web app", async () => {
    const r = await run({
      CLEARML_API_HOST: api.url,
      CLEARML_WEB_HOST: web.url,
      CLEARML_FILES_HOST: web.url,
      CLEARML_API_HOST_VERIFY_CERT: pki!.caPath,
      ...creds,
    });
    for (
      const id of [
        "server.url",
        "server.dns",
        "server.tcp",
        "server.tls",
        "server.api",
        "server.auth",
        "server.get_body",
        "server.web",
        "server.files",
      ]
    ) {
      assert.equal(result(r, id).status, "pass", `${id}: ${result(r, id).summary}`);
    }
    assert.match(
      result(r, "server.api").summary,
      /is the ClearML API: debug\.ping answered in \d+ ms; server 2\.0\.0, API 2\.31/,
    );
    assert.match(
      result(r, "server.auth").summary,
      /logged in as Doctor Tester \(clearml\) with key …DQOW from env CLEARML_API_ACCESS_KEY/,
    );
    assert.match(
      result(r, "server.tls").summary,
      /CN=localhost issued by CN=Doctor Test CA.*trusted via .*ca\.pem \(env CLEARML_API_HOST_VERIFY_CERT\)/,
    );
    assert.equal(result(r, "server.proxy").status, "pass");
    // The server saw a GET to auth.login with Basic credentials and a GET with a JSON body.
    const login = api.requests.find((q) => q.path === "/auth.login");
    assert.equal(login?.method, "GET");
    assert.match(String(login?.headers.authorization), /^Basic /);
    assert.ok(
      api.requests.some((q) =>
        q.method === "GET" && q.path === "/debug.ping" && q.body.includes("clearml_doctor")
      ),
    );
  });

  it("fail auth with wrong keys, name the key by its last 4 characters and never print the secret", async () => {
    const wrong = "wrong-secret-wrong-secret-1234567890";
    const r = await run({
      CLEARML_API_HOST: api.url,
      CLEARML_API_HOST_VERIFY_CERT: pki!.caPath,
      CLEARML_API_ACCESS_KEY: KEY,
      CLEARML_API_SECRET_KEY: wrong,
    });
    const auth = result(r, "server.auth");
    assert.equal(auth.status, "fail");
    assert.match(
      auth.summary,
      /rejected key …DQOW from env CLEARML_API_ACCESS_KEY .*HTTP 401: "unauthorized \(invalid credentials\)/,
    );
    assert.ok(auth.fix?.text);
    const everything = JSON.stringify({ snapshot: r.snapshot, results: [...r.results.values()] });
    assert.ok(!everything.includes(wrong), "the secret leaked into the output");
    assert.ok(!everything.includes(KEY), "the whole access key leaked into the output");
    assert.equal(result(r, "server.api").status, "pass");
  });

  it("fail TLS when the CA is not trusted, and warn when verification is turned off", async () => {
    const untrusted = await run({ CLEARML_API_HOST: api.url, ...creds });
    const tls = result(untrusted, "server.tls");
    assert.equal(tls.status, "fail");
    assert.match(
      tls.summary,
      /the default trust store does not trust CN=localhost issued by CN=Doctor Test CA: its issuer is not a trusted CA/,
    );
    assert.match(tls.fix?.text ?? "", /CLEARML_API_HOST_VERIFY_CERT=\/path\/to\/ca\.pem/);

    const off = await run({
      CLEARML_API_HOST: api.url,
      CLEARML_API_HOST_VERIFY_CERT: "false",
      ...creds,
    });
    const offTls = result(off, "server.tls");
    assert.equal(offTls.status, "warn");
    assert.match(
      offTls.summary,
      /verification is off \(verify=false \(env CLEARML_API_HOST_VERIFY_CERT\)\)/,
    );
  });

  it("trust the CA through REQUESTS_CA_BUNDLE too", async () => {
    const r = await run({ CLEARML_API_HOST: api.url, REQUESTS_CA_BUNDLE: pki!.caPath, ...creds });
    assert.equal(result(r, "server.tls").status, "pass", result(r, "server.tls").summary);
    assert.match(result(r, "server.tls").summary, /env REQUESTS_CA_BUNDLE/);
  });
});

describe("server checks against other servers", { skip }, () => {
  it("say a web page is not the API (user-pain B14)", async () => {
    const r = await run({ CLEARML_API_HOST: web.url, ...creds });
    const c = result(r, "server.api");
    assert.equal(c.status, "fail");
    assert.match(c.summary, /is not the API: debug\.ping returned an HTML page titled "ClearML"/);
    assert.equal(result(r, "server.auth").status, "skip");
    // The keys were not sent to the web page.
    assert.ok(!web.requests.some((q) => q.headers.authorization !== undefined));
  });

  it("advise POST when GET with a body is answered 411 (user-pain C19)", async () => {
    const r = await run({ CLEARML_API_HOST: lengthRequired.url, ...creds });
    assert.equal(result(r, "server.api").status, "pass");
    const c = result(r, "server.get_body");
    assert.equal(c.status, "fail");
    assert.match(c.summary, /411 Length Required.*POST with the same body works/);
    assert.deepEqual(c.fix?.commands, ["export CLEARML_API_DEFAULT_REQ_METHOD=POST"]);

    const post = await run({
      CLEARML_API_HOST: lengthRequired.url,
      CLEARML_API_DEFAULT_REQ_METHOD: "POST",
      ...creds,
    });
    const p = result(post, "server.get_body");
    assert.equal(p.status, "pass");
    assert.match(p.summary, /but the client uses POST \(env CLEARML_API_DEFAULT_REQ_METHOD\)/);
    assert.equal(result(post, "server.auth").status, "pass");
    assert.ok(lengthRequired.requests.some((q) => q.method === "POST" && q.path === "/auth.login"));
  });

  it("give up on a socket that never answers within the step timeout and say so", async () => {
    const hangHttps = hang.url.replace("http://", "https://");
    const r = await run({ CLEARML_API_HOST: hang.url, CLEARML_WEB_HOST: hangHttps, ...creds });
    // It waited for the step timeout, and not much longer.
    assert.ok(r.ms >= STEP_MS * 0.9 && r.ms < STEP_MS * 4, `the probe took ${Math.round(r.ms)} ms`);
    assert.match(
      result(r, "server.tcp").details?.join("\n") ?? "",
      /ok: api http:\/\/127\.0\.0\.1:\d+: connected to 127\.0\.0\.1/,
    );
    const c = result(r, "server.api");
    assert.equal(c.status, "fail");
    assert.match(c.summary, /accepts connections but sent no answer to debug\.ping within \d+ ms/);
    const t = result(r, "server.tls");
    assert.equal(t.status, "warn"); // the web host's handshake: web problems warn
    assert.match(t.summary, /TLS handshake .* failed: no answer within 500 ms/);
  });

  it("stop when the run's budget runs out even with a long step timeout", async () => {
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), 300);
    const r = await run({ CLEARML_API_HOST: hang.url, ...creds }, tools(budget.signal, 30_000));
    clearTimeout(timer);
    assert.ok(r.ms < 1500, `the probe took ${Math.round(r.ms)} ms`);
    assert.equal(r.snapshot.budgetExhausted, true);
    const c = result(r, "server.api");
    assert.equal(c.status, "fail");
    assert.match(c.summary, /the run's time budget \(--timeout\) ran out/);
  });

  it("keep the credential facts when the API host does not resolve", async () => {
    const r = await run({ CLEARML_API_HOST: "http://doctor-test.invalid:8008", ...creds });
    assert.equal(result(r, "server.dns").status, "fail");
    const auth = r.snapshot.targets.find((t) => t.role === "api")?.api?.auth;
    assert.equal(auth?.mode, "keys");
    assert.equal(auth?.accessKey, "…DQOW");
    assert.match(result(r, "server.auth").summary, /not reached, DNS failed/);
  });

  it("report a closed port as refused", async () => {
    const closed = await startFakeServer({ mode: "web" });
    const url = closed.url;
    await closed.close();
    const r = await run({ CLEARML_API_HOST: url, ...creds });
    const c = result(r, "server.tcp");
    assert.equal(c.status, "fail");
    assert.match(c.summary, /connection refused: nothing listens on that port \(ECONNREFUSED\)/);
    assert.equal(result(r, "server.api").status, "skip");
  });
});

describe("server checks through an HTTP proxy", { skip }, () => {
  it("tunnel https through CONNECT, verify the certificate, and flag the internal host (user-pain C18)", async () => {
    const proxy = await startFakeProxy();
    try {
      const r = await run({
        CLEARML_API_HOST: api.url,
        CLEARML_API_HOST_VERIFY_CERT: pki!.caPath,
        HTTPS_PROXY: proxy.url,
        ...creds,
      });
      assert.ok(
        proxy.seen.includes(`CONNECT 127.0.0.1:${api.port} HTTP/1.1`),
        proxy.seen.join("; "),
      );
      for (const id of ["server.tls", "server.api", "server.auth", "server.get_body"]) {
        assert.equal(result(r, id).status, "pass", `${id}: ${result(r, id).summary}`);
      }
      assert.match(result(r, "server.tcp").summary, /through the proxy http:\/\/127\.0\.0\.1:\d+/);
      const p = result(r, "server.proxy");
      assert.equal(p.status, "warn");
      assert.match(
        p.summary,
        /the internal host 127\.0\.0\.1 is reached through the proxy .* \(HTTPS_PROXY\)/,
      );
      assert.match(p.fix?.commands?.[0] ?? "", /^export NO_PROXY=127\.0\.0\.1,\$NO_PROXY/);
    } finally {
      await proxy.close();
    }
  });

  it("catch a proxy that answers 411 to GET with a body, and pass once NO_PROXY bypasses it (user-pain C19)", async () => {
    const proxy = await startFakeProxy({ lengthRequiredForGetBody: true });
    try {
      const through = await run({ CLEARML_API_HOST: plain.url, http_proxy: proxy.url, ...creds });
      assert.equal(result(through, "server.api").status, "pass");
      const g = result(through, "server.get_body");
      assert.equal(g.status, "fail");
      assert.match(g.summary, /411 Length Required.*POST with the same body works/);
      assert.ok(
        proxy.seen.some((l) => l.startsWith(`GET http://127.0.0.1:${plain.port}/debug.ping`)),
      );

      const bypass = await run({
        CLEARML_API_HOST: plain.url,
        http_proxy: proxy.url,
        NO_PROXY: "localhost,127.0.0.1",
        ...creds,
      });
      assert.equal(result(bypass, "server.get_body").status, "pass");
      assert.match(
        result(bypass, "server.proxy").summary,
        /direct \(NO_PROXY entry "127\.0\.0\.1" in NO_PROXY\)/,
      );
    } finally {
      await proxy.close();
    }
  });

  it("report a proxy that refuses CONNECT with 407", async () => {
    const proxy = await startFakeProxy({ refuseConnect: 407 });
    try {
      const r = await run({ CLEARML_API_HOST: api.url, HTTPS_PROXY: proxy.url, ...creds });
      const p = result(r, "server.proxy");
      assert.equal(p.status, "fail");
      assert.match(p.summary, /the proxy answered 407 Proxy Authentication Required to CONNECT/);
      assert.equal(result(r, "server.tls").status, "fail");
      assert.equal(result(r, "server.api").status, "skip");
    } finally {
      await proxy.close();
    }
  });
});
