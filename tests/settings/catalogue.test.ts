import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CATALOGUE, findVariable, knownNames } from "../../src/settings/catalogue.ts";
import type { ConsumerRule, Variable } from "../../src/settings/variable.ts";

/** The ClearML SDK reference page (docs-reference §3.1, sdk-config §3). */
const SDK_PAGE = [
  "CLEARML_LOG_ENVIRONMENT",
  "CLEARML_TASK_NO_REUSE",
  "CLEARML_CACHE_DIR",
  "CLEARML_DOCKER_IMAGE",
  "CLEARML_LOG_LEVEL",
  "CLEARML_SUPPRESS_UPDATE_MESSAGE",
  "CLEARML_DEFAULT_OUTPUT_URI",
  "CLEARML_SET_ITERATION_OFFSET",
  "CLEARML_VCS_REPO_URL",
  "CLEARML_VCS_COMMIT_ID",
  "CLEARML_VCS_BRANCH",
  "CLEARML_VCS_ROOT",
  "CLEARML_VCS_WORK_DIR",
  "CLEARML_VCS_STATUS",
  "CLEARML_VCS_DIFF",
  "CLEARML_VCS_ENTRY_POINT",
  "CLEARML_API_HOST",
  "CLEARML_CONFIG_FILE",
  "CLEARML_WEB_HOST",
  "CLEARML_FILES_HOST",
  "CLEARML_API_ACCESS_KEY",
  "CLEARML_API_SECRET_KEY",
  "CLEARML_API_HOST_VERIFY_CERT",
  "CLEARML_API_DEFAULT_REQ_METHOD",
  "CLEARML_OFFLINE_MODE",
  "CLEARML_NO_DEFAULT_SERVER",
];

/** The clearml-agent reference page (agent-exec §1). */
const AGENT_PAGE = [
  "CLEARML_DOCKER_IMAGE",
  "CLEARML_WORKER_NAME",
  "CLEARML_WORKER_ID",
  "CLEARML_CUDA_VERSION",
  "CLEARML_CUDNN_VERSION",
  "CLEARML_CPU_ONLY",
  "CLEARML_DOCKER_SKIP_GPUS_FLAG",
  "CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV",
  "CLEARML_AGENT_DISABLE_SSH_MOUNT",
  "CLEARML_AGENT_FORCE_CODE_DIR",
  "CLEARML_AGENT_FORCE_EXEC_SCRIPT",
  "CLEARML_AGENT_FORCE_SYSTEM_SITE_PACKAGES",
  "CLEARML_AGENT_GIT_CLONE_VERBOSE",
  "CLEARML_AGENT_GIT_USER",
  "CLEARML_AGENT_GIT_PASS",
  "CLEARML_AGENT_GIT_HOST",
  "CLEARML_AGENT_EXEC_USER",
  "CLEARML_AGENT_EXTRA_DOCKER_ARGS",
  "CLEARML_AGENT_EXTRA_DOCKER_LABELS",
  "CLEARML_EXTRA_PIP_INSTALL_FLAGS",
  "CLEARML_AGENT_EXTRA_PYTHON_PATH",
  "CLEARML_AGENT_INITIAL_CONNECT_RETRY_OVERRIDE",
  "CLEARML_AGENT_NO_UPDATE",
  "CLEARML_AGENT_K8S_HOST_MOUNT",
  "CLEARML_AGENT_DOCKER_HOST_MOUNT",
  "CLEARML_AGENT_TEMP_STDOUT_FILE_DIR",
  "CLEARML_K8S_GLUE_START_AGENT_SCRIPT_PATH",
  "CLEARML_AGENT_PACKAGE_PYTORCH_RESOLVE",
  "CLEARML_AGENT_DEBUG_INFO",
  "CLEARML_AGENT_CHILD_AGENTS_COUNT_CMD",
  "CLEARML_AGENT_SKIP_PIP_VENV_INSTALL",
  "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL",
  "CLEARML_AGENT_VENV_CACHE_PATH",
];

