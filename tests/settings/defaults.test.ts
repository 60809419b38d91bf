import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultsFor, defaultsPlainFor } from "../../src/settings/defaults/index.ts";
import { knownConfigKeys } from "../../src/settings/defaults/known_keys.ts";
import type { Plain } from "../../src/settings/tree.ts";
import {
  type ConfNode,
  fromPlain,
  getNode,
  mergeNodes,
  splitPath,
  toPlain,
} from "../../src/settings/tree.ts";
import {
  API_LOGGING_DEFAULTS,
  SDK_LOGGING_DEFAULTS,
  SDK_MERGED_LOGGING_DEFAULTS,
} from "../../src/settings/defaults/logging.ts";

const PIP_VERSION = [
  "<20.2 ; python_version < '3.10'",
  "<22.3 ; python_version >= '3.10' and python_version <= '3.11'",
  ">=23,<24.3 ; python_version >= '3.12'",
];

/** (dotted key, default) rows of docs-reference §2 that have a code default, for both consumers. */
const SHARED: Array<[string, Plain]> = [
  // §2.1 api
  ["api.api_server", ""],
  ["api.web_server", ""],
  ["api.files_server", ""],
  ["api.credentials.access_key", ""],
  ["api.credentials.secret_key", ""],
  ["api.verify_certificate", true],
  ["api.version", 1.5],
  ["api.default_version", 1.5],
  ["api.http.max_req_size", 15728640],
  ["api.http.extra_retry_codes", []],
  ["api.http.retries.total", 240],
  ["api.http.retries.connect", 240],
  ["api.http.retries.read", 240],
  ["api.http.retries.redirect", 240],
  ["api.http.retries.status", 240],
  ["api.http.retries.backoff_factor", 1.0],
  ["api.http.retries.backoff_max", 120.0],
  ["api.http.wait_on_maintenance_forever", true],
  ["api.http.pool_maxsize", 512],
  ["api.http.pool_connections", 512],
  ["api.auth.token_expiration_threshold_sec", 360],
  ["api.auth.req_token_expiration_sec", null],
  // §2.2 sdk
  ["sdk.aws.boto3.max_multipart_concurrency", 16],
  ["sdk.aws.boto3.multipart_threshold", 8388608],
  ["sdk.aws.boto3.multipart_chunksize", 8388608],
  ["sdk.aws.boto3.pool_connections", 512],
  ["sdk.aws.s3.key", ""],
  ["sdk.aws.s3.secret", ""],
  ["sdk.aws.s3.region", ""],
  ["sdk.aws.s3.use_credentials_chain", false],
  ["sdk.aws.s3.extra_args", {}],
  ["sdk.aws.s3.credentials", []],
  ["sdk.development.default_output_uri", ""],
  ["sdk.development.task_reuse_time_window_in_hours", 72.0],
  ["sdk.development.vcs_repo_detect_async", true],
  ["sdk.development.store_uncommitted_code_diff", true],
  ["sdk.development.support_stopping", true],
  ["sdk.development.force_analyze_entire_repo", false],
  ["sdk.development.detect_with_pip_freeze", false],
  ["sdk.development.suppress_update_message", false],
  ["sdk.development.log_os_environments", []],
  ["sdk.development.artifacts.auto_pickle", true],
  ["sdk.development.worker.report_period_sec", 2],
  ["sdk.development.worker.report_event_flush_threshold", 100],
  ["sdk.development.worker.ping_period_sec", 30],
  ["sdk.development.worker.log_stdout", true],
  ["sdk.development.worker.console_cr_flush_period", 10],
  ["sdk.development.worker.report_global_mem_used", false],
  ["sdk.log.null_log_propagate", false],
  ["sdk.log.task_log_buffer_capacity", 66],
  ["sdk.log.disable_urllib3_info", true],
  ["sdk.metrics.file_history_size", 100],
  ["sdk.metrics.matplotlib_untitled_history_size", 100],
  ["sdk.metrics.images.format", "JPEG"],
  ["sdk.metrics.images.quality", 87],
  ["sdk.metrics.images.subsampling", 0],
  ["sdk.metrics.tensorboard_single_series_per_graph", false],
  ["sdk.network.file_upload_retries", 3],
  ["sdk.network.metrics.file_upload_threads", 4],
  ["sdk.network.metrics.file_upload_starvation_warning_sec", 120],
  ["sdk.network.iteration.max_retries_on_server_error", 5],
  ["sdk.network.iteration.retry_backoff_factor_sec", 10],
  ["sdk.storage.cache.default_base_dir", "~/.clearml/cache"],
  ["sdk.storage.cache.default_cache_manager_size", 100],
  ["sdk.storage.direct_access", [{ url: "file://*" }]],
  ["sdk.storage.log.report_download_chunk_size_mb", 5],
  ["sdk.storage.log.report_upload_chunk_size_mb", 5],
  ["sdk.apply_environment", false],
  ["sdk.apply_files", false],
];

