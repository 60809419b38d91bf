/**
 * The SDK's host rules against the real SDK 1.17.0 (peers folder): for each environment, the
 * three hosts `Session.get_*_server_host()` return, or the error they raise, equal ours.
 * Runs with CLEARML_IT=1 or CI=true; then a missing peer is a failure.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { peer } from "../_helpers/peers.ts";
import { hosts, resolveWith } from "../_helpers/resolve.ts";

const enabled = process.env.CI === "true" || process.env.CLEARML_IT === "1";

const SCRIPT = `
import json
from clearml.backend_api.session.session import Session
out = {}
for name, fn in (("api", Session.get_api_server_host), ("web", Session.get_app_server_host),
                 ("files", Session.get_files_server_host)):
    try:
        out[name] = fn()
    except Exception as e:
        out[name] = {"error": type(e).__name__ + ": " + str(e)}
print(json.dumps(out))
`;

function realSdk(env: Record<string, string>): Record<string, unknown> {
  const sdk = peer("clearml-sdk-python.sh");
  const dir = mkdtempSync(join(tmpdir(), "sdk-hosts-"));
  const script = join(dir, "hosts.py");
  writeFileSync(script, SCRIPT);
  const out = execFileSync(sdk, [script], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const CASES: Array<Record<string, string>> = [
  { CLEARML_API_HOST: "https://api.x.com:8008", CLEARML_WEB_HOST: "/" },
  { CLEARML_API_HOST: "https://api.x.com:8008", CLEARML_FILES_HOST: "/" },
  { CLEARML_API_HOST: "https://api.x.com", CLEARML_WEB_HOST: "//", CLEARML_FILES_HOST: "/" },
  { CLEARML_API_HOST: "http://10.1.2.3:9000" },
  { CLEARML_API_HOST: "http://10.1.2.3:9000", CLEARML_WEB_HOST: "http://w:8080" },
  { CLEARML_API_HOST: "http://10.1.2.3:9000", CLEARML_FILES_HOST: "http://f:8081" },
  { CLEARML_API_HOST: "http://h:8008/" },
  { CLEARML_API_HOST: "https://demoapi.demo.clear.ml" },
];

describe("SDK hosts equal the real SDK 1.17.0's", {
  skip: !enabled && "set CLEARML_IT=1 to run",
}, () => {
  for (const env of CASES) {
    it(JSON.stringify(env), { timeout: 60_000 }, () => {
      const real = realSdk(env);
      const r = resolveWith("sdk", env);
      const [api, web, files] = hosts(r);
      const ours: Record<string, unknown> = { api, web, files };
      for (const role of ["api", "web", "files"] as const) {
        const want = real[role];
        if (typeof want === "string") assert.equal(ours[role], want, role);
        else {
          // The SDK raises: ours has no value and one error that names the key.
          assert.equal(ours[role], undefined, role);
          const key = role === "web" ? "api.web_server" : "api.files_server";
          const d = r.diagnostics.find((x) => x.keys?.includes(key));
          assert.ok(d, `no error for ${key}`);
          assert.ok(
            d.message.includes((want as { error: string }).error.replace(/^ValueError: /, "")),
            `${d.message} vs ${JSON.stringify(want)}`,
          );
        }
      }
    });
  }
});
