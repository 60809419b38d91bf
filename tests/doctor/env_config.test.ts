/** Doctor's env and config categories on settings snapshots, with the user-pain rows they catch. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { doctorInput } from "../_helpers/doctor_input.ts";
import { HOME } from "../_helpers/resolve.ts";
import { envCategory } from "../../src/doctor/checks/env.ts";
import { configCategory, type ConfigSnapshot } from "../../src/doctor/checks/config.ts";
import type { Category, CheckResult, DoctorInput } from "../../src/doctor/types.ts";

const CONF = `${HOME}/clearml.conf`;

async function runCheck<S>(cat: Category<S>, id: string, input: DoctorInput, snapshot?: S) {
  const check = cat.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  const s = snapshot ?? await cat.probe(input, undefined as never);
  return check.run(s, input) as CheckResult;
}

const noModes: ConfigSnapshot = { modes: {} };

describe("doctor env checks", () => {
  it("pass on a clean environment", async () => {
    const input = doctorInput({ CLEARML_API_HOST: "http://h:8008" });
    for (const c of envCategory.checks) {
      const r = await runCheck(envCategory, c.id, input);
      assert.equal(r.status, "pass", `${c.id}: ${r.summary}`);
    }
  });

  it("catches user-pain A1: a server-only CLEARML__ variable that the SDK ignores", async () => {
    const r = await runCheck(
      envCategory,
      "env.dynamic",
      doctorInput({ CLEARML__development__vcs_repo_detect_async: "False" }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /CLEARML__development__vcs_repo_detect_async/);
    assert.match(r.fix?.text ?? "", /CLEARML_AGENT__/);
  });

  it("catches user-pain A2: quotes kept inside CLEARML_DOCKER_IMAGE from a compose file", async () => {
    const r = await runCheck(
      envCategory,
      "env.quoting",
      doctorInput({ CLEARML_DOCKER_IMAGE: '"python:3.8-slim"' }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /CLEARML_DOCKER_IMAGE is wrapped in quotes/);
  });

  it("fails on an agent boolean the agent would reject", async () => {
    const r = await runCheck(
      envCategory,
      "env.values",
      doctorInput({ CLEARML_AGENT_GIT_CLONE_VERBOSE: "maybe" }),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /CLEARML_AGENT_GIT_CLONE_VERBOSE/);
  });

  it("suggests the right name for a typo", async () => {
    const r = await runCheck(envCategory, "env.names", doctorInput({ CLEARML_API_ACESS_KEY: "x" }));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /did you mean CLEARML_API_ACCESS_KEY/);
  });

  it("says the correctly spelled crash-on-exception variable does nothing", async () => {
    const r = await runCheck(
      envCategory,
      "env.names",
      doctorInput({ CLEARML_AGENT_CRASH_ON_EXCEPTION: "1" }),
    );
    assert.equal(r.status, "warn");
    assert.match([r.summary, ...(r.details ?? [])].join("\n"), /CLEAMRL_AGENT_CRASH_ON_EXCEPTION/);
  });

  it("reports legacy names and which one wins", async () => {
    const r = await runCheck(
      envCategory,
      "env.legacy",
      doctorInput({ TRAINS_API_HOST: "http://a:8008", CLEARML_API_HOST: "http://b:8008" }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /value of CLEARML_API_HOST is the one used/);
  });
});

describe("doctor config checks", () => {
  it("catches user-pain A3: no file and no host", async () => {
    const r = await runCheck(configCategory, "config.files", doctorInput(), noModes);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /no configuration file found/);
    assert.ok((r.details ?? []).some((d) => d.includes(CONF)));
  });

  it("fails with the line and column of a syntax error", async () => {
    const r = await runCheck(
      configCategory,
      "config.files",
      doctorInput({}, { [CONF]: "api {\n  x: 1\n" }),
      noModes,
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /clearml\.conf:\d+:\d+/);
  });

  it("warns when CLEARML_CONFIG_FILE points to a missing file", async () => {
    const r = await runCheck(
      configCategory,
      "config.files",
      doctorInput({ CLEARML_CONFIG_FILE: "/nope.conf" }, { [CONF]: "a: 1" }),
      noModes,
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /CLEARML_CONFIG_FILE points to \/nope\.conf/);
  });

  it("catches user-pain A4: agent.docker_default is a misspelled agent.default_docker", async () => {
    const input = doctorInput({}, { [CONF]: 'agent.docker_default.image: "python:3.10"' });
    const r = await runCheck(configCategory, "config.unknown_keys", input, noModes);
    assert.equal(r.status, "warn");
    assert.match(
      r.summary,
      /agent\.docker_default\.image .*did you mean agent\.default_docker\.image/,
    );
  });

  it("accepts known keys, and keys inside the object value of a known key", async () => {
    for (
      const conf of [
        'agent { default_docker { image: "python:3.10" } }\napi.api_server: "http://h:8008"',
        'sdk.aws.s3.extra_args { ServerSideEncryption: "AES256" }',
      ]
    ) {
      const input = doctorInput({}, { [CONF]: conf });
      const r = await runCheck(configCategory, "config.unknown_keys", input, noModes);
      assert.equal(r.status, "pass", conf);
    }
  });

  it('warns that a quoted "false" is true to Python', async () => {
    const input = doctorInput({}, { [CONF]: 'sdk.development.suppress_update_message: "false"' });
    const r = await runCheck(configCategory, "config.types", input, noModes);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /means TRUE/);
  });

  it("says what to run before the alternative in its fix lines (issue 8 §5: not 'or set …')", async () => {
    for (const id of ["config.files", "config.credentials"]) {
      const r = await runCheck(configCategory, id, doctorInput(), noModes);
      assert.equal(r.status, "warn", id);
      assert.match(r.fix?.text ?? "", /^Run clearml-init .*, or set CLEARML_API_/, id);
    }
  });

  it("catches user-pain A9: placeholder credentials", async () => {
    const input = doctorInput({
      CLEARML_API_ACCESS_KEY: "ACCESSKEY",
      CLEARML_API_SECRET_KEY: "SECRETKEY",
    });
    const r = await runCheck(configCategory, "config.credentials", input, noModes);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /placeholders/);
    assert.match(r.summary, /env CLEARML_API_ACCESS_KEY/);
  });

  it("fails an access key without a secret (the SDK crashes at login)", async () => {
    const input = doctorInput({}, { [CONF]: 'api.credentials { access_key: "AK1234567890" }' });
    const r = await runCheck(configCategory, "config.credentials", input, noModes);
    assert.equal(r.status, "fail");
    assert.doesNotMatch(r.summary, /AK1234567890/);
  });

  it("warns about a credentials file readable by others", async () => {
    const input = doctorInput({}, {
      [CONF]: 'api.credentials { access_key: "AK1234567890", secret_key: "S3CR3TVALUE1" }',
    });
    const open = await runCheck(configCategory, "config.permissions", input, {
      modes: { [CONF]: 0o644 },
    });
    assert.equal(open.status, "warn");
    assert.deepEqual(open.fix?.commands, [`chmod 600 ${CONF}`]);
    const closed = await runCheck(configCategory, "config.permissions", input, {
      modes: { [CONF]: 0o600 },
    });
    assert.equal(closed.status, "pass");
  });

  it("warns about a stale ~/trains.conf that is still read", async () => {
    const input = doctorInput({}, { [`${HOME}/trains.conf`]: "a: 1", [CONF]: "b: 2" });
    assert.equal(
      (await runCheck(configCategory, "config.legacy_file", input, noModes)).status,
      "warn",
    );
  });
});
