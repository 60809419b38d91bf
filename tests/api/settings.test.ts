/**
 * Client settings from resolved configuration (agent-exec T27-T28 for the first login's connect
 * retries; sdk-config row 23-24 for verification and method) and the envelope examples of
 * server-api §5 (E09, E11, E13, E31).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clientSettings, initialConnectRetries } from "../../src/api/settings.ts";
import { dataOf, parseEnvelope } from "../../src/api/envelope.ts";
import { ApiError, ApiProtocolError } from "../../src/api/errors.ts";
import { apiVersionOf, compareVersions, tokenClaims } from "../../src/api/jwt.ts";
import { resolveWith } from "../_helpers/resolve.ts";
import { fakeToken } from "./_scripted_server.ts";

describe("initialConnectRetries()", () => {
  const cases: Array<[string | undefined, "execute" | "other", number]> = [
    [undefined, "other", 4],
    [undefined, "execute", 240],
    ["1", "other", 1],
    ["-3", "other", 3],
    ["abc", "other", 4],
    ["true", "execute", 4],
    ["false", "other", 240],
  ];
  for (const [value, command, want] of cases) {
    it(`CLEARML_AGENT_INITIAL_CONNECT_RETRY_OVERRIDE=${value ?? "(unset)"} for ${command} gives ${want}`, () => {
      const env: Record<string, string> = value === undefined
        ? {}
        : { CLEARML_AGENT_INITIAL_CONNECT_RETRY_OVERRIDE: value };
      assert.equal(initialConnectRetries(resolveWith("agent", env), command), want);
    });
  }
});

describe("clientSettings()", () => {
  it("reads host, keys, an explicit method and verification from the environment", () => {
    const s = clientSettings(resolveWith("sdk", {
      CLEARML_API_HOST: "http://127.0.0.1:8008/",
      CLEARML_API_ACCESS_KEY: "K",
      CLEARML_API_SECRET_KEY: "S",
      CLEARML_API_DEFAULT_REQ_METHOD: "get",
      CLEARML_API_HOST_VERIFY_CERT: "0",
    }));
    assert.equal(s.host, "http://127.0.0.1:8008");
    assert.equal(s.credentials.mode, "keys");
    assert.deepEqual(s.method, { method: "GET", explicit: true });
    assert.equal(s.verify.verify, false);
    assert.equal(s.retries.connect, 240);
    assert.deepEqual(s.retries.statusCodes, [502, 503, 509, 429]);
  });

  it("leaves the method implicit, a CA path as verification, and a token before keys", () => {
    const s = clientSettings(resolveWith("sdk", {
      CLEARML_API_HOST: "https://api.example.com",
      CLEARML_API_ACCESS_KEY: "K",
      CLEARML_API_SECRET_KEY: "S",
      CLEARML_AUTH_TOKEN: "tok",
      CLEARML_API_HOST_VERIFY_CERT: "/etc/ca.pem",
    }));
    assert.equal(s.method.explicit, false);
    assert.deepEqual([s.verify.verify, s.verify.path], [true, "/etc/ca.pem"]);
    assert.deepEqual([s.credentials.mode, s.credentials.token], ["token", "tok"]);
  });

  it("reads retries and the forced maximum version from clearml.conf and the environment", () => {
    const s = clientSettings(resolveWith(
      "agent",
      { CLEARML_AGENT_FORCE_MAX_API_VERSION: "2.14" },
      {
        "/home/u/clearml.conf": "api { http { retries { connect: 7, backoff_factor: 0.5 } } }\n",
      },
    ));
    assert.equal(s.retries.connect, 7);
    assert.equal(s.retries.backoffFactor, 0.5);
    assert.equal(s.maxApiVersion, "2.14");
  });
});

describe("parseEnvelope() and dataOf() on the spec's examples", () => {
  it("E09: an unknown endpoint is ApiError 404/0 with the server's message", () => {
    const body = JSON.stringify({
      meta: {
        id: "a",
        trx: "a",
        endpoint: { name: "queues.frobnicate", requested_version: "2.23", actual_version: null },
        result_code: 404,
        result_subcode: 0,
        result_msg: "Unable to find endpoint for name queues.frobnicate and version 2.23",
        error_stack: null,
        error_data: {},
      },
      data: {},
    });
    const env = parseEnvelope("queues.frobnicate", 404, body);
    assert.throws(() => dataOf("queues.frobnicate", env), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.deepEqual([e.resultCode, e.subcode], [404, 0]);
      assert.equal(
        e.message,
        "queues.frobnicate: Unable to find endpoint for name queues.frobnicate and version 2.23 (error 404/0)",
      );
      return true;
    });
  });

  it("E13: no default queue is 400/707", () => {
    const env = parseEnvelope(
      "queues.get_default",
      400,
      JSON.stringify({
        meta: {
          result_code: 400,
          result_subcode: 707,
          result_msg: "no queue is tagged as the default queue for this company",
        },
        data: {},
      }),
    );
    assert.throws(() => dataOf("queues.get_default", env), { subcode: 707 });
  });

  it("E31: an empty queue's data is {}", () => {
    const env = parseEnvelope(
      "queues.get_next_task",
      200,
      JSON.stringify({
        meta: { result_code: 200, result_subcode: 0, result_msg: "OK" },
        data: {},
      }),
    );
    assert.deepEqual(dataOf("queues.get_next_task", env), {});
  });

  it("an answer without the envelope is ApiProtocolError naming what came", () => {
    assert.throws(
      () => parseEnvelope("debug.ping", 200, "<html><title>proxy</title></html>"),
      (e: unknown) => e instanceof ApiProtocolError && /HTTP 200: <html>/.test(e.message),
    );
    assert.throws(() => parseEnvelope("debug.ping", 200, '{"a":1}'), /without meta.result_code/);
  });
});

describe("token claims", () => {
  it("reads api_version, exp and identity without verifying the signature", () => {
    const c = tokenClaims(fakeToken({ api_version: "2.20", exp: 123 }));
    assert.equal(c?.apiVersion, "2.20");
    assert.equal(c?.exp, 123);
    assert.equal(c?.identity.userName, "Tester");
  });

  it("falls back to 2.2 on prod and 2.1 elsewhere without api_version (server-api §1.5)", () => {
    assert.equal(
      apiVersionOf(tokenClaims(fakeToken({ api_version: undefined, env: "prod" }))),
      "2.2",
    );
    assert.equal(apiVersionOf(tokenClaims(fakeToken({ api_version: undefined }))), "2.1");
    assert.equal(tokenClaims("not-a-token"), undefined);
  });

  it("compares versions numerically", () => {
    assert.equal(compareVersions("2.9", "2.13"), -1);
    assert.equal(compareVersions("2.31", "2.31"), 0);
    assert.equal(compareVersions("3", "2.31"), 1);
  });
});