/** Variables of sdk-config §3.1 and agent-exec §1.1 that interact with the ones above. */
const RELATED = [
  "CLEARML_AUTH_TOKEN",
  "CLEARML_CONFIG_PATH",
  "CLEARML_ENV",
  "TRAINS_ENV",
  "CLEARML_CONFIG_VERBOSE",
  "CLEARML_API_VERBOSE",
  "CLEARML_DISABLE_VAULT_SUPPORT",
  "CLEARML_ENABLE_ENV_CONFIG_SECTION",
  "CLEARML_ENABLE_FILES_CONFIG_SECTION",
  "CLEARML_IGNORE_MISSING_CONFIG",
  "CLEARML_DEFERRED_TASK_INIT",
  "CLEARML_API_EXTRA_RETRY_CODES",
  "CLEARML_FORCE_MAX_API_VERSION",
  "CLEARML_TASK_ID",
  "CLEARML_VCS_REPO_TYPE",
  "CLEARML_DOCKER_BASH_SCRIPT",
  "CLEARML_WORKER_TAGS",
  "CLEARML_AGENT_DOCKER_ARGS_FILTERS",
  "CLEARML_AGENT_SERVICES_DOCKER_RESTART",
  "CLEARML_AGENT_CUSTOM_BUILD_SCRIPT",
  "CLEARML_AGENT_FORCE_TASK_INIT",
  "CLEARML_AGENT_FORCE_POETRY",
  "CLEARML_AGENT_FORCE_UV",
  "CLEARML_AGENT_PROPAGATE_EXITCODE",
  "CLEARML_MULTI_NODE_SINGLE_TASK",
  "CLEARML_AGENT_FORCE_MAX_API_VERSION",
  "CLEARML_AGENT_DISABLE_VAULT_SUPPORT",
  "CLEARML_AGENT_ENABLE_ENV_CONFIG_SECTION",
  "CLEARML_AGENT_ENABLE_FILES_CONFIG_SECTION",
  "CLEAMRL_AGENT_CRASH_ON_EXCEPTION",
  "CLEARML_AGENT_CRASH_ON_EXCEPTION",
  "CLEARML_AGENT_ALG_ENV",
  "CLEARML_AGENT_GPU_FRACTIONS",
  "CLEARML_AGENT_DEBUG_GET_NEXT_TASK",
  "CLEARML_AGENT_STANDALONE_CONFIG_BC",
  "CLEARML_AGENT_DOCKER_AGENT_REPO",
  "FORCE_CLEARML_AGENT_REPO",
  "NVIDIA_VISIBLE_DEVICES",
  "CUDA_VISIBLE_DEVICES",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_DEFAULT_REGION",
  "AZURE_STORAGE_ACCOUNT",
  "AZURE_STORAGE_KEY",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "CI",
];

/** The agent's EnvironmentConfig bools (agent `definitions.py`): not stripped, errors stop the command. */
const AGENT_CONFIG_BOOLS = [
  "CLEARML_CPU_ONLY",
  "CLEAMRL_AGENT_CRASH_ON_EXCEPTION",
  "CLEARML_AGENT_DISABLE_SSH_MOUNT",
  "CLEARML_AGENT_FORCE_SYSTEM_SITE_PACKAGES",
  "CLEARML_AGENT_GIT_CLONE_VERBOSE",
  "CLEARML_AGENT_SKIP_PYTHON_ENV_INSTALL",
  "CLEARML_AGENT_FORCE_TASK_INIT",
  "CLEARML_AGENT_FORCE_POETRY",
  "CLEARML_AGENT_FORCE_UV",
  "CLEARML_AGENT_STANDALONE_CONFIG_BC",
  "CLEARML_AGENT_DEBUG_GET_NEXT_TASK",
];

/** The agent's EnvironmentConfig lists (split with shlex when read). */
const AGENT_CONFIG_LISTS = [
  "CLEARML_AGENT_EXTRA_DOCKER_ARGS",
  "CLEARML_AGENT_EXTRA_DOCKER_LABELS",
  "CLEARML_EXTRA_PIP_INSTALL_FLAGS",
];

/** The agent's fixed env→config map (docs-reference §1.3): primary name → key. */
const ENV_MAP: Record<string, string> = {
  CLEARML_API_HOST: "api.api_server",
  CLEARML_FILES_HOST: "api.files_server",
  CLEARML_WEB_HOST: "api.web_server",
  CLEARML_API_ACCESS_KEY: "api.credentials.access_key",
  CLEARML_API_SECRET_KEY: "api.credentials.secret_key",
  CLEARML_WORKER_NAME: "agent.worker_name",
  CLEARML_WORKER_ID: "agent.worker_id",
  CLEARML_CUDA_VERSION: "agent.cuda_version",
  CLEARML_CUDNN_VERSION: "agent.cudnn_version",
  CLEAMRL_AGENT_CRASH_ON_EXCEPTION: "agent.crash_on_exception",
  AWS_ACCESS_KEY_ID: "sdk.aws.s3.key",
  AWS_SECRET_ACCESS_KEY: "sdk.aws.s3.secret",
  AWS_DEFAULT_REGION: "sdk.aws.s3.region",
  AZURE_STORAGE_ACCOUNT: "sdk.azure.storage.containers.0.account_name",
  AZURE_STORAGE_KEY: "sdk.azure.storage.containers.0.account_key",
  GOOGLE_APPLICATION_CREDENTIALS: "sdk.google.storage.credentials_json",
};

