/**
 * Every known configuration key of a consumer, for did-you-mean on unknown keys (`doctor`,
 * `env explain`): the leaves of the packaged defaults plus the keys the programs read that ship
 * commented out. Apart from the defaults themselves, which every `config show` builds: the lists
 * below are constants of this module only, made when it loads, which a command that needs no
 * did-you-mean never does.
 */
import type { Consumer } from "../variable.ts";
import { leaves } from "../tree.ts";
import { defaultsFor } from "./index.ts";

/** Keys the programs read but the shipped file leaves out (commented or code-only). */
const API_DOCUMENTED_KEYS: readonly string[] = [
  "api.host",
  "api.http.default_method",
  "api.ssl_error_count_verbosity",
];

/** Keys the SDK reads but the shipped file leaves out (commented, Enterprise or code-only). */
const SDK_DOCUMENTED_KEYS: readonly string[] = [
  "sdk.aws.s3.profile",
  "sdk.azure.storage.containers",
  "sdk.google.storage.project",
  "sdk.google.storage.credentials_json",
  "sdk.google.storage.credentials",
  "sdk.dataset.preview.media.max_file_size",
  "sdk.dataset.preview.media.image_count",
  "sdk.dataset.preview.media.video_count",
  "sdk.dataset.preview.media.audio_count",
  "sdk.dataset.preview.media.html_count",
  "sdk.dataset.preview.media.json_count",
  "sdk.dataset.preview.tabular.row_count",
  "sdk.dataset.preview.tabular.table_count",
  "sdk.development.detect_with_conda_freeze",
  "sdk.development.detailed_import_report",
  "sdk.development.artifacts.default_pandas_dataframe_extension_name",
  "sdk.development.worker.report_start_sec",
  "sdk.development.worker.wait_for_first_iteration_to_start_sec",
  "sdk.development.worker.max_wait_for_first_iteration_to_start_sec",
  "sdk.metrics.plot_max_num_digits",
  "sdk.storage.cache.size.max_used_bytes",
  "sdk.storage.cache.size.min_free_bytes",
  "sdk.storage.cache.zero_file_size_check",
  "sdk.storage.cache.secondary",
  "sdk.storage.path_substitution",
];

/** Keys the agent reads but the shipped file leaves out (commented, Enterprise or code-only). */
const AGENT_DOCUMENTED_KEYS: readonly string[] = [
  "agent.git_user",
  "agent.git_pass",
  "agent.git_host",
  "agent.force_git_ssh_port",
  "agent.force_git_ssh_user",
  "agent.enable_git_ask_pass",
  "agent.ignore_requested_python_version",
  "agent.force_git_root_python_path",
  "agent.default_python",
  "agent.debug",
  "agent.package_manager.pytorch_resolve",
  "agent.package_manager.poetry_version",
  "agent.package_manager.poetry_install_extra_args",
  "agent.package_manager.uv_version",
  "agent.package_manager.uv_sync_extra_args",
  "agent.package_manager.extra_index_url",
  "agent.package_manager.extra_index_url_template",
  "agent.package_manager.extra_pip_install_flags",
  "agent.package_manager.conda_full_env_update",
  "agent.package_manager.conda_env_as_base_docker",
  "agent.package_manager.use_conda_base_env",
  "agent.package_manager.force_repo_requirements_txt",
  "agent.package_manager.priority_packages",
  "agent.package_manager.post_packages",
  "agent.package_manager.post_optional_packages",
  "agent.venvs_cache.lock_timeout",
  "agent.default_docker.arguments",
  "agent.extra_docker_arguments",
  "agent.docker_args_extra_precedes_task",
  "agent.protected_docker_extra_args",
  "agent.docker_args_filters",
  "agent.extra_docker_shell_script",
  "agent.docker_init_bash_script",
  "agent.docker_preprocess_bash_script",
  "agent.docker_install_opencv_libs",
  "agent.docker_use_activated_venv",
  "agent.docker_allow_host_environ",
  "agent.disable_ssh_mount",
  "agent.docker_container_name_format",
  "agent.docker_container_name_format_fields",
  "agent.cuda_version",
  "agent.cudnn_version",
  "agent.cpu_only",
  "agent.crash_on_exception",
  "agent.suppress_carriage_return",
  "agent.task_ping_interval_sec",
  "agent.log_files_buffering",
  "agent.truncate_task_output_files",
  "agent.uptime",
  "agent.downtime",
];

/** A dotted key, with segments that hold a dot quoted so that `splitPath` reads them back. */
function joinPath(path: readonly string[]): string {
  return path.map((seg) => (seg.includes(".") ? `"${seg}"` : seg)).join(".");
}

/**
 * The strings before each `.` of `key` (`a`, `a.b` for `a.b.c`): `key.startsWith(p + ".")` holds
 * exactly for these `p`. Looking them up in a set replaces a scan of every other key.
 */
export function dottedPrefixes(key: string): string[] {
  const out: string[] = [];
  for (let i = key.indexOf("."); i >= 0; i = key.indexOf(".", i + 1)) out.push(key.slice(0, i));
  return out;
}

const knownKeys = new Map<Consumer, readonly string[]>();

/**
 * Every known leaf key of `consumer`, sorted: the leaves of its packaged defaults plus the keys it
 * reads that ship commented out. For did-you-mean on unknown keys. Built once per consumer.
 */
export function knownConfigKeys(consumer: Consumer): readonly string[] {
  let known = knownKeys.get(consumer);
  if (known === undefined) knownKeys.set(consumer, known = buildKnownKeys(consumer));
  return known;
}

function buildKnownKeys(consumer: Consumer): string[] {
  const keys = new Set(leaves(defaultsFor(consumer)).map(([path]) => joinPath(path)));
  // The agent reads the hosts and keys its own api.conf lacks, and hands sdk.* to the tasks.
  if (consumer === "agent") { for (const key of knownConfigKeys("sdk")) keys.add(key); }
  for (const key of [...API_DOCUMENTED_KEYS, ...SDK_DOCUMENTED_KEYS]) keys.add(key);
  if (consumer === "agent") { for (const key of AGENT_DOCUMENTED_KEYS) keys.add(key); }
  // An object that ships empty (`sdk.google.storage {}`) is not a leaf once its keys are known.
  const inner = new Set<string>();
  for (const key of keys) for (const p of dottedPrefixes(key)) inner.add(p);
  return [...keys].filter((key) => !inner.has(key)).sort();
}
