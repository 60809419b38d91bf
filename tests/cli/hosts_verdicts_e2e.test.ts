/** Host and TLS verdicts from the command line: exit codes and single error lines. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_helpers/cli.ts";

function home(conf?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "clearml-hosts-"));
  if (conf !== undefined) writeFileSync(join(dir, "clearml.conf"), conf);
  return dir;
}

const UNDERIVABLE = { CLEARML_API_HOST: "http://10.1.2.3:9000" };

describe("an API host the SDK cannot derive the web host from", () => {
  it("config show prints the tree, the error once, and exits 3", () => {
    const r = runCli(["config", "show", "--json"], { env: { HOME: home(), ...UNDERIVABLE } });
    assert.equal(r.code, 3);
    assert.equal(JSON.parse(r.stdout).config.api.api_server, "http://10.1.2.3:9000");
    assert.equal(r.stderr.match(/Could not detect ClearML web application server/g)?.length, 1);
  });

  it("config get of the web or files host exits 3 with the error once", () => {
    for (const key of ["api.web_server", "api.files_server"]) {
      const r = runCli(["config", "get", key], { env: { HOME: home(), ...UNDERIVABLE } });
      assert.equal(r.code, 3, key);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.match(/Could not detect/g)?.length, 1, r.stderr);
    }
  });

  it("config get of another key prints it and exits 0", () => {
    const r = runCli(["config", "get", "api.api_server"], {
      env: { HOME: home(), ...UNDERIVABLE },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "http://10.1.2.3:9000\n");
  });

  it("env check reports it", () => {
    const r = runCli(["env", "check"], { env: { HOME: home(), ...UNDERIVABLE } });
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /Could not detect ClearML web application server/);
  });

  it("doctor --offline fails server.url with it", () => {
    const r = runCli(["doctor", "--offline", "--check", "server.url", "--json"], {
      env: { HOME: home(), ...UNDERIVABLE },
    });
    const report = JSON.parse(r.stdout);
    const check = report.checks.find((c: { id: string }) => c.id === "server.url");
    assert.equal(check.status, "fail", JSON.stringify(check));
    assert.match(JSON.stringify(check), /Could not detect ClearML web application server/);
    assert.equal(r.code, 1);
  });
});

describe("api.verify_certificate written as a string", () => {
  it('says what the SDK and the agent each do with "false"', () => {
    const r = runCli(["doctor", "--offline", "--check", "config.types", "--json"], {
      env: { HOME: home('api { verify_certificate: "false" }\n') },
    });
    const check = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === "config.types");
    const text = JSON.stringify(check);
    assert.match(text, /the SDK reads it as false/);
    assert.match(text, /clearml-agent hands \\"false\\" to requests as a CA bundle path/);
    assert.doesNotMatch(text, /means TRUE/);
  });
});

describe("doctor --timeout", () => {
  it("refuses a budget longer than a timer can hold, without a TimeoutOverflowWarning", () => {
    const r = runCli(["doctor", "--offline", "--timeout", "3000000"], { env: { HOME: home() } });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--timeout 3000000: expected a number of seconds from 0\.001 to 2147483/,
    );
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning|did not finish/);
  });

  it("accepts the longest one", () => {
    const r = runCli(["doctor", "--offline", "--check", "config.files", "--timeout", "2147483"], {
      env: { HOME: home() },
    });
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning|did not finish/);
    assert.notEqual(r.code, 2, r.stderr);
  });
});
