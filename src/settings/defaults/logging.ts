/**
 * The packaged `logging.conf` defaults (top-level section `logging`). Two files ship with the SDK:
 * one beside `api.conf` and one beside `sdk.conf`, and the loader merges the second over the first
 * (sdk-config §1.1 layers 1 and 3). So the SDK ends with `loggers.urllib3.level: WARNING`, not the
 * api-side `ERROR`. The agent ships a single folder, whose logging file is the api-side one.
 */
import type { Plain } from "../tree.ts";

/** The api-side file (`backend_api/config/default/logging.conf`). */
export const API_LOGGING_DEFAULTS: { [key: string]: Plain } = {
  version: 1,
  disable_existing_loggers: 0,
  loggers: {
    urllib3: { level: "ERROR" },
  },
};

/** The sdk-side file (`config/default/logging.conf`), merged over the api-side one by the SDK. */
export const SDK_LOGGING_DEFAULTS: { [key: string]: Plain } = {
  version: 1,
  disable_existing_loggers: 0,
  loggers: {
    // `force_level: false` lets CLEARML_LOG_LEVEL and the caller lower the level.
    clearml: { level: "INFO", force_level: false },
    boto: { level: "WARNING" },
    "boto.perf": { level: "WARNING" },
    botocore: { level: "WARNING" },
    urllib3: { level: "WARNING" },
  },
};

/**
 * What the SDK ends with: the sdk-side file merged over the api-side one (`urllib3` keeps its
 * place from the api-side file, with the sdk-side level). Written out: merging the two at every
 * start cost more than building the rest of the defaults (tests/settings/defaults.test.ts merges
 * the two files as the loader does and compares, order included).
 */
export const SDK_MERGED_LOGGING_DEFAULTS: { [key: string]: Plain } = {
  version: 1,
  disable_existing_loggers: 0,
  loggers: {
    urllib3: { level: "WARNING" },
    clearml: { level: "INFO", force_level: false },
    boto: { level: "WARNING" },
    "boto.perf": { level: "WARNING" },
    botocore: { level: "WARNING" },
  },
};

/** The `logging` section each consumer ends up with from its packaged files alone. */
export function loggingDefaultsFor(consumer: "sdk" | "agent"): Plain {
  return consumer === "agent" ? API_LOGGING_DEFAULTS : SDK_MERGED_LOGGING_DEFAULTS;
}
