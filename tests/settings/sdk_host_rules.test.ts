/**
 * The SDK's host rules where a variable strips to nothing or a host cannot be derived. Expected
 * values were read from the real SDK 1.17.0 (`Session.get_*_server_host()`, peers folder).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hosts, resolveWith } from "../_helpers/resolve.ts";
import { envCheck } from "../../src/settings/env_check.ts";
import { HOME } from "../_helpers/resolve.ts";

describe("resolve() for the SDK: a web or files variable of `/`", () => {
  const cases: Array<[Record<string, string>, Record<string, string>, string[]]> = [
    [
      { CLEARML_API_HOST: "https://api.x.com:8008", CLEARML_WEB_HOST: "/" },
      {},
      ["https://api.x.com:8008", "https://app.x.com:8008", "https://app.x.com:8081"],
    ],
    [
      { CLEARML_API_HOST: "https://api.x.com:8008", CLEARML_FILES_HOST: "/" },
      {},
      ["https://api.x.com:8008", "https://app.x.com:8008", "https://app.x.com:8081"],
    ],
    [
      {
        CLEARML_API_HOST: "https://api.x.com:8008",
        CLEARML_WEB_HOST: "/",
        CLEARML_FILES_HOST: "/",
      },
      {},
      ["https://api.x.com:8008", "https://app.x.com:8008", "https://app.x.com:8081"],
    ],
    [
      { CLEARML_API_HOST: "https://api.x.com", CLEARML_WEB_HOST: "//" },
      {},
      ["https://api.x.com", "https://app.x.com", "https://files.x.com"],
    ],
    [
      // `/` skips the config key too: the SDK derives from the API host.
      { CLEARML_API_HOST: "https://api.x.com:8008", CLEARML_WEB_HOST: "/" },
      { [`${HOME}/clearml.conf`]: 'api { web_server: "https://cfg-web:1" }' },
      ["https://api.x.com:8008", "https://app.x.com:8008", "https://app.x.com:8081"],
    ],
  ];
  for (const [env, files, want] of cases) {
    it(`derives ${want.join(", ")} for ${JSON.stringify(env)}`, () => {
      const r = resolveWith("sdk", env, files);
      assert.deepEqual(hosts(r), want);
      assert.deepEqual(r.diagnostics, []);
    });
  }
});

describe("resolve() for the SDK: an API host the web host cannot be derived from", () => {
  it("reports one error naming both keys it leaves without a value", () => {
    const r = resolveWith("sdk", { CLEARML_API_HOST: "http://10.1.2.3:9000" });
    assert.deepEqual(hosts(r), ["http://10.1.2.3:9000", undefined, undefined]);
    assert.equal(r.diagnostics.length, 1);
    const d = r.diagnostics[0]!;
    assert.deepEqual(d.keys, ["api.web_server", "api.files_server"]);
    assert.equal(d.stops, "use");
    assert.match(d.message, /Could not detect ClearML web application server/);
    assert.match(d.message, /set CLEARML_WEB_HOST and CLEARML_FILES_HOST/);
  });

  it("names only the web host when the files host is given", () => {
    const r = resolveWith("sdk", {
      CLEARML_API_HOST: "http://10.1.2.3:9000",
      CLEARML_FILES_HOST: "http://f:8081",
    });
    assert.deepEqual(r.diagnostics.map((d) => d.keys), [["api.web_server"]]);
  });

  it("is an error of env check", () => {
    const env = { CLEARML_API_HOST: "http://10.1.2.3:9000" };
    const findings = envCheck({ env, sdkDiagnostics: resolveWith("sdk", env).diagnostics });
    const f = findings.find((x) => x.code === "host-derivation");
    assert.equal(f?.level, "error");
    assert.match(f!.message, /Could not detect ClearML web application server/);
  });
});

describe("CLEARML_API_HOST_VERIFY_CERT for the SDK", () => {
  it("warns that a misspelled boolean becomes a CA bundle path (flase)", () => {
    const findings = envCheck({ env: { CLEARML_API_HOST_VERIFY_CERT: "flase" } });
    const sdk = findings.find((f) => f.code === "value-changed");
    assert.ok(sdk, JSON.stringify(findings));
    assert.match(
      sdk.message,
      /'flase' is not a true\/false spelling, so the SDK uses it as the path/,
    );
  });

  it("takes a real path quietly", () => {
    const findings = envCheck({ env: { CLEARML_API_HOST_VERIFY_CERT: "/etc/ssl/ca.pem" } });
    assert.equal(findings.filter((f) => f.code === "value-changed").length, 0);
  });
});
