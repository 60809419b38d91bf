/**
 * Credentials, flags with config fallbacks and the request method as the ClearML SDK 1.17.0
 * reads them; each test names the SDK file and lines it reproduces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HOME, resolveWith, valueAt } from "../_helpers/resolve.ts";
import { formatOrigin } from "../../src/settings/tree.ts";
import { lookup } from "../../src/settings/resolve.ts";

const CONF = `${HOME}/clearml.conf`;
const CREDS = 'api.credentials { access_key: "CK", secret_key: "CS" }';

describe("resolve() for the SDK: precedence vectors", () => {
  // clearml/backend_api/session/session.py:217-222,857-858
  it("takes the credentials from the file", () => {
    const r = resolveWith("sdk", {}, { [CONF]: CREDS });
    assert.equal(valueAt(r, "api.credentials.access_key"), "CK");
    assert.equal(valueAt(r, "api.credentials.secret_key"), "CS");
  });

  // clearml/backend_api/session/session.py:217-222
  it("lets the env credentials beat the file", () => {
    const r = resolveWith("sdk", { CLEARML_API_ACCESS_KEY: "EK", CLEARML_API_SECRET_KEY: "ES" }, {
      [CONF]: CREDS,
    });
    assert.equal(valueAt(r, "api.credentials.access_key"), "EK");
    assert.equal(valueAt(r, "api.credentials.secret_key"), "ES");
  });

  // clearml/backend_api/session/defs.py:8-9
  it("resolves key and secret independently, so aliases mix", () => {
    const r = resolveWith("sdk", { TRAINS_API_ACCESS_KEY: "TK", CLEARML_API_SECRET_KEY: "ES" }, {
      [CONF]: CREDS,
    });
    assert.equal(valueAt(r, "api.credentials.access_key"), "TK");
    assert.equal(
      formatOrigin(lookup(r, "api.credentials.access_key")!.origin),
      "env TRAINS_API_ACCESS_KEY",
    );
    assert.equal(valueAt(r, "api.credentials.secret_key"), "ES");
  });

  // clearml/backend_api/session/session.py:183-185
  it("reports CLEARML_API_HOST=/ as the SDK's 'host was not set' error", () => {
    const r = resolveWith("sdk", { CLEARML_API_HOST: "/" });
    assert.ok(r.diagnostics.some((d) => /ClearML host was not set/.test(d.message)));
  });

  // clearml/backend_interface/task/task.py:243-244; clearml/backend_config/entry.py:74-81
  it("falls back to the config after an invalid suppress-update value", () => {
    const r = resolveWith("sdk", { CLEARML_SUPPRESS_UPDATE_MESSAGE: "nope" }, {
      [CONF]: "sdk.development.suppress_update_message: true",
    });
    assert.equal(valueAt(r, "sdk.development.suppress_update_message"), true);
    assert.ok(
      r.diagnostics.some((d) =>
        /invalid value CLEARML_SUPPRESS_UPDATE_MESSAGE=nope/.test(d.message)
      ),
    );
  });

  it('keeps a quoted "false" in the config as the string the SDK finds truthy (#57)', () => {
    const r = resolveWith("sdk", {}, {
      [CONF]: 'sdk.development.suppress_update_message: "false"',
    });
    assert.equal(valueAt(r, "sdk.development.suppress_update_message"), "false");
  });

  // clearml/backend_interface/task/task.py:243-244; clearml/backend_config/entry.py:74-81
  it("lets a false suppress-update variable beat the config", () => {
    const r = resolveWith("sdk", { CLEARML_SUPPRESS_UPDATE_MESSAGE: "0" }, {
      [CONF]: "sdk.development.suppress_update_message: true",
    });
    assert.equal(valueAt(r, "sdk.development.suppress_update_message"), false);
  });

  // clearml/backend_api/utils.py:159-163; clearml/utilities/pyhocon/config_tree.py:156-158
  it("reads api.verify_certificate values from the file", () => {
    for (
      const [text, expected] of [
        ["false", false],
        ['"/path/ca.pem"', "/path/ca.pem"],
        ["null", null],
      ] as const
    ) {
      const r = resolveWith("sdk", {}, { [CONF]: `api.verify_certificate: ${text}` });
      assert.equal(valueAt(r, "api.verify_certificate"), expected, text);
    }
  });

  // clearml/backend_api/session/request.py:18-26; clearml/backend_api/session/session.py:273-281
  it("lets CLEARML_API_DEFAULT_REQ_METHOD beat api.http.default_method, keeping its case", () => {
    const conf = { [CONF]: 'api.http.default_method: "Post"' };
    assert.equal(valueAt(resolveWith("sdk", {}, conf), "api.http.default_method"), "Post");
    assert.equal(
      valueAt(
        resolveWith("sdk", { CLEARML_API_DEFAULT_REQ_METHOD: " PUT " }, conf),
        "api.http.default_method",
      ),
      "PUT",
    );
  });

  // clearml/backend_api/session/request.py:18-21; clearml/backend_api/session/request.py:18; clearml/backend_config/environment.py:36-37
  it("stops where the SDK stops at import on a bad or empty request method", () => {
    assert.match(
      resolveWith("sdk", { CLEARML_API_DEFAULT_REQ_METHOD: "delete" }).fatal[0]?.message ?? "",
      /must be 'get' or 'post'/,
    );
    assert.match(
      resolveWith("sdk", { CLEARML_API_DEFAULT_REQ_METHOD: "" }).fatal[0]?.message ?? "",
      /'NoneType' object has no attribute 'upper'/,
    );
  });

  // clearml/backend_api/session/defs.py:16-18
  it("does nothing with CLEARML_NO_DEFAULT_SERVER=0", () => {
    const r = resolveWith("sdk", { CLEARML_NO_DEFAULT_SERVER: "0" });
    assert.equal(valueAt(r, "api.api_server"), "https://api.clear.ml");
    assert.deepEqual(r.fatal, []);
  });
});

describe("resolve() for the agent: more vectors", () => {
  // clearml_agent/definitions.py:166; clearml_agent/commands/worker.py:4445,4451
  it("keeps CLEARML_DOCKER_SKIP_GPUS_FLAG=0 as a truthy text", () => {
    const s = resolveWith("agent", { CLEARML_DOCKER_SKIP_GPUS_FLAG: "0" }).variables.find((v) =>
      v.variable.name === "CLEARML_DOCKER_SKIP_GPUS_FLAG"
    )!;
    assert.equal(s.status, "set");
    assert.equal(s.value, "0");
  });

  // clearml_agent/definitions.py:155; clearml_agent/helper/package/pip_api/system.py:99-108
  it("puts the shlex-split pip flags at their key", () => {
    const r = resolveWith("agent", {
      CLEARML_EXTRA_PIP_INSTALL_FLAGS: "--use-deprecated=legacy-resolver --no-cache-dir",
    });
    assert.deepEqual(valueAt(r, "agent.package_manager.extra_pip_install_flags"), [
      "--use-deprecated=legacy-resolver",
      "--no-cache-dir",
    ]);
  });

  // clearml_agent/helper/package/pytorch.py:216-219
  it("warns and uses pip for an unknown pytorch resolve mode", () => {
    const r = resolveWith("agent", { CLEARML_AGENT_PACKAGE_PYTORCH_RESOLVE: "foo" });
    assert.equal(valueAt(r, "agent.package_manager.pytorch_resolve"), "pip");
    assert.ok(r.diagnostics.some((d) => /reverting to 'pip'/.test(d.message)));
  });

  it("applies AWS credentials to sdk.aws.s3 through the fixed env map", () => {
    const r = resolveWith("agent", { AWS_ACCESS_KEY_ID: "AKIA", AWS_DEFAULT_REGION: "eu-west-1" });
    assert.equal(valueAt(r, "sdk.aws.s3.key"), "AKIA");
    assert.equal(valueAt(r, "sdk.aws.s3.region"), "eu-west-1");
  });

  it("appends one Azure container built from both variables", () => {
    const r = resolveWith("agent", { AZURE_STORAGE_ACCOUNT: "acct", AZURE_STORAGE_KEY: "k3y" });
    const list = valueAt(r, "sdk.azure.storage.containers") as Array<Record<string, string>>;
    assert.equal(list.at(-1)?.account_name, "acct");
    assert.equal(list.at(-1)?.account_key, "k3y");
  });
});