/** Agent variables that replace a key where the agent reads it. */
const AGENT_POINT_OF_USE: Record<string, string> = {
  CLEARML_AGENT_EXTRA_DOCKER_ARGS: "agent.extra_docker_arguments",
  CLEARML_DOCKER_IMAGE: "agent.default_docker.image",
  CLEARML_EXTRA_PIP_INSTALL_FLAGS: "agent.package_manager.extra_pip_install_flags",
  CLEARML_AGENT_GIT_USER: "agent.git_user",
  CLEARML_AGENT_GIT_PASS: "agent.git_pass",
  CLEARML_AGENT_GIT_HOST: "agent.git_host",
  CLEARML_AGENT_PACKAGE_PYTORCH_RESOLVE: "agent.package_manager.pytorch_resolve",
  CLEARML_AGENT_VENV_CACHE_PATH: "agent.venvs_cache.path",
  CLEARML_AGENT_DISABLE_SSH_MOUNT: "agent.disable_ssh_mount",
  CLEARML_AGENT_DOCKER_ARGS_FILTERS: "agent.docker_args_filters",
  CLEARML_CPU_ONLY: "agent.cpu_only",
};

/** SDK variables read where they are used, beating their key. */
const SDK_CALL_SITE: Record<string, string> = {
  CLEARML_API_HOST: "api.api_server",
  CLEARML_WEB_HOST: "api.web_server",
  CLEARML_FILES_HOST: "api.files_server",
  CLEARML_API_ACCESS_KEY: "api.credentials.access_key",
  CLEARML_API_SECRET_KEY: "api.credentials.secret_key",
  CLEARML_API_HOST_VERIFY_CERT: "api.verify_certificate",
  CLEARML_API_DEFAULT_REQ_METHOD: "api.http.default_method",
  CLEARML_CACHE_DIR: "sdk.storage.cache.default_base_dir",
  CLEARML_DEFAULT_OUTPUT_URI: "sdk.development.default_output_uri",
  CLEARML_LOG_ENVIRONMENT: "sdk.development.log_os_environments",
  CLEARML_SUPPRESS_UPDATE_MESSAGE: "sdk.development.suppress_update_message",
  CLEARML_API_EXTRA_RETRY_CODES: "api.http.extra_retry_codes",
  CLEARML_ENABLE_ENV_CONFIG_SECTION: "sdk.apply_environment",
  CLEARML_ENABLE_FILES_CONFIG_SECTION: "sdk.apply_files",
};

function entry(name: string): Variable {
  const v = findVariable(name);
  assert.ok(v, `${name} is in the catalogue`);
  return v;
}

function rules(v: Variable): ConsumerRule[] {
  return [v.sdk, v.agent].filter((r): r is ConsumerRule => r !== undefined);
}

function names(v: Variable): string[] {
  return [v.name, ...v.aliases];
}

