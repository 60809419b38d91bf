/** The CLI end to end, as a subprocess from source, with a temporary HOME and config files. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../_helpers/cli.ts";

let home = "";
const env = () => ({ HOME: home });

before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-e2e-"));
  writeFileSync(
    join(home, "clearml.conf"),
    [
      "api {",
      "  api_server: http://localhost:8008",
      '  credentials {"access_key": "AKEXAMPLE1234", "secret_key": "SUPERSECRETVALUE"}',
      "}",
      'agent.git_pass: "gitpassword"',
      "",
    ].join("\n"),
  );
  writeFileSync(join(home, "broken.conf"), 'api {\n  api_server: "x"\n');
  writeFileSync(
    join(home, "vars.env"),
    "CLEARML_WORKER_NAME=from-dotenv\nCLEARML_API_HOST=http://dotenv:8008\n",
  );
});
after(() => rmSync(home, { recursive: true, force: true }));

describe("clearml config (subprocess)", () => {
  it("config show --for sdk --json holds derived hosts and masks the secret", () => {
    const r = runCli(["config", "show", "--for", "sdk", "--json", "--origin"], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.schema, "clearml.config/v1");
    assert.equal(data.config.api.web_server, "http://localhost:8080");
    assert.equal(data.config.api.files_server, "http://localhost:8081");
    assert.equal(data.config.api.credentials.access_key, "AKEXAMPLE1234");
    assert.equal(data.config.api.credentials.secret_key, "********");
    assert.doesNotMatch(r.stdout, /SUPERSECRETVALUE/);
    assert.equal(data.origins["api.api_server"], `${join(home, "clearml.conf")}:2:15`);
    assert.match(data.origins["api.web_server"], /^derived from API host/);
  });

  it("config show --show-secrets prints the secret", () => {
    const r = runCli(["config", "show", "--json", "--show-secrets"], { env: env() });
    assert.match(r.stdout, /SUPERSECRETVALUE/);
  });

  it("config get prints one value, with its origin on request", () => {
    const r = runCli(["config", "get", "api.api_server", "--origin"], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `http://localhost:8008  # ${join(home, "clearml.conf")}:2:15\n`);
  });

  it("config get exits 1 for an unset key", () => {
    assert.equal(runCli(["config", "get", "no.such.key"], { env: env() }).code, 1);
  });

  it("config show exits 3 on a broken file and names line and column", () => {
    const r = runCli(["config", "show", "--config-file", join(home, "broken.conf")], {
      env: env(),
    });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /broken\.conf:\d+:\d+/);
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/);
  });

  it("config show --for agent prints on CLEARML_CPU_ONLY=maybe, with the finding", () => {
    // The Python agent never reads it; ours stops a task run on it, not the printout.
    const r = runCli(["config", "show", "--for", "agent"], {
      env: { ...env(), CLEARML_CPU_ONLY: "maybe" },
    });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /worker_name/);
    assert.match(r.stderr, /CLEARML_CPU_ONLY="maybe"/);
    assert.match(r.stderr, /y, yes, t, true, on, 1/);
  });

  it("config files lists the searched files", () => {
    const r = runCli(["config", "files", "--json"], { env: env() });
    const data = JSON.parse(r.stdout);
    assert.deepEqual(data.files.map((f: { status: string }) => f.status), ["missing", "parsed"]);
  });

  it("config parse prints one file's tree, and exits 3 on a syntax error", () => {
    const ok = runCli(["config", "parse", join(home, "clearml.conf"), "--json"], { env: env() });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).config.api.api_server, "http://localhost:8008");
    const bad = runCli(["config", "parse", join(home, "broken.conf")], { env: env() });
    assert.equal(bad.code, 3);
  });
});

describe("clearml env (subprocess)", () => {
  it("env --json lists set variables with their source, layering --env-file under the env", () => {
    const r = runCli(["env", "--json", "--env-file", join(home, "vars.env")], {
      env: {
        ...env(),
        CLEARML_API_HOST: "http://real:8008",
        CLEARML_API_SECRET_KEY: "hidden-secret",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.schema, "clearml.env/v1");
    const byName = new Map(data.variables.map((v: { name: string }) => [v.name, v]));
    const host = byName.get("CLEARML_API_HOST") as { value: string; source: string };
    assert.equal(host.value, "http://real:8008");
    assert.equal(host.source, "env");
    const worker = byName.get("CLEARML_WORKER_NAME") as { value: string; source: string };
    assert.equal(worker.value, "from-dotenv");
    assert.equal(worker.source, join(home, "vars.env"));
    assert.doesNotMatch(r.stdout, /hidden-secret/);
  });

  it("env check finds an unknown name with a suggestion, and --strict fails on it", () => {
    const e = { ...env(), CLEARML_API_HOTS: "http://x" };
    const r = runCli(["env", "check"], { env: e });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /did you mean CLEARML_API_HOST/);
    assert.equal(runCli(["env", "check", "--strict"], { env: e }).code, 1);
  });

  it("env explain describes a variable and its value here", () => {
    const r = runCli(["env", "explain", "CLEARML_API_HOST"], {
      env: { ...env(), TRAINS_API_HOST: "http://legacy:8008" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /TRAINS_API_HOST/);
    assert.match(r.stdout, /http:\/\/legacy:8008/);
  });

  it("env export --format docker masks secrets unless asked", () => {
    const e = { ...env(), CLEARML_API_HOST: "http://h:8008", CLEARML_API_SECRET_KEY: "s3cr3t" };
    const r = runCli(["env", "export", "--format", "docker"], { env: e });
    assert.match(r.stdout, /^CLEARML_API_HOST=http:\/\/h:8008$/m);
    assert.match(r.stdout, /^CLEARML_API_SECRET_KEY=\*{8}$/m);
    const shown = runCli(["env", "export", "--format", "docker", "--show-secrets"], { env: e });
    assert.match(shown.stdout, /^CLEARML_API_SECRET_KEY=s3cr3t$/m);
  });

  it("exits 2 for an --env-file that does not exist", () => {
    const r = runCli(["env", "--env-file", join(home, "nope.env")], { env: env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--env-file/);
  });
});
