/**
 * The server checks on hand-made snapshots (no network), and the pure helpers behind the probe:
 * URL shape, proxy choice, target planning from the resolved settings, response parsing.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckResult, DoctorInput, ProbeTools } from "../../src/doctor/types.ts";
import { serverCategory, serverChecks } from "../../src/doctor/checks/server.ts";
import { offlineReason } from "../../src/doctor/offline.ts";
import {
  type ApiFacts,
  type AuthFacts,
  credentialsOf,
  describeResponse,
  type HostProbe,
  type HttpFacts,
  parseCertDate,
  planTargets,
  probeServer,
  type ServerSnapshot,
  type StepResult,
  type TlsFacts,
  type TrustFacts,
} from "../../src/doctor/probes/server_probe.ts";
import { type Role, urlFacts } from "../../src/doctor/probes/_url.ts";
import { chooseProxy, noProxyMatch, noProxyWarnings, proxiesFromEnv } from "../../src/api/proxy.ts";
import { parseResponse } from "../../src/runtime/http.ts";
import type { Origin } from "../../src/settings/tree.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

// ---------------------------------------------------------------------------------------------
// snapshot builders

const ENV_HOST: Origin = { kind: "env", name: "CLEARML_API_HOST" };
const FILE: Origin = { kind: "file", file: "/home/u/clearml.conf", line: 2, col: 15 };
const DEFAULT_HOST: Origin = { kind: "derived", from: "the SDK's built-in default host" };
const derivedFrom = (api: string): Origin => ({
  kind: "derived",
  from: `API host ${api} (port 8008 → 8080)`,
});

const ok = <T>(value: T, ms = 4): StepResult<T> => ({ ok: true, ms, value });
const failed = (error: string, extra: Partial<StepResult<never>> = {}): StepResult<never> => ({
  ok: false,
  ms: 3,
  error,
  ...extra,
});
const timedOut = (ms = 500): StepResult<never> => ({
  ok: false,
  ms,
  timedOut: true,
  budget: false,
  error: `no answer within ${ms} ms`,
});

function answer(over: Partial<HttpFacts> = {}, endpoint = "debug.ping"): HttpFacts {
  return {
    status: 200,
    statusText: "OK",
    contentType: "application/json",
    kind: "clearml-api",
    envelope: { resultCode: 200, resultSubcode: 0, resultMsg: "OK", endpoint },
    ...over,
  };
}

const html = (status = 200, title = "ClearML"): HttpFacts => ({
  status,
  statusText: "OK",
  contentType: "text/html; charset=utf-8",
  kind: "html",
  title,
});

function auth(over: Partial<AuthFacts> = {}): AuthFacts {
  return {
    mode: "keys",
    accessKey: "…QOW7",
    accessKeyOrigin: { kind: "env", name: "CLEARML_API_ACCESS_KEY" },
    secretOrigin: { kind: "env", name: "CLEARML_API_SECRET_KEY" },
    explicit: true,
    login: ok({
      ...answer({}, "auth.login"),
      token: { apiVersion: "2.31", user: "Jane", company: "clearml", expiresInDays: 30 },
    }),
    ...over,
  };
}

function api(over: Partial<ApiFacts> = {}, authOver: Partial<AuthFacts> = {}): ApiFacts {
  return {
    ping: ok(answer(), 12),
    info: ok(answer({ version: "2.0.0", apiVersion: "2.31" }, "server.info")),
    getBody: ok(answer({ echoed: true })),
    auth: auth(authOver),
    ...over,
  };
}

const CHAIN = [{
  subject: "CN=clearml.example.com",
  issuer: "CN=Example CA",
  validFrom: "Jan  1 00:00:00 2026 GMT",
  validTo: "Jan  1 00:00:00 2027 GMT",
  daysLeft: 200,
  selfSigned: false,
}];

function tlsOk(over: Partial<TlsFacts> = {}): StepResult<TlsFacts> {
  return ok({ protocol: "TLSv1.3", authorized: true, chain: CHAIN, ...over });
}

const VERIFY_ON: TrustFacts = { verify: true, verifyText: "true" };

interface HostSpec {
  role?: Role;
  url?: string;
  origin?: Origin;
  consumers?: HostProbe["consumers"];
  over?: Partial<HostProbe>;
}

/** A host that passed every layer; `over` replaces parts. */
function host(spec: HostSpec = {}): HostProbe {
  const role = spec.role ?? "api";
  const url = spec.url ?? "http://server.example.com:8008";
  const facts = urlFacts(url, role);
  const h: HostProbe = {
    role,
    consumers: spec.consumers ?? ["sdk", "agent"],
    url: facts,
    origin: spec.origin ?? ENV_HOST,
    method: "GET",
    proxy: {},
    dns: ok({ addresses: [{ address: "10.1.2.3", family: 4 }] }),
    tcp: ok({ address: "10.1.2.3", port: facts.port ?? 80, via: "direct" }),
  };
  if (facts.scheme === "https") {
    h.trust = VERIFY_ON;
    h.tls = tlsOk();
  }
  if (role === "api") h.api = api();
  else {h.http = ok(
      role === "web"
        ? html()
        : { status: 404, statusText: "NOT FOUND", kind: "text", snippet: "Not Found" },
    );}
  return { ...h, ...spec.over };
}

function snap(targets: HostProbe[], over: Partial<ServerSnapshot> = {}): ServerSnapshot {
  return {
    where: { inContainer: false, evidence: [] },
    proxyVariables: [],
    noProxyWarnings: [],
    stepTimeoutMs: 500,
    budgetExhausted: false,
    targets,
    missing: [],
    ...over,
  };
}

const healthy = () =>
  snap([
    host(),
    host({
      role: "web",
      url: "http://server.example.com:8080",
      origin: derivedFrom("http://server.example.com:8008"),
    }),
    host({
      role: "files",
      url: "http://server.example.com:8081",
      origin: derivedFrom("http://server.example.com:8008"),
    }),
  ]);