describe("CATALOGUE", () => {
  it("catalogue lists all 58 names of the two reference pages", () => {
    const all = new Set([...SDK_PAGE, ...AGENT_PAGE]);
    assert.equal(all.size, 58);
    for (const n of all) entry(n);
  });

  it("catalogue marks the reference page of every documented name", () => {
    for (const n of SDK_PAGE) assert.ok(entry(n).docs.includes("sdk"), n);
    for (const n of AGENT_PAGE) assert.ok(entry(n).docs.includes("agent"), n);
  });

  it("catalogue lists the related variables of sdk-config §3.1 and agent-exec §1.1", () => {
    for (const n of RELATED) entry(n);
  });

  it("catalogue gives every name to exactly one entry", () => {
    const seen = new Map<string, string>();
    for (const v of CATALOGUE) {
      for (const n of names(v)) {
        assert.ok(!seen.has(n), `${n} is in ${seen.get(n)} and ${v.name}`);
        seen.set(n, v.name);
      }
    }
  });

  it("catalogue keeps names in the priority order of the real programs", () => {
    assert.deepEqual(names(entry("CLEARML_CUDA_VERSION")), [
      "CLEARML_CUDA_VERSION",
      "TRAINS_CUDA_VERSION",
      "CUDA_VERSION",
    ]);
    assert.deepEqual(names(entry("CLEARML_CPU_ONLY")), [
      "CLEARML_CPU_ONLY",
      "TRAINS_CPU_ONLY",
      "CPU_ONLY",
    ]);
    assert.deepEqual(names(entry("CLEARML_AGENT_K8S_HOST_MOUNT")), [
      "CLEARML_AGENT_K8S_HOST_MOUNT",
      "CLEARML_AGENT_DOCKER_HOST_MOUNT",
      "TRAINS_AGENT_K8S_HOST_MOUNT",
      "TRAINS_AGENT_DOCKER_HOST_MOUNT",
    ]);
    assert.deepEqual(names(entry("FORCE_CLEARML_AGENT_REPO")), [
      "FORCE_CLEARML_AGENT_REPO",
      "CLEARML_AGENT_DOCKER_AGENT_REPO",
    ]);
    for (
      const n of ["CLEARML_VCS_WORK_DIR", "CLEARML_VCS_ENTRY_POINT", "CLEARML_DEFAULT_OUTPUT_URI"]
    ) {
      assert.deepEqual(entry(n).aliases, [], `${n} has no alias (sdk #98)`);
    }
  });

  it("catalogue makes every agent EnvironmentConfig bool an agent-bool that stops the command", () => {
    for (const n of AGENT_CONFIG_BOOLS) {
      const rule = entry(n).agent;
      assert.equal(rule?.converter, "agent-bool", n);
      assert.equal(rule?.onInvalid, "fatal", n);
    }
  });

  it("catalogue makes every agent-bool fatal except the dead CLEARML_AGENT_ALG_ENV", () => {
    for (const v of CATALOGUE) {
      if (v.agent?.converter !== "agent-bool" || v.name === "CLEARML_AGENT_ALG_ENV") continue;
      assert.equal(v.agent.onInvalid, "fatal", v.name);
    }
    assert.equal(entry("CLEARML_AGENT_ALG_ENV").agent?.onInvalid, "ignore");
  });

  it("catalogue splits the agent's list variables with shlex and stops on a bad quote", () => {
    for (const n of AGENT_CONFIG_LISTS) {
      assert.equal(entry(n).agent?.converter, "shlex-list", n);
      assert.equal(entry(n).agent?.onInvalid, "fatal", n);
    }
  });

  it("catalogue marks every secret-looking name as secret", () => {
    const looksSecret = (n: string) =>
      /SECRET|PASS|TOKEN/.test(n) || (n.endsWith("_KEY") && !n.endsWith("ACCESS_KEY"));
    for (const v of CATALOGUE) {
      for (const n of names(v)) {
        if (looksSecret(n)) assert.equal(v.secret, true, n);
      }
    }
    assert.equal(entry("CLEARML_API_ACCESS_KEY").secret, false);
    for (const n of ["CLEARML_API_SECRET_KEY", "CLEARML_AGENT_GIT_PASS", "CLEARML_AUTH_TOKEN"]) {
      assert.equal(entry(n).secret, true, n);
    }
  });

  it("catalogue writes every config key as a dotted path", () => {
    for (const v of CATALOGUE) {
      for (const r of rules(v)) {
        if (r.key === undefined) continue;
        assert.match(r.key, /^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+$/, `${v.name}: ${r.key}`);
      }
    }
  });

  it("catalogue maps the agent's fixed env→config map as env-map keys", () => {
    for (const [n, key] of Object.entries(ENV_MAP)) {
      assert.equal(entry(n).agent?.key, key, n);
      assert.equal(entry(n).agent?.apply, "env-map", n);
    }
    const envMapped = CATALOGUE.filter((v) => v.agent?.apply === "env-map").map((v) => v.name);
    assert.deepEqual(envMapped.sort(), Object.keys(ENV_MAP).sort());
  });

  it("catalogue gives the agent's point-of-use variables their keys", () => {
    for (const [n, key] of Object.entries(AGENT_POINT_OF_USE)) {
      assert.equal(entry(n).agent?.key, key, n);
      assert.equal(entry(n).agent?.apply, "point-of-use", n);
    }
  });

  it("catalogue gives the SDK's call-site variables their keys", () => {
    for (const [n, key] of Object.entries(SDK_CALL_SITE)) {
      assert.equal(entry(n).sdk?.key, key, n);
      assert.equal(entry(n).sdk?.apply, "call-site", n);
    }
  });

  it("catalogue only sets apply when there is a key to apply to", () => {
    for (const v of CATALOGUE) {
      for (const r of rules(v)) {
        if (r.apply !== "none") assert.ok(r.key, `${v.name} applies ${r.apply} without a key`);
      }
    }
  });

  it("catalogue reads SDK EnvEntry variables with warn-fallback", () => {
    for (
      const n of ["CLEARML_TASK_NO_REUSE", "CLEARML_SET_ITERATION_OFFSET", "CLEARML_VCS_STATUS"]
    ) {
      assert.equal(entry(n).sdk?.onInvalid, "warn-fallback", n);
    }
    assert.equal(entry("CLEARML_API_DEFAULT_REQ_METHOD").sdk?.onInvalid, "fatal");
  });

  it("catalogue records the surprises the reference pages do not mention", () => {
    assert.equal(entry("CLEARML_DOCKER_SKIP_GPUS_FLAG").agent?.converter, "truthy-text");
    assert.equal(entry("CLEARML_OFFLINE_MODE").sdk?.converter, "safe-bool");
    assert.equal(entry("CLEARML_API_HOST_VERIFY_CERT").sdk?.converter, "verify-cert");
    assert.equal(entry("CLEARML_AGENT_SKIP_PIP_VENV_INSTALL").agent?.converter, "skip-venv");
    assert.equal(entry("CLEARML_VCS_DIFF").sdk?.presenceMatters, true);
    assert.equal(entry("CLEARML_DOCKER_IMAGE").sdk?.presenceMatters, true);
    assert.equal(entry("CLEARML_API_DEFAULT_REQ_METHOD").sdk?.presenceMatters, true);
    assert.deepEqual(entry("CLEARML_AGENT_CRASH_ON_EXCEPTION").readers, []);
    assert.equal(entry("CLEARML_AGENT_CRASH_ON_EXCEPTION").agent, undefined);
    assert.ok(entry("CLEARML_NO_DEFAULT_SERVER").notes?.some((n) => n.includes("Dead")));
    assert.ok(!entry("CLEARML_NO_DEFAULT_SERVER").readers.includes("sdk"));
    assert.equal(entry("CLEARML_CPU_ONLY").agent?.onInvalid, "fatal");
    assert.ok(entry("CLEARML_CPU_ONLY").notes?.some((n) => n.includes("never reads")));
    assert.ok(entry("CLEARML_ENV").agent?.note?.includes("TRAINS_ENV"));
  });

  it("catalogue explains every variable whose presence matters in its first note", () => {
    for (const v of CATALOGUE) {
      if (rules(v).some((r) => r.presenceMatters)) assert.ok(v.notes?.[0], v.name);
    }
  });

  it("catalogue gives every entry a one-line description, a spec citation and known readers", () => {
    for (const v of CATALOGUE) {
      assert.ok(v.description.length > 0 && !v.description.includes("\n"), v.name);
      assert.ok(v.spec, `${v.name} cites the spec`);
      if (v.sdk && v.name !== "CLEARML_NO_DEFAULT_SERVER") {
        assert.ok(
          v.readers.includes("sdk"),
          `${v.name} has an SDK rule but the SDK is not a reader`,
        );
      }
    }
  });
});

describe("findVariable() and knownNames()", () => {
  it("findVariable() finds an entry by an alias", () => {
    assert.equal(findVariable("TRAINS_API_HOST")?.name, "CLEARML_API_HOST");
    assert.equal(findVariable("CUDA_VERSION")?.name, "CLEARML_CUDA_VERSION");
  });

  it("findVariable() matches the exact case only", () => {
    assert.equal(findVariable("clearml_api_host"), undefined);
    assert.equal(findVariable("CLEARML_NOT_A_VARIABLE"), undefined);
  });

  it("knownNames() lists every name once, sorted", () => {
    const all = knownNames();
    assert.deepEqual(all, [...new Set(all)].sort());
    assert.equal(all.length, CATALOGUE.reduce((n, v) => n + names(v).length, 0));
    assert.ok(all.includes("TRAINS_ENV"));
  });
});