/**
 * Where the agent's own copies of api.conf/sdk.conf differ from the SDK's (recorded from
 * clearml-agent 1.9.2, tests/fixtures/agent_config): `undefined` = not shipped.
 */
const AGENT_DIFFERS: Record<string, Plain | undefined> = {
  "api.api_server": undefined,
  "api.web_server": undefined,
  "api.files_server": undefined,
  "api.credentials.access_key": undefined,
  "api.credentials.secret_key": undefined,
  "api.http.extra_retry_codes": undefined,
  "api.auth.token_expiration_threshold_sec": 43200,
  "api.auth.req_token_expiration_sec": undefined,
  "sdk.aws.boto3.multipart_threshold": undefined,
  "sdk.aws.boto3.multipart_chunksize": undefined,
  "sdk.aws.s3.use_credentials_chain": undefined,
  "sdk.aws.s3.extra_args": undefined,
  "sdk.development.log_os_environments": undefined,
  "sdk.development.artifacts.auto_pickle": undefined,
  "sdk.development.worker.report_event_flush_threshold": undefined,
  "sdk.development.worker.console_cr_flush_period": undefined,
  "sdk.network.file_upload_retries": undefined,
  "sdk.storage.cache.default_cache_manager_size": undefined,
  "sdk.storage.log.report_download_chunk_size_mb": undefined,
  "sdk.storage.log.report_upload_chunk_size_mb": undefined,
  "sdk.apply_environment": undefined,
  "sdk.apply_files": undefined,
};

/** §2.3 agent rows with a code default: only in the agent's tree. */
const AGENT: Array<[string, Plain]> = [
  ["agent.worker_id", ""],
  ["agent.worker_name", ""],
  ["agent.force_git_ssh_protocol", false],
  ["agent.translate_ssh", true],
  ["agent.python_binary", ""],
  ["agent.package_manager.type", "pip"],
  ["agent.package_manager.pip_version", PIP_VERSION],
  ["agent.package_manager.pip_legacy_resolver", [">=20.3,<24.3"]],
  ["agent.package_manager.uv_files_from_repo_working_dir", false],
  ["agent.package_manager.poetry_files_from_repo_working_dir", false],
  ["agent.package_manager.system_site_packages", false],
  ["agent.package_manager.force_upgrade", false],
  ["agent.package_manager.torch_nightly", false],
  ["agent.package_manager.conda_channels", ["pytorch", "conda-forge", "nvidia", "defaults"]],
  ["agent.package_manager.priority_optional_packages", ["pygobject"]],
  ["agent.venvs_dir", "~/.clearml/venvs-builds"],
  ["agent.venvs_cache.max_entries", 10],
  ["agent.venvs_cache.free_space_threshold_gb", 2.0],
  ["agent.venvs_cache.path", "~/.clearml/venvs-cache"],
  ["agent.vcs_cache.enabled", true],
  ["agent.vcs_cache.path", "~/.clearml/vcs-cache"],
  ["agent.pip_download_cache.enabled", true],
  ["agent.pip_download_cache.path", "~/.clearml/pip-download-cache"],
  ["agent.venv_update.enabled", false],
  ["agent.reload_config", false],
  ["agent.docker_pip_cache", "~/.clearml/pip-cache"],
  ["agent.docker_apt_cache", "~/.clearml/apt-cache"],
  ["agent.default_docker.image", "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04"],
  ["agent.docker_force_pull", false],
  ["agent.docker_internal_mounts.sdk_cache", "/clearml_agent_cache"],
  ["agent.docker_internal_mounts.apt_cache", "/var/cache/apt/archives"],
  ["agent.docker_internal_mounts.ssh_folder", "~/.ssh"],
  ["agent.docker_internal_mounts.ssh_ro_folder", "/.ssh"],
  ["agent.docker_internal_mounts.pip_cache", "/root/.cache/pip"],
  ["agent.docker_internal_mounts.poetry_cache", "/root/.cache/pypoetry"],
  ["agent.docker_internal_mounts.vcs_cache", "/root/.clearml/vcs-cache"],
  ["agent.docker_internal_mounts.venvs_cache", "/root/.clearml/venvs-cache"],
  ["agent.docker_internal_mounts.venv_build", "~/.clearml/venvs-builds"],
  ["agent.docker_internal_mounts.pip_download", "/root/.clearml/pip-download-cache"],
  ["agent.hide_docker_command_env_vars.enabled", true],
  ["agent.hide_docker_command_env_vars.extra_keys", []],
  ["agent.hide_docker_command_env_vars.parse_embedded_urls", true],
  [
    "agent.sanitize_config_printout.hide_secrets",
    ["^sanitize_config_printout$", "secret", "pass", "token", "account_key", "contents"],
  ],
  ["agent.sanitize_config_printout.hide_secrets_recursive", ["^environment$"]],
  ["agent.sanitize_config_printout.dont_hide_secrets", ["^enable_git_ask_pass$"]],
  ["agent.sanitize_config_printout.docker_commands", ["^extra_docker_arguments$"]],
  ["agent.sanitize_config_printout.urls", ["^extra_index_url$"]],
  ["agent.enable_task_env", false],
  ["agent.disable_task_docker_override", false],
  ["agent.default_docker.match_rules.0.arguments", "--ipc=host"],
  ["sdk.storage.cache.size.min_free_bytes", "10GB"],
  ["agent.apply_environment", true],
  ["agent.apply_files", true],
  ["agent.abort_callback_max_timeout", 1800],
  ["agent.custom_build_script", ""],
];

