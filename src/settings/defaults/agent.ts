/**
 * The packaged `agent.conf` defaults (top-level section `agent`), shipped by clearml-agent only.
 * Written from docs-reference §2.3 and agent-exec; keys that ship commented out are absent here
 * and listed in `known_keys.ts`.
 */
import type { Plain } from "../tree.ts";

/** One Enterprise docker match rule per python minor, keyed on the task's python binary. */
function pythonImageRule(minor: number): Plain {
  return {
    image: `python:3.${minor}-bullseye`,
    arguments: "--ipc=host",
    match: { script: { binary: `python3.${minor}$` } },
  };
}

/**
 * `agent.sanitize_config_printout`: key-name regexes for `clearml agent config` printouts
 * (agent-exec §0.6); mask.ts applies them to every printout, so they stand apart from the rest.
 */
export const SANITIZE_CONFIG_PRINTOUT: { [key: string]: Plain } = {
  hide_secrets: [
    "^sanitize_config_printout$",
    "secret",
    "pass",
    "token",
    "account_key",
    "contents",
  ],
  hide_secrets_recursive: ["^environment$"],
  dont_hide_secrets: ["^enable_git_ask_pass$"],
  docker_commands: ["^extra_docker_arguments$"],
  urls: ["^extra_index_url$"],
};

let agentSection: { [key: string]: Plain } | undefined;

/**
 * The `agent` section, built on first use (one shared object): the SDK's commands never need it,
 * and building it costs every start a fifth of a millisecond before the JIT.
 */
export function agentDefaults(): { [key: string]: Plain } {
  return agentSection ??= {
    // Empty: the worker name falls back to the hostname, the id to `<name>:<pid>`.
    worker_id: "",
    worker_name: "",
    force_git_ssh_protocol: false,
    translate_ssh: true,
    reload_config: false,
    // Empty: the python running the agent.
    python_binary: "",
    package_manager: {
      type: "pip",
      pip_version: [
        "<20.2 ; python_version < '3.10'",
        "<22.3 ; python_version >= '3.10' and python_version <= '3.11'",
        ">=23,<24.3 ; python_version >= '3.12'",
      ],
      pip_legacy_resolver: [">=20.3,<24.3"],
      system_site_packages: false,
      force_upgrade: false,
      conda_channels: ["pytorch", "conda-forge", "nvidia", "defaults"],
      torch_nightly: false,
      priority_optional_packages: ["pygobject"],
      poetry_files_from_repo_working_dir: false,
      uv_files_from_repo_working_dir: false,
    },
    venvs_dir: "~/.clearml/venvs-builds",
    // Enabled in the shipped file although the docs say "uncomment to enable" (docs-reference §9.3).
    venvs_cache: {
      max_entries: 10,
      free_space_threshold_gb: 2.0,
      path: "~/.clearml/venvs-cache",
    },
    vcs_cache: {
      enabled: true,
      path: "~/.clearml/vcs-cache",
    },
    pip_download_cache: {
      enabled: true,
      path: "~/.clearml/pip-download-cache",
    },
    venv_update: {
      enabled: false,
    },
    docker_pip_cache: "~/.clearml/pip-cache",
    docker_apt_cache: "~/.clearml/apt-cache",
    docker_force_pull: false,
    default_docker: {
      image: "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04",
      // Enterprise only; ignored by the open-source server and when `--docker IMAGE` is given.
      match_rules: [6, 7, 8, 9, 10, 11, 12].map(pythonImageRule),
    },
    // Enterprise: true makes every task run in the agent's default image and arguments.
    disable_task_docker_override: false,
    enable_task_env: false,
    hide_docker_command_env_vars: {
      enabled: true,
      extra_keys: [],
      parse_embedded_urls: true,
    },
    sanitize_config_printout: SANITIZE_CONFIG_PRINTOUT,
    // Mount points inside the container, for images that do not run as root.
    docker_internal_mounts: {
      sdk_cache: "/clearml_agent_cache",
      apt_cache: "/var/cache/apt/archives",
      ssh_folder: "~/.ssh",
      ssh_ro_folder: "/.ssh",
      pip_cache: "/root/.cache/pip",
      poetry_cache: "/root/.cache/pypoetry",
      vcs_cache: "/root/.clearml/vcs-cache",
      venvs_cache: "/root/.clearml/venvs-cache",
      venv_build: "~/.clearml/venvs-builds",
      pip_download: "/root/.clearml/pip-download-cache",
    },
    // The agent applies the top-level `environment`/`files` sections by default; the SDK does not.
    apply_environment: true,
    apply_files: true,
    abort_callback_max_timeout: 1800,
    custom_build_script: "",
  };
}
