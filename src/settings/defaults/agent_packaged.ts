/**
 * The agent's own copies of `api.conf`, `sdk.conf` and `logging.conf`: older than the SDK's, so
 * they differ (recorded from clearml-agent 1.9.2's `Session(only_load_config=True).config`, see
 * tests/fixtures/agent_config). Written as the differences from the SDK's files, which are the
 * facts a reader needs: what the agent lacks, adds or sets otherwise.
 */
import type { Plain } from "../tree.ts";
import { API_DEFAULTS } from "./api.ts";
import { API_LOGGING_DEFAULTS } from "./logging.ts";
import { SDK_DEFAULTS } from "./sdk.ts";

type PlainObject = { [key: string]: Plain };

// The key lists below are constants of the functions that use them: made when the agent's
// defaults are, not at every load of this module (each constant array is a cell, and one of 13
// keys the only one of its size class at an SDK start: a 16 KB heap block of its own).

function without(source: PlainObject, keys: readonly string[]): PlainObject {
  const out = structuredClone(source);
  for (const key of keys) {
    const path = key.split(".");
    let node: Plain | undefined = out;
    for (const seg of path.slice(0, -1)) {
      node = node !== null && typeof node === "object" && !Array.isArray(node)
        ? node[seg]
        : undefined;
    }
    if (node !== null && typeof node === "object" && !Array.isArray(node)) {
      delete node[path[path.length - 1]!];
    }
  }
  return out;
}

function objectAt(root: PlainObject, key: string): PlainObject {
  const v = root[key];
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`no ${key}`);
  return v;
}

/** The agent's `api` section: no hosts or keys, and a 12-hour token refresh threshold. */
export function agentApiDefaults(): PlainObject {
  /** Keys of the SDK's `api.conf` that the agent's copy does not ship. */
  const notShipped = [
    "api_server",
    "web_server",
    "files_server",
    "credentials",
    "http.extra_retry_codes",
    "auth.req_token_expiration_sec",
  ];
  const api = without(API_DEFAULTS, notShipped);
  objectAt(api, "auth").token_expiration_threshold_sec = 43200;
  return api;
}

/** The agent's `sdk` section: fewer keys, and a 10 GB free-space floor for the cache. */
export function agentSdkDefaults(): PlainObject {
  /** Keys of the SDK's `sdk.conf` that the agent's copy does not ship. */
  const notShipped = [
    "storage.log",
    "storage.cache.default_cache_manager_size",
    "network.file_upload_retries",
    "aws.s3.use_credentials_chain",
    "aws.s3.extra_args",
    "aws.boto3.multipart_threshold",
    "aws.boto3.multipart_chunksize",
    "development.log_os_environments",
    "development.artifacts",
    "development.worker.report_event_flush_threshold",
    "development.worker.console_cr_flush_period",
    "apply_environment",
    "apply_files",
  ];
  const sdk = without(SDK_DEFAULTS, notShipped);
  objectAt(objectAt(sdk, "storage"), "cache").size = { min_free_bytes: "10GB" };
  return sdk;
}

/** The agent's `logging` section: the api-side file without `disable_existing_loggers`. */
export function agentLoggingDefaults(): PlainObject {
  return without(API_LOGGING_DEFAULTS, ["disable_existing_loggers"]);
}
