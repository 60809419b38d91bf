/**
 * The packaged `sdk.conf` defaults (top-level section `sdk`). Written from docs-reference §2.2;
 * keys that ship commented out are absent here and listed in `known_keys.ts`.
 */
import type { Plain } from "../tree.ts";

export const SDK_DEFAULTS: { [key: string]: Plain } = {
  storage: {
    log: {
      report_upload_chunk_size_mb: 5,
      report_download_chunk_size_mb: 5,
    },
    cache: {
      // The docs claim `<tmp>/clearml_cache`; the shipped file says this (docs-reference §9.2).
      default_base_dir: "~/.clearml/cache",
      default_cache_manager_size: 100,
    },
    direct_access: [{ url: "file://*" }],
  },
  metrics: {
    file_history_size: 100,
    matplotlib_untitled_history_size: 100,
    images: {
      format: "JPEG",
      quality: 87,
      subsampling: 0,
    },
    tensorboard_single_series_per_graph: false,
  },
  network: {
    file_upload_retries: 3,
    metrics: {
      file_upload_threads: 4,
      file_upload_starvation_warning_sec: 120,
    },
    iteration: {
      max_retries_on_server_error: 5,
      retry_backoff_factor_sec: 10,
    },
  },
  aws: {
    s3: {
      key: "",
      secret: "",
      region: "",
      use_credentials_chain: false,
      extra_args: {},
      credentials: [],
    },
    boto3: {
      pool_connections: 512,
      max_multipart_concurrency: 16,
      multipart_threshold: 8388608,
      multipart_chunksize: 8388608,
    },
  },
  // Both blocks ship with every entry commented out: present, but empty.
  google: { storage: {} },
  azure: { storage: {} },
  log: {
    null_log_propagate: false,
    task_log_buffer_capacity: 66,
    disable_urllib3_info: true,
  },
  development: {
    task_reuse_time_window_in_hours: 72.0,
    vcs_repo_detect_async: true,
    store_uncommitted_code_diff: true,
    support_stopping: true,
    default_output_uri: "",
    force_analyze_entire_repo: false,
    suppress_update_message: false,
    detect_with_pip_freeze: false,
    log_os_environments: [],
    artifacts: {
      auto_pickle: true,
    },
    worker: {
      report_period_sec: 2,
      report_event_flush_threshold: 100,
      ping_period_sec: 30,
      log_stdout: true,
      console_cr_flush_period: 10,
      report_global_mem_used: false,
    },
  },
  // The SDK does not apply the top-level `environment`/`files` sections unless asked; the agent does.
  apply_environment: false,
  apply_files: false,
};
