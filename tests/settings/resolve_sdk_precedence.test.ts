/** More sdk-config.md §9 vectors: credentials, flags with config fallbacks, request method. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HOME, resolveWith, valueAt } from "../_helpers/resolve.ts";
import { formatOrigin } from "../../src/settings/tree.ts";
import { lookup } from "../../src/settings/resolve.ts";

const CONF = `${HOME}/clearml.conf`;
const CREDS = 'api.credentials { access_key: "CK", secret_key: "CS" }';

describe("resolve() for the SDK: precedence vectors", () => {
  it("takes the credentials from the file (#43)", () => {
    const r = resolveWith("sdk", {}, { [CONF]: CREDS });
    assert.equal(valueAt(r, "api.credentials.access_key"), "CK");
    assert.equal(valueAt(r, "api.credentials.secret_key"), "CS");
  });

  it("lets the env credentials beat the file (#44)", () => {
    const r = resolveWith("sdk", { CLEARML_API_ACCESS_KEY: "EK", CLEARML_API_SECRET_KEY: "ES" }, {
      [CONF]: CREDS,
    });
    assert.equal(valueAt(r, "api.credentials.access_key"), "EK");
    assert.equal(valueAt(r, "api.credentials.secret_key"), "ES");
  });

  it("resolves key and secret independently, so aliases mix (#47)", () => {
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

  it("reports CLEARML_API_HOST=/ as the SDK's 'host was not set' error (#40)", () => {
    const r = resolveWith("sdk", { CLEARML_API_HOST: "/" });
    assert.ok(r.diagnostics.some((d) => /ClearML host was not set/.test(d.message)));
  });

  it("falls back to the config after an invalid suppress-update value (#56)", () => {
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

  it("lets a false suppress-update variable beat the config (#58)", () => {
    const r = resolveWith("sdk", { CLEARML_SUPPRESS_UPDATE_MESSAGE: "0" }, {
      [CONF]: "sdk.development.suppress_update_message: true",
    });
    assert.equal(valueAt(r, "sdk.development.suppress_update_message"), false);
  });

  it("reads api.verify_certificate values from the file (#69)", () => {
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

  it("lets CLEARML_API_DEFAULT_REQ_METHOD beat api.http.default_method, keeping its case (#71, #74)", () => {
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

  it("stops where the SDK stops at import on a bad or empty request method (#72, #73)", () => {
    assert.match(
      resolveWith("sdk", { CLEARML_API_DEFAULT_REQ_METHOD: "delete" }).fatal[0]?.message ?? "",
      /must be 'get' or 'post'/,
    );
    assert.match(
      resolveWith("sdk", { CLEARML_API_DEFAULT_REQ_METHOD: "" }).fatal[0]?.message ?? "",
      /'NoneType' object has no attribute 'upper'/,
    );
  });

  it("does nothing with CLEARML_NO_DEFAULT_SERVER=0 (#55)", () => {
    const r = resolveWith("sdk", { CLEARML_NO_DEFAULT_SERVER: "0" });
    assert.equal(valueAt(r, "api.api_server"), "https://api.clear.ml");
    assert.deepEqual(r.fatal, []);
  });
});

describe("resolve() for the agent: more vectors", () => {
  it("keeps CLEARML_DOCKER_SKIP_GPUS_FLAG=0 as a truthy text (T05)", () => {
    const s = resolveWith("agent", { CLEARML_DOCKER_SKIP_GPUS_FLAG: "0" }).variables.find((v) =>
      v.variable.name === "CLEARML_DOCKER_SKIP_GPUS_FLAG"
    )!;
    assert.equal(s.status, "set");
    assert.equal(s.value, "0");
  });

  it("puts the shlex-split pip flags at their key (T08)", () => {
    const r = resolveWith("agent", {
      CLEARML_EXTRA_PIP_INSTALL_FLAGS: "--use-deprecated=legacy-resolver --no-cache-dir",
    });
    assert.deepEqual(valueAt(r, "agent.package_manager.extra_pip_install_flags"), [
      "--use-deprecated=legacy-resolver",
      "--no-cache-dir",
    ]);
  });

  it("warns and uses pip for an unknown pytorch resolve mode (T70)", () => {
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