/** Rows shown as commented ("—") in the shipped files: absent from both trees. */
const ABSENT = [
  "api.host",
  "api.http.default_method",
  "api.ssl_error_count_verbosity",
  "sdk.aws.s3.profile",
  "sdk.azure.storage.containers",
  "sdk.google.storage.credentials_json",
  "sdk.development.detect_with_conda_freeze",
  "sdk.development.worker.report_start_sec",
  "sdk.metrics.plot_max_num_digits",
  "sdk.storage.path_substitution",
  "agent.git_user",
  "agent.git_pass",
  "agent.git_host",
  "agent.enable_git_ask_pass",
  "agent.default_docker.arguments",
  "agent.extra_docker_arguments",
  "agent.package_manager.extra_index_url",
  "agent.docker_use_activated_venv",
  "agent.disable_ssh_mount",
  "agent.cuda_version",
  "agent.crash_on_exception",
];

function valueAt(consumer: "sdk" | "agent", key: string): Plain | undefined {
  let node: ConfNode | undefined = defaultsFor(consumer);
  for (const seg of splitPath(key)) {
    node = node?.type === "list" ? node.items[Number(seg)] : node && getNode(node, [seg]);
  }
  return node ? toPlain(node) : undefined;
}

describe("defaultsFor()", () => {
  for (const consumer of ["sdk", "agent"] as const) {
    for (const [key, sdkValue] of SHARED) {
      const expected = consumer === "agent" && key in AGENT_DIFFERS ? AGENT_DIFFERS[key] : sdkValue;
      it(`gives the ${consumer} ${key} = ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(valueAt(consumer, key), expected);
      });
    }
    for (const key of ABSENT) {
      it(`leaves ${key} out of the ${consumer} tree`, () => {
        assert.equal(valueAt(consumer, key), undefined);
      });
    }
  }

  for (const [key, expected] of AGENT) {
    it(`gives the agent ${key} = ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(valueAt("agent", key), expected);
    });
  }

  it("has exactly api, sdk and logging for the SDK", () => {
    assert.deepEqual([...defaultsFor("sdk").entries.keys()], ["api", "sdk", "logging"]);
  });

  it("has agent, api, sdk and logging for the agent", () => {
    assert.deepEqual([...defaultsFor("agent").entries.keys()], ["agent", "api", "sdk", "logging"]);
  });

  it("gives the SDK urllib3 at WARNING because its sdk-side logging.conf wins", () => {
    assert.equal(valueAt("sdk", "logging.loggers.urllib3.level"), "WARNING");
    assert.equal(valueAt("sdk", "logging.loggers.clearml.level"), "INFO");
    assert.equal(valueAt("sdk", "logging.loggers.clearml.force_level"), false);
  });

  it("gives the agent urllib3 at ERROR from its single api-side logging.conf", () => {
    assert.equal(valueAt("agent", "logging.loggers.urllib3.level"), "ERROR");
    assert.equal(valueAt("agent", "logging.loggers.clearml"), undefined);
  });

  it("reads a logger name holding a dot through a quoted segment", () => {
    assert.equal(valueAt("sdk", 'logging.loggers."boto.perf".level'), "WARNING");
  });

  it("marks every node with the consumer's default origin", () => {
    const sdk = getNode(defaultsFor("sdk"), ["api", "http", "retries", "total"]);
    const agent = getNode(defaultsFor("agent"), ["agent", "default_docker", "image"]);
    assert.deepEqual(sdk?.origin, { kind: "default", source: "sdk defaults" });
    assert.deepEqual(agent?.origin, { kind: "default", source: "agent defaults" });
  });

  it("returns a fresh tree on every call", () => {
    const first = defaultsFor("sdk");
    first.entries.delete("api");
    assert.ok(defaultsFor("sdk").entries.has("api"));
  });

  it("keeps the shared constants safe from a caller that edits the plain copy", () => {
    const plain = defaultsPlainFor("agent") as { agent: { worker_name: string } };
    plain.agent.worker_name = "changed";
    assert.equal(valueAt("agent", "agent.worker_name"), "");
  });

  it("ships the python match rules for 3.6 to 3.12 in the agent tree", () => {
    const rules = valueAt("agent", "agent.default_docker.match_rules") as Array<
      { image: string; match: { script: { binary: string } } }
    >;
    assert.deepEqual(rules.map((r) => r.image), [
      "python:3.6-bullseye",
      "python:3.7-bullseye",
      "python:3.8-bullseye",
      "python:3.9-bullseye",
      "python:3.10-bullseye",
      "python:3.11-bullseye",
      "python:3.12-bullseye",
    ]);
    assert.equal(rules[4]?.match.script.binary, "python3.10$");
  });
});