/** The same over https, with sub-domains, as a hosted server is set up. */
const healthyHttps = () =>
  snap([
    host({ url: "https://api.example.com" }),
    host({
      role: "web",
      url: "https://app.example.com",
      origin: derivedFrom("https://api.example.com"),
    }),
    host({
      role: "files",
      url: "https://files.example.com",
      origin: derivedFrom("https://api.example.com"),
    }),
  ]);

const INPUT = doctorInput();

function check(id: string, s: ServerSnapshot, input: DoctorInput = INPUT): CheckResult {
  const c = serverChecks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}`);
  return c.run(s, input);
}

function fixture(name: string): Buffer {
  const here = dirname(fileURLToPath(import.meta.url));
  return readFileSync(join(here, "..", "fixtures", "doctor", "server", name));
}

// ---------------------------------------------------------------------------------------------

describe("serverCategory", () => {
  it("is named server and lists every check id once", () => {
    assert.equal(serverCategory.name, "server");
    const ids = serverCategory.checks.map((c) => c.id);
    assert.deepEqual([...ids].sort(), [
      "server.api",
      "server.auth",
      "server.default_host",
      "server.dns",
      "server.files",
      "server.get_body",
      "server.localhost_in_container",
      "server.proxy",
      "server.tcp",
      "server.tls",
      "server.url",
      "server.web",
    ]);
  });

  it("passes every check on a healthy https snapshot", () => {
    for (const c of serverChecks) {
      const r = c.run(healthyHttps(), INPUT);
      assert.equal(r.status, "pass", `${c.id}: ${r.summary}`);
    }
  });

  it("skips every network check offline with the reason (user-pain A11)", () => {
    const s = snap([], {
      offline: "CLEARML_OFFLINE_MODE=1 turns on offline mode: the SDK contacts no server",
    });
    for (const c of serverChecks.filter((c) => c.id !== "server.url")) {
      const r = c.run(s, INPUT);
      assert.equal(r.status, "skip", c.id);
      assert.match(r.summary, /^skipped: CLEARML_OFFLINE_MODE=1 turns on offline mode/);
    }
  });
});

describe("offlineReason()", () => {
  it("takes --offline", () => {
    assert.match(
      offlineReason(doctorInput({}, {}, { offline: true })) ?? "",
      /--offline was given/,
    );
  });
  it("reads CLEARML_OFFLINE_MODE as a safe bool: abc is on, off is off", () => {
    assert.match(
      offlineReason(doctorInput({ CLEARML_OFFLINE_MODE: "abc" })) ?? "",
      /CLEARML_OFFLINE_MODE=abc/,
    );
    assert.match(
      offlineReason(doctorInput({ TRAINS_OFFLINE_MODE: "1" })) ?? "",
      /TRAINS_OFFLINE_MODE=1/,
    );
    assert.equal(offlineReason(doctorInput({ CLEARML_OFFLINE_MODE: "off" })), undefined);
    assert.equal(offlineReason(doctorInput({ CLEARML_OFFLINE_MODE: "False" })), undefined);
    assert.equal(offlineReason(doctorInput({})), undefined);
  });
  it("makes probeServer return without probing", async () => {
    const tools: ProbeTools = {
      exec: () => Promise.reject(new Error("unused")),
      signal: new AbortController().signal,
      stepTimeoutMs: 10,
    };
    const s = await probeServer(
      doctorInput({ CLEARML_OFFLINE_MODE: "yes", CLEARML_API_HOST: "http://10.255.255.1:8008" }),
      tools,
      {
        where: { inContainer: false, evidence: [] },
      },
    );
    assert.match(s.offline ?? "", /offline mode/);
    // The URLs are still there for server.url, but nothing was probed.
    assert.deepEqual(s.targets.map((t) => t.url.display), [
      "http://10.255.255.1:8008",
      "http://10.255.255.1:8080",
      "http://10.255.255.1:8081",
    ]);
    assert.ok(s.targets.every((t) => !t.dns && !t.tcp && !t.tls && /^offline:/.test(t.skipped!)));
  });
});

describe("server.url", () => {
  it("passes well-formed hosts and names each origin", () => {
    const r = check("server.url", healthy());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /api http:\/\/server\.example\.com:8008 \(env CLEARML_API_HOST\)/);
  });

  it("fails a scheme-less API host and suggests the URL (user-pain B15)", () => {
    const r = check("server.url", snap([host({ url: "localhost:8008" })]));
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /no scheme: Python reads "localhost:8008" as scheme "localhost"; write http:\/\/localhost:8008/,
    );
  });

  it("fails an API URL that ends with an endpoint", () => {
    const r = check("server.url", snap([host({ url: "http://server:8008/debug.ping" })]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /the path ends with \/debug\.ping/);
  });

  it("fails a URL whose quotes became part of the value (user-pain A2)", () => {
    const r = check("server.url", snap([host({ url: '"http://server:8008"' })]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /wrapped in quotes/);
  });

  it("fails when the web host cannot be derived and says how the SDK fails", () => {
    const s = snap([host({ url: "http://10.0.0.1" })], {
      missing: [{
        role: "web",
        consumer: "sdk",
        message: "Could not detect ClearML web application server (from API host http://10.0.0.1)",
      }],
    });
    const r = check("server.url", s);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /no web host: Could not detect ClearML web application server/);
  });

  it("warns when the web host is the API URL (user-pain B15: three distinct URLs)", () => {
    const s = snap([host(), host({ role: "web", url: "http://server.example.com:8008" })]);
    const r = check("server.url", s);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /the web host is the API URL/);
  });

  it("masks a password carried in a URL", () => {
    const r = check("server.url", snap([host({ url: "http://me:hunter2@server:8008" })]));
    assert.equal(r.status, "warn");
    assert.doesNotMatch(JSON.stringify(r), /hunter2/);
  });
});

describe("server.dns", () => {
  it("passes with every address", () => {
    const r = check("server.dns", snap([host()]));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /server\.example\.com → 10\.1\.2\.3/);
  });

  it("fails an API name that does not resolve, apart from the other layers (user-pain B16)", () => {
    const h = host({
      over: {
        dns: failed("the name does not resolve (ENOTFOUND)", { code: "ENOTFOUND" }),
        tcp: undefined,
        api: undefined,
        skipped: "the host name did not resolve",
      },
    });
    const r = check("server.dns", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /does not resolve: the name does not resolve \(ENOTFOUND\)/);
    assert.deepEqual(r.fix?.commands, ["getent hosts server.example.com"]);
    assert.equal(check("server.api", snap([h])).status, "skip");
    assert.match(check("server.api", snap([h])).summary, /DNS failed \(see server\.dns\)/);
  });

  it("only warns when the web host does not resolve", () => {
    const web = host({
      role: "web",
      url: "http://app.example.com",
      over: {
        dns: failed("the name does not resolve (ENOTFOUND)"),
        tcp: undefined,
        http: undefined,
      },
    });
    assert.equal(check("server.dns", snap([host(), web])).status, "warn");
  });

  it("passes a name only the proxy can resolve", () => {
    const h = host({
      over: {
        dns: failed("the name does not resolve (ENOTFOUND)"),
        proxy: { url: "http://proxy:3128", variable: "HTTP_PROXY" },
      },
    });
    const r = check("server.dns", snap([h]));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /but the proxy http:\/\/proxy:3128 resolves it/);
  });
});

describe("server.tcp", () => {
  it("passes with the address and time", () => {
    assert.match(
      check("server.tcp", snap([host()])).summary,
      /connected to 10\.1\.2\.3:8008 in 4 ms/,
    );
  });

  it("fails a refused API port", () => {
    const h = host({
      over: {
        tcp: failed("connection refused: nothing listens on that port (ECONNREFUSED)"),
        api: undefined,
      },
    });
    const r = check("server.tcp", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /port 8008: connection refused/);
    assert.match(
      r.fix?.commands?.[0] ?? "",
      /^curl -v --max-time 5 http:\/\/server\.example\.com:8008\//,
    );
  });

  it("says a connect timeout looks like a firewall (user-pain A12: a hang, not an error)", () => {
    const h = host({ over: { tcp: timedOut(), api: undefined } });
    assert.match(
      check("server.tcp", snap([h])).summary,
      /no connection within 500 ms \(a firewall drops the packets/,
    );
  });

  it("says when the run's budget ran out", () => {
    const h = host({
      over: {
        tcp: { ok: false, ms: 90, timedOut: true, budget: true, error: "x" },
        api: undefined,
      },
    });
    assert.match(
      check("server.tcp", snap([h])).summary,
      /the run's time budget \(--timeout\) ran out/,
    );
  });

  it("warns, not fails, for an unreachable derived files host", () => {
    const files = host({
      role: "files",
      url: "http://server.example.com:8081",
      origin: derivedFrom("x"),
      over: { tcp: failed("connection refused (ECONNREFUSED)"), http: undefined },
    });
    assert.equal(check("server.tcp", snap([host(), files])).status, "warn");
    const explicit = { ...files, origin: { kind: "env", name: "CLEARML_FILES_HOST" } as Origin };
    assert.equal(check("server.tcp", snap([host(), explicit])).status, "fail");
  });
});

describe("server.tls", () => {
  const https = (over: Partial<HostProbe> = {}) =>
    host({ url: "https://clearml.example.com", over });

  it("passes a trusted certificate and shows issuer and expiry", () => {
    const r = check("server.tls", snap([https()]));
    assert.equal(r.status, "pass");
    assert.match(
      r.summary,
      /CN=clearml\.example\.com issued by CN=Example CA, expires in 200 day\(s\), trusted via the default store/,
    );
  });

  it("skips when no host uses https", () => {
    assert.equal(check("server.tls", healthy()).status, "skip");
  });

  it("fails an untrusted chain and says the bundle is the wrong one (user-pain C20)", () => {
    const h = https({
      trust: {
        verify: true,
        verifyText: "true",
        bundle: { path: "/venv/certifi/cacert.pem", source: "env CURL_CA_BUNDLE", certs: 140 },
      },
      tls: tlsOk({
        authorized: false,
        authorizationError: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        defaultStore: { authorized: true },
      }),
    });
    const r = check("server.tls", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /the CA bundle \/venv\/certifi\/cacert\.pem \(env CURL_CA_BUNDLE\) does not trust .*: its issuer is not a trusted CA; the default trust store accepts it/,
    );
    assert.match(r.fix?.text ?? "", /CLEARML_API_HOST_VERIFY_CERT=\/path\/to\/ca\.pem/);
  });

  it("warns when verification is off and says where that came from", () => {
    const h = https({
      trust: { verify: false, verifyText: "false", verifyOrigin: FILE },
      tls: tlsOk({ authorized: false, authorizationError: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
    });
    const r = check("server.tls", snap([h]));
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /verification is off \(verify=false \(\/home\/u\/clearml\.conf:2:15\)\); it would fail: DEPTH_ZERO_SELF_SIGNED_CERT/,
    );
  });

  it("warns when the certificate expires within 14 days", () => {
    const h = https({ tls: tlsOk({ chain: [{ ...CHAIN[0]!, daysLeft: 5 }] }) });
    const r = check("server.tls", snap([h]));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /expires in 5 day\(s\)/);
  });

  it("fails an expired certificate", () => {
    const h = https({
      tls: tlsOk({
        authorized: false,
        authorizationError: "CERT_HAS_EXPIRED",
        chain: [{ ...CHAIN[0]!, daysLeft: -3 }],
      }),
    });
    assert.match(check("server.tls", snap([h])).summary, /expired 3 day\(s\) ago/);
  });

  it("fails a certificate for another name", () => {
    const h = https({
      tls: tlsOk({ hostnameError: "Hostname/IP does not match certificate's altnames" }),
    });
    const r = check("server.tls", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /does not name clearml\.example\.com/);
  });

  it("explains a verify value that is a misspelled bool (sdk-config row 23)", () => {
    const h = https({
      trust: {
        verify: true,
        verifyText: "flase",
        verifyOrigin: { kind: "env", name: "CLEARML_API_HOST_VERIFY_CERT" },
        bundle: {
          path: "flase",
          source: "env CLEARML_API_HOST_VERIFY_CERT",
          certs: 0,
          error: "does not exist",
        },
      },
    });
    const r = check("server.tls", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /the CA bundle flase from env CLEARML_API_HOST_VERIFY_CERT does not exist \("flase" is not a true\/false spelling/,
    );
  });

  it("says verify_certificate=false does not cover uploads to the files server (user-pain C21)", () => {
    const files = host({
      role: "files",
      url: "https://files.example.com",
      origin: { kind: "env", name: "CLEARML_FILES_HOST" },
      over: {
        trust: {
          ...VERIFY_ON,
          scopeNote:
            "api.verify_certificate=false (/home/u/clearml.conf:2:15) covers API calls only: uploads to the files server still verify certificates unless CLEARML_API_HOST_VERIFY_CERT is set",
        },
        tls: tlsOk({ authorized: false, authorizationError: "SELF_SIGNED_CERT_IN_CHAIN" }),
      },
    });
    const r = check("server.tls", snap([host(), files]));
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /files https:\/\/files\.example\.com: .*covers API calls only: uploads to the files server still verify/,
    );
  });

  it("fails a handshake that does not complete", () => {
    const h = https({ tls: timedOut(), api: undefined });
    assert.match(
      check("server.tls", snap([h])).summary,
      /TLS handshake with clearml\.example\.com:443 failed: no answer within 500 ms/,
    );
  });
});

describe("server.api", () => {
  it("passes the ClearML API with server and API versions", () => {
    const r = check("server.api", snap([host()]));
    assert.equal(r.status, "pass");
    assert.match(
      r.summary,
      /is the ClearML API: debug\.ping answered in 12 ms; server 2\.0\.0, API 2\.31/,
    );
  });

  it("catches user-pain B14: the web app's URL given as the API", () => {
    const h = host({
      url: "http://server:8080",
      over: {
        api: api({ ping: ok(html()), info: undefined, getBody: undefined }, { login: undefined }),
      },
    });
    const r = check("server.api", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /is not the API: debug\.ping returned an HTML page titled "ClearML"/);
    assert.match(
      r.fix?.text ?? "",
      /the API is usually http:\/\/server:8008 \(currently from env CLEARML_API_HOST\)/,
    );
  });

  it("fails some other JSON server", () => {
    const h = host({
      over: { api: api({ ping: ok({ status: 200, statusText: "OK", kind: "json" }) }) },
    });
    assert.match(
      check("server.api", snap([h])).summary,
      /is not the ClearML API: debug\.ping returned JSON that is not a ClearML answer/,
    );
  });

  it("fails a host that accepts connections but never answers", () => {
    const h = host({
      over: {
        api: api({ ping: timedOut(), info: undefined, getBody: undefined }, { login: undefined }),
      },
    });
    const r = check("server.api", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /accepts connections but sent no answer to debug\.ping within 500 ms/);
  });

  it("fails a ClearML answer that is not a success (wrong path prefix)", () => {
    const h = host({
      url: "http://server:8008/api/v2",
      over: {
        api: api({
          ping: ok(
            answer({
              status: 404,
              envelope: { resultCode: 404, resultMsg: "Unable to find endpoint" },
            }),
          ),
        }),
      },
    });
    assert.match(
      check("server.api", snap([h])).summary,
      /speaks the ClearML protocol but debug\.ping gave HTTP 404 ClearML 404/,
    );
  });

  it("says the proxy is to blame when a direct call works (user-pain C18)", () => {
    const h = host({
      over: {
        proxy: { url: "http://proxy:3128", variable: "HTTP_PROXY" },
        api: api({
          ping: ok({ status: 404, statusText: "Not Found", kind: "html" }),
          direct: ok(answer()),
        }),
      },
    });
    assert.match(
      check("server.api", snap([h])).summary,
      /without the proxy http:\/\/proxy:3128 it answers \(see server\.proxy\)/,
    );
  });
});

describe("server.auth", () => {
  it("passes a login and shows the key by its last 4 characters and origin", () => {
    const r = check("server.auth", snap([host()]));
    assert.equal(r.status, "pass");
    assert.match(
      r.summary,
      /logged in as Jane \(clearml\) with key …QOW7 from env CLEARML_API_ACCESS_KEY with the secret from env CLEARML_API_SECRET_KEY; token API 2\.31/,
    );
  });

  it("catches user-pain A10: the server rejects the key (401)", () => {
    const h = host({
      over: {
        api: api({}, {
          accessKeyOrigin: FILE,
          login: ok(
            answer({
              status: 401,
              envelope: {
                resultCode: 401,
                resultSubcode: 22,
                resultMsg:
                  "unauthorized (invalid credentials) (failed to locate provided credentials)",
              },
            }, "auth.login"),
          ),
        }),
      },
    });
    const r = check("server.auth", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /rejected key …QOW7 from \/home\/u\/clearml\.conf:2:15 .*HTTP 401: "unauthorized \(invalid credentials\)/,
    );
    assert.match(r.fix?.text ?? "", /compare the key's last 4 characters/);
    assert.deepEqual(r.fix?.commands, [
      'curl -sS -u "$CLEARML_API_ACCESS_KEY:$CLEARML_API_SECRET_KEY" http://server.example.com:8008/auth.login',
    ]);
  });

  it("says an expired token wins over the keys", () => {
    const h = host({
      over: {
        api: api({}, {
          mode: "token",
          accessKey: undefined,
          tokenOrigin: { kind: "env", name: "CLEARML_AUTH_TOKEN" },
          login: ok(
            answer({
              status: 401,
              envelope: { resultCode: 401, resultSubcode: 30, resultMsg: "invalid token" },
            }),
          ),
        }),
      },
    });
    const r = check("server.auth", snap([h]));
    assert.match(r.summary, /rejected the token from env CLEARML_AUTH_TOKEN/);
    assert.match(r.fix?.text ?? "", /CLEARML_AUTH_TOKEN is expired or revoked/);
  });

  it("fails with no credentials at all (user-pain A3)", () => {
    const h = host({
      over: {
        api: api({}, {
          mode: "none",
          accessKey: undefined,
          explicit: false,
          login: undefined,
          skipped: "no credentials are set",
        }),
      },
    });
    const r = check("server.auth", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /no credentials are set; the SDK stops with MissingConfigError/);
  });

  it("fails an access key without its secret (sdk-config row 21)", () => {
    const h = host({
      over: { api: api({}, { mode: "key-only", secretOrigin: undefined, login: undefined }) },
    });
    assert.match(
      check("server.auth", snap([h])).summary,
      /access key …QOW7 \(env CLEARML_API_ACCESS_KEY\) has no secret key/,
    );
  });

  it("skips when the host is not the API", () => {
    const h = host({
      over: {
        api: api({ ping: ok(html()) }, {
          login: undefined,
          skipped: "the host is not the ClearML API",
        }),
      },
    });
    assert.match(check("server.auth", snap([h])).summary, /not the ClearML API, so no login/);
  });

  it("fails a login that times out", () => {
    const h = host({ over: { api: api({}, { login: timedOut() }) } });
    assert.match(
      check("server.auth", snap([h])).summary,
      /auth\.login with key …QOW7 .* got no answer: no answer within 500 ms/,
    );
  });

  it("reports the agent's own credentials separately", () => {
    const agent = host({
      url: "http://other:8008",
      consumers: ["agent"],
      over: { api: api({}, { login: ok(answer({ status: 401 })) }) },
    });
    const r = check("server.auth", snap([host({ consumers: ["sdk"] }), agent]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /^api http:\/\/other:8008 \(agent\): the server rejected/);
  });
});

describe("server.proxy", () => {
  const vars = [{ name: "HTTPS_PROXY", value: "http://proxy.corp:3128" }];

  it("passes with no proxy variables", () => {
    assert.match(check("server.proxy", healthy()).summary, /no proxy variables are set/);
  });

  it("catches user-pain C18: an internal server reached through the corporate proxy", () => {
    const h = host({
      url: "http://clearml.internal:8008",
      over: { proxy: { url: "http://proxy.corp:3128", variable: "http_proxy" } },
    });
    const r = check("server.proxy", snap([h], { proxyVariables: vars }));
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /the internal host clearml\.internal is reached through the proxy http:\/\/proxy\.corp:3128 \(http_proxy\)/,
    );
    assert.deepEqual(r.fix?.commands, [
      "export NO_PROXY=clearml.internal,$NO_PROXY no_proxy=clearml.internal,$no_proxy",
    ]);
  });

  it("fails when the proxied call fails and the direct one works", () => {
    const h = host({
      over: {
        proxy: { url: "http://proxy.corp:3128", variable: "HTTP_PROXY" },
        api: api({
          ping: ok({ status: 404, statusText: "Not Found", kind: "text" }),
          direct: ok(answer()),
        }),
      },
    });
    const r = check("server.proxy", snap([h], { proxyVariables: vars }));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /the API call fails, directly it works/);
  });

  it("says an internal host should bypass a proxy that cannot be reached", () => {
    const h = host({
      url: "http://10.0.0.5:8008",
      over: {
        proxy: { url: "http://proxy.corp:3128", variable: "HTTP_PROXY" },
        tcp: failed("the name does not resolve (ENOTFOUND)"),
        api: undefined,
      },
    });
    const r = check("server.proxy", snap([h], { proxyVariables: vars }));
    assert.equal(r.status, "fail");
    assert.match(
      r.summary,
      /did not accept a connection: .*; 10\.0\.0\.5 is internal and should bypass the proxy/,
    );
    assert.match(r.fix?.commands?.[0] ?? "", /NO_PROXY=10\.0\.0\.5,/);
  });

  it("passes a host that NO_PROXY bypasses and names the entry", () => {
    const h = host({
      over: { proxy: { bypassEntry: ".example.com", bypassVariable: "NO_PROXY" } },
    });
    assert.match(
      check("server.proxy", snap([h], { proxyVariables: vars })).summary,
      /direct \(NO_PROXY entry "\.example\.com" in NO_PROXY\)/,
    );
  });

  it("fails when the proxy refuses CONNECT", () => {
    const h = host({
      url: "https://clearml.example.com",
      over: {
        proxy: { url: "http://proxy.corp:3128", variable: "HTTPS_PROXY" },
        tls: failed("the proxy answered 407 Proxy Authentication Required to CONNECT", {
          code: "PROXY_REFUSED",
        }),
        api: undefined,
      },
    });
    assert.match(
      check("server.proxy", snap([h], { proxyVariables: vars })).summary,
      /407 Proxy Authentication Required/,
    );
  });

  it("warns about a wildcard NO_PROXY entry requests ignores", () => {
    const s = snap([host()], {
      proxyVariables: vars,
      noProxyWarnings: noProxyWarnings("*.corp.com,localhost"),
    });
    const r = check("server.proxy", s);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /\*\.corp\.com is a wildcard, which Python requests does not understand: write \.corp\.com/,
    );
  });

  it("warns that a socks proxy is not probed", () => {
    const h = host({
      url: "http://clearml.example.com:8008",
      over: {
        proxy: {
          url: "socks5://p:1080",
          variable: "ALL_PROXY",
          unsupported: "socks5 proxies are not probed (only http:// proxies)",
        },
      },
    });
    assert.equal(check("server.proxy", snap([h], { proxyVariables: vars })).status, "warn");
  });
});

describe("server.get_body", () => {
  it("passes when the body reaches the API", () => {
    assert.match(
      check("server.get_body", healthy()).summary,
      /a GET with a JSON body reaches the API intact; the client uses GET \(default\)/,
    );
  });

  it("catches user-pain C19: proxy answers 411 to GET with a body", () => {
    const h = host({
      over: {
        api: api({
          getBody: ok({ status: 411, statusText: "Length Required", kind: "html" }),
          postBody: ok(answer({ echoed: true })),
        }),
      },
    });
    const r = check("server.get_body", snap([h]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /answered 411 Length Required .*; POST with the same body works/);
    assert.match(
      r.fix?.text ?? "",
      /CLEARML_API_DEFAULT_REQ_METHOD=POST, or api\.http\.default_method: post/,
    );
  });

  it("fails when something drops the body on the way", () => {
    const h = host({
      over: {
        api: api({
          getBody: ok(answer({ echoed: false })),
          postBody: ok(answer({ echoed: true })),
        }),
      },
    });
    assert.match(check("server.get_body", snap([h])).summary, /arrived without its body/);
  });

  it("passes when the client already uses POST, and says where that came from", () => {
    const h = host({
      over: {
        method: "POST",
        methodOrigin: { kind: "env", name: "CLEARML_API_DEFAULT_REQ_METHOD" },
        api: api({ getBody: ok({ status: 411, statusText: "Length Required", kind: "html" }) }),
      },
    });
    const r = check("server.get_body", snap([h]));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /but the client uses POST \(env CLEARML_API_DEFAULT_REQ_METHOD\)/);
  });

  it("skips a host that is not the API, or whose ping failed", () => {
    const h = host({ over: { api: api({ ping: ok(html()), getBody: undefined }) } });
    assert.match(
      check("server.get_body", snap([h])).summary,
      /not the ClearML API \(see server\.api\)/,
    );
    const dead = host({ over: { api: api({ ping: timedOut(), getBody: undefined }) } });
    assert.match(
      check("server.get_body", snap([dead])).summary,
      /debug\.ping failed \(see server\.api\)/,
    );
  });
});

describe("server.default_host", () => {
  const saas = (authOver: Partial<AuthFacts>) =>
    host({
      url: "https://api.clear.ml",
      origin: DEFAULT_HOST,
      consumers: ["sdk"],
      over: { api: api({}, authOver) },
    });

  it("passes an explicitly set host", () => {
    assert.match(
      check("server.default_host", healthy()).summary,
      /set explicitly \(env CLEARML_API_HOST\)/,
    );
  });

  it("catches user-pain A8: keys set, host left at the built-in default", () => {
    const r = check("server.default_host", snap([saas({ login: undefined })]));
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /built-in default https:\/\/api\.clear\.ml \(hosted service\) while key …QOW7 from env CLEARML_API_ACCESS_KEY/,
    );
  });

  it("fails when the hosted service rejected those keys (user-pain A8)", () => {
    const r = check("server.default_host", snap([saas({ login: ok(answer({ status: 401 })) })]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /went to the hosted https:\/\/api\.clear\.ml, which rejected them/);
    assert.match(r.fix?.commands?.[0] ?? "", /^export CLEARML_API_HOST=/);
  });

  it("passes a hosted-service user whose keys work there", () => {
    assert.equal(check("server.default_host", snap([saas({})])).status, "pass");
  });

  it("warns about the default host even when it was not reached (credentials are local facts)", () => {
    const h = host({
      url: "https://api.clear.ml",
      origin: DEFAULT_HOST,
      consumers: ["sdk"],
      over: {
        dns: failed("the name does not resolve (ENOTFOUND)"),
        tcp: undefined,
        api: { auth: auth({ login: undefined }) },
      },
    });
    assert.equal(check("server.default_host", snap([h])).status, "warn");
    assert.match(
      check("server.auth", snap([h])).summary,
      /not reached, DNS failed \(see server\.dns\)/,
    );
  });

  it("skips without credentials and says the agent has no default (user-pain A3)", () => {
    const s = snap([
      saas({ mode: "none", explicit: false, accessKey: undefined, login: undefined }),
    ], {
      missing: [{
        role: "api",
        consumer: "agent",
        message:
          'the agent has no API host and no built-in default: it stops with "Could not find host server definition"',
      }],
    });
    const r = check("server.default_host", s);
    assert.equal(r.status, "skip");
    assert.match(r.details?.join("\n") ?? "", /agent: the agent has no API host/);
  });
});

describe("server.localhost_in_container", () => {
  const local = () =>
    snap([
      host({ url: "http://localhost:8008" }),
      host({
        role: "files",
        url: "http://127.0.0.1:8081",
        origin: FILE,
        over: { tcp: failed("connection refused (ECONNREFUSED)"), http: undefined },
      }),
    ]);

  it("passes outside a container", () => {
    assert.match(
      check("server.localhost_in_container", local()).summary,
      /not in a container, so localhost, 127\.0\.0\.1 is this machine/,
    );
  });

  it("passes in a container when no host is localhost", () => {
    const s = healthy();
    s.where = { inContainer: true, evidence: ["/.dockerenv exists"] };
    assert.equal(check("server.localhost_in_container", s).status, "pass");
  });

  it("catches user-pain C22 and B17: localhost hosts inside a container", () => {
    const s = local();
    s.where = {
      inContainer: true,
      evidence: ["/.dockerenv exists", "KUBERNETES_SERVICE_HOST is set"],
    };
    const r = check("server.localhost_in_container", s);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /in a container \(\/\.dockerenv exists, KUBERNETES_SERVICE_HOST is set\), api http:\/\/localhost:8008, files http:\/\/127\.0\.0\.1:8081 means this container/,
    );
    assert.match(
      r.details?.join("\n") ?? "",
      /files http:\/\/127\.0\.0\.1:8081 \(\/home\/u\/clearml\.conf:2:15\): not reachable here; file URLs stored with uploads/,
    );
  });
});

describe("server.web and server.files", () => {
  it("pass a web app page and a files server that answers 404 at its root", () => {
    assert.match(
      check("server.web", healthy()).summary,
      /answered an HTML page titled "ClearML" \(HTTP 200, text\/html\)/,
    );
    assert.match(
      check("server.files", healthy()).summary,
      /answered text \(HTTP 404\): "Not Found"/,
    );
  });

  it("warn when the web host answers like the API", () => {
    const s = snap([
      host(),
      host({ role: "web", url: "http://server:8008/", over: { http: ok(answer()) } }),
    ]);
    const r = check("server.web", s);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /answers like the ClearML API .*api\.web_server probably points at the API server/,
    );
  });

  it("fail an explicit files host that never answers, warn a derived one", () => {
    const files = host({
      role: "files",
      url: "http://files.example.com",
      origin: { kind: "env", name: "CLEARML_FILES_HOST" },
      over: { http: timedOut() },
    });
    const r = check("server.files", snap([host(), files]));
    assert.equal(r.status, "fail");
    assert.match(r.summary, /no answer within 500 ms/);
    assert.equal(
      check("server.files", snap([host(), { ...files, origin: derivedFrom("x") }])).status,
      "warn",
    );
  });

  it("warn about a single-label files host (user-pain C22: compose service names)", () => {
    const files = host({ role: "files", url: "http://fileserver:8081", origin: FILE });
    const r = check("server.files", snap([host(), files]));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /fileserver is a single-label name/);
  });

  it("skip a web host that was not reached, naming the failed layer", () => {
    const web = host({
      role: "web",
      url: "http://app.example.com",
      over: { tcp: failed("connection refused (ECONNREFUSED)"), http: undefined },
    });
    const r = check("server.web", snap([host(), web]));
    assert.equal(r.status, "skip");
    assert.match(r.summary, /not reached, no TCP connection \(see server\.tcp\)/);
  });

  it("skip a missing files host", () => {
    const s = snap([host()], {
      missing: [{
        role: "files",
        consumer: "sdk",
        message: "Could not detect ClearML web application server",
      }],
    });
    assert.equal(check("server.files", s).status, "skip");
  });
});

// ---------------------------------------------------------------------------------------------
// pure helpers

describe("urlFacts()", () => {
  it("reads scheme, host, effective port and path", () => {
    const f = urlFacts("https://Clear.Example.com/api/", "api");
    assert.equal(f.ok, true);
    assert.equal(f.hostname, "clear.example.com");
    assert.equal(f.port, 443);
    assert.equal(f.explicitPort, false);
    assert.equal(f.path, "/api");
  });
  it("rejects other schemes and keeps IPv6 literals without brackets", () => {
    assert.equal(urlFacts("ftp://server", "files").ok, false);
    assert.equal(urlFacts("http://[::1]:8008", "api").hostname, "::1");
  });
  it("fails a query string on the API and only warns on the web host", () => {
    assert.equal(urlFacts("http://s:8008?x=1", "api").ok, false);
    assert.equal(urlFacts("http://s:8080?x=1", "web").ok, true);
  });
  it("fails a version path on the API", () => {
    assert.equal(urlFacts("http://s:8008/v2.31", "api").ok, false);
  });
});

describe("proxy choice (Python requests rules)", () => {
  it("lets a lower-case name win, and an empty lower-case name cancel the upper-case one", () => {
    const p = proxiesFromEnv({
      HTTP_PROXY: "http://upper:1",
      http_proxy: "http://lower:2",
      HTTPS_PROXY: "http://u:3",
      https_proxy: "",
    });
    assert.equal(p.get("http")?.value, "http://lower:2");
    assert.equal(p.get("https"), undefined);
  });

  it("matches NO_PROXY by suffix, by host:port, by CIDR and * on its own", () => {
    assert.equal(
      noProxyMatch(".example.com", undefined, "api.example.com", undefined),
      ".example.com",
    );
    assert.equal(noProxyMatch("example.com", undefined, "myexample.com", undefined), "example.com");
    assert.equal(
      noProxyMatch("api.example.com:8008", undefined, "api.example.com", 8008),
      "api.example.com:8008",
    );
    assert.equal(
      noProxyMatch("api.example.com:8008", undefined, "api.example.com", 8080),
      undefined,
    );
    assert.equal(noProxyMatch("10.0.0.0/8", undefined, "10.2.3.4", undefined), "10.0.0.0/8");
    assert.equal(noProxyMatch("10.0.0.0/8", undefined, "11.2.3.4", undefined), undefined);
    assert.equal(noProxyMatch("*", "*", "anything.example", undefined), "*");
    assert.equal(noProxyMatch("localhost, *", "localhost, *", "x.example", undefined), undefined);
  });

  it("matches NO_PROXY case-insensitively through urllib's rule", () => {
    assert.equal(
      noProxyMatch("Example.COM", "Example.COM", "api.example.com", undefined),
      "Example.COM",
    );
  });

  it("picks the scheme's proxy, falls back to all_proxy, and honours NO_PROXY", () => {
    const env = {
      https_proxy: "http://user:p%40ss@proxy:3128",
      ALL_PROXY: "http://all:8080",
      NO_PROXY: "internal.lan",
    };
    const https = chooseProxy(env, "https", "api.clear.ml", undefined);
    assert.equal(https.variable, "https_proxy");
    assert.deepEqual(https.endpoint, {
      host: "proxy",
      port: 3128,
      kind: "http",
      authorization: `Basic ${Buffer.from("user:p@ss").toString("base64")}`,
    });
    assert.equal(chooseProxy(env, "http", "api.clear.ml", undefined).variable, "ALL_PROXY");
    const bypass = chooseProxy(env, "https", "clearml.internal.lan", undefined);
    assert.equal(bypass.url, undefined);
    assert.equal(bypass.bypassEntry, "internal.lan");
    assert.deepEqual(chooseProxy({}, "https", "x", undefined), {});
  });

  it("adds http:// to a proxy without a scheme and does not probe unknown schemes", () => {
    assert.deepEqual(chooseProxy({ HTTP_PROXY: "proxy:3128" }, "http", "x", undefined).endpoint, {
      host: "proxy",
      port: 3128,
      kind: "http",
    });
    assert.equal(
      chooseProxy({ HTTP_PROXY: "socks5://p:1080" }, "http", "x", undefined).endpoint?.kind,
      "socks5",
    );
    assert.match(
      chooseProxy({ HTTP_PROXY: "quic://p:1080" }, "http", "x", undefined).unsupported ?? "",
      /quic proxies are not probed/,
    );
  });
});

describe("planTargets() and credentialsOf()", () => {
  it("probes the hosts the SDK resolves, derived ones included, shared with the agent", () => {
    const p = planTargets(
      doctorInput({
        CLEARML_API_HOST: "http://srv:8008",
        CLEARML_API_ACCESS_KEY: "AKEY12345678",
        CLEARML_API_SECRET_KEY: "s",
      }),
    );
    assert.deepEqual(p.targets.map((t) => [t.role, t.url, t.consumers.join("+")]), [
      ["api", "http://srv:8008", "sdk+agent"],
      ["web", "http://srv:8080", "sdk+agent"],
      ["files", "http://srv:8081", "sdk+agent"],
    ]);
    assert.deepEqual(p.missing, []);
  });

  it("adds the agent's own API host when a dynamic variable gives it one", () => {
    const p = planTargets(doctorInput({ CLEARML_AGENT__API__API_SERVER: "http://agent-srv:8008" }));
    const apis = p.targets.filter((t) => t.role === "api").map((
      t,
    ) => [t.url, t.consumers.join("+")]);
    assert.deepEqual(apis, [["https://api.clear.ml", "sdk"], ["http://agent-srv:8008", "agent"]]);
  });

  it("notes that the agent has no host when nothing is configured (user-pain A3)", () => {
    const p = planTargets(doctorInput({}));
    assert.equal(p.targets[0]?.url, "https://api.clear.ml");
    assert.equal(p.targets[0]?.origin?.kind, "derived");
    assert.match(
      p.missing.find((m) => m.consumer === "agent")?.message ?? "",
      /Could not find host server definition/,
    );
  });

  it("uses exactly the resolved credentials: env beats the file, token beats keys (user-pain A13)", () => {
    const files = {
      "/home/u/clearml.conf":
        'api { credentials { access_key: "FILEKEY0001", secret_key: "filesecret" } }',
    };
    const c = credentialsOf(doctorInput({ CLEARML_API_ACCESS_KEY: "ENVKEY00002" }, files).sdk);
    assert.equal(c.mode, "keys");
    assert.equal(c.key, "ENVKEY00002");
    assert.deepEqual(c.keyOrigin, { kind: "env", name: "CLEARML_API_ACCESS_KEY" });
    assert.equal(c.secretOrigin?.kind, "file");
    const t = credentialsOf(
      doctorInput({ CLEARML_AUTH_TOKEN: "tok", CLEARML_API_ACCESS_KEY: "K" }).sdk,
    );
    assert.equal(t.mode, "token");
  });
});

describe("response parsing (fixtures)", () => {
  const parse = (name: string) => {
    const r = parseResponse(fixture(name), true);
    assert.notEqual(r, "incomplete");
    return r as Exclude<typeof r, "incomplete">;
  };

  it("reads a debug.ping envelope", () => {
    const f = describeResponse(parse("ping_ok.http"));
    assert.equal(f.kind, "clearml-api");
    assert.equal(f.msg, "ClearML server");
    assert.equal(f.envelope?.endpoint, "debug.ping");
    assert.equal(f.server, "clearml");
  });

  it("reads a chunked server.info with its versions", () => {
    const f = describeResponse(parse("server_info_chunked.http"));
    assert.equal(f.version, "2.0.0");
    assert.equal(f.apiVersion, "2.31");
    assert.equal(f.envelope?.actualVersion, "2.12");
  });

  it("reads a 401 login envelope", () => {
    const f = describeResponse(parse("login_401.http"));
    assert.equal(f.status, 401);
    assert.equal(f.envelope?.resultSubcode, 22);
  });

  it("tells the web app's page apart, with its title", () => {
    const f = describeResponse(parse("webapp_index.http"));
    assert.equal(f.kind, "html");
    assert.equal(f.title, "ClearML");
  });

  it("reads a proxy's 411", () => {
    const f = describeResponse(parse("proxy_411.http"));
    assert.equal(f.status, 411);
    assert.equal(f.kind, "html");
  });

  it("waits for the rest of a body announced by Content-Length", () => {
    const full = fixture("ping_ok.http");
    assert.equal(parseResponse(full.subarray(0, full.length - 5), false), "incomplete");
    assert.equal(parseResponse(full.subarray(0, 20), false), "incomplete");
  });
});

describe("parseCertDate()", () => {
  it("reads OpenSSL's date format as UTC", () => {
    assert.equal(
      new Date(parseCertDate("Nov  4 13:24:05 2026 GMT")).toISOString(),
      "2026-11-04T13:24:05.000Z",
    );
  });
});
