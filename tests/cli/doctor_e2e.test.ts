/** `clearml doctor` end to end, as a subprocess from source with a temporary HOME. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_helpers/cli.ts";

let home = "";
before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-doctor-"));
  writeFileSync(join(home, "clearml.conf"), 'agent.docker_default.image: "python:3.10"\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

describe("clearml doctor (subprocess)", () => {
  it("--offline --json gives a clearml.doctor/v1 report on stdout with the same exit code", () => {
    const r = runCli(["doctor", "--offline", "--json"], { env: { HOME: home } });
    const data = JSON.parse(r.stdout);
    assert.equal(data.schema, "clearml.doctor/v1");
    assert.equal(data.mode, "offline");
    assert.equal(r.code, data.exitCode);
    const unknown = data.checks.find((c: { id: string }) => c.id === "config.unknown_keys");
    assert.equal(unknown.status, "warn");
    assert.match(unknown.summary, /default_docker/);
  });

  it("--strict fails on the warning", () => {
    const r = runCli(["doctor", "--offline", "--strict", "--check", "config"], {
      env: { HOME: home },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
  });

  it("--list-checks lists stable ids", () => {
    const r = runCli(["doctor", "--list-checks"], { env: { HOME: home } });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /config\.unknown_keys\s+config/);
  });

  it("exits 2 for an unknown check id or a bad timeout", () => {
    assert.equal(runCli(["doctor", "--check", "nope.nothing"], { env: { HOME: home } }).code, 2);
    assert.equal(runCli(["doctor", "--timeout", "soon"], { env: { HOME: home } }).code, 2);
  });

  it("--report prints redacted Markdown: a secret it shows when asked is removed otherwise", () => {
    // the agent's docker arguments do not split: env.values quotes the value in its finding
    const env = {
      HOME: home,
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e MY_TOKEN=VERYSECRETVALUE 'unbalanced",
    };
    const args = ["doctor", "--offline", "--report", "--check", "env.values"];
    const asked = runCli([...args, "--show-secrets"], { env });
    assert.match(asked.stdout, /VERYSECRETVALUE/);
    assert.match(asked.stdout, /NOT removed/);
    const r = runCli(args, { env });
    assert.match(r.stdout, /^## clearml doctor report/m);
    assert.match(r.stdout, /MY_TOKEN=\*{8}/);
    assert.doesNotMatch(r.stdout, /VERYSECRETVALUE/);
  });
});