describe("SDK_MERGED_LOGGING_DEFAULTS", () => {
  it("is the sdk-side logging file merged over the api-side one, keys in the loader's order", () => {
    const origin = { kind: "default", source: "logging.conf" } as const;
    const merged = toPlain(
      mergeNodes(fromPlain(API_LOGGING_DEFAULTS, origin), fromPlain(SDK_LOGGING_DEFAULTS, origin)),
    );
    assert.equal(JSON.stringify(SDK_MERGED_LOGGING_DEFAULTS), JSON.stringify(merged));
  });
});

describe("knownConfigKeys()", () => {
  const sdk = knownConfigKeys("sdk");
  const agent = knownConfigKeys("agent");

  it("lists every tested default key for its consumer", () => {
    for (const [key] of SHARED) assert.ok(sdk.includes(key), key);
    for (const [key] of [...SHARED, ...AGENT]) {
      if (/\.\d+\./.test(key)) continue; // inside a list: not a key
      assert.ok(agent.includes(key), key);
    }
  });

  it("lists keys that ship commented out, such as agent.git_pass and api.host", () => {
    assert.ok(agent.includes("agent.git_pass"));
    assert.ok(agent.includes("agent.default_docker.arguments"));
    assert.ok(sdk.includes("api.host"));
    assert.ok(sdk.includes("sdk.google.storage.credentials_json"));
  });

  it("lists no agent key for the SDK", () => {
    assert.deepEqual(sdk.filter((key) => key.startsWith("agent.")), []);
  });

  it("lists leaves only, never an object that has known keys below it", () => {
    for (const keys of [sdk, agent]) {
      for (const key of keys) {
        assert.ok(!keys.some((other) => other.startsWith(`${key}.`)), key);
      }
    }
    assert.ok(!sdk.includes("sdk.google.storage"));
    assert.ok(sdk.includes("sdk.aws.s3.extra_args"));
  });

  it("quotes a segment that holds a dot", () => {
    assert.ok(sdk.includes('logging.loggers."boto.perf".level'));
  });

  it("is sorted and has no duplicates", () => {
    assert.deepEqual(agent, [...new Set(agent)].sort());
  });
});
