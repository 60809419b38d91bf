/**
 * The packaged `api.conf` defaults (top-level section `api`), shipped by the SDK and, as its own
 * copy, by the agent. Written from docs-reference §2.1; keys that ship commented out are absent
 * here and listed in `known_keys.ts`.
 */
import type { Plain } from "../tree.ts";

export const API_DEFAULTS: { [key: string]: Plain } = {
  version: 1.5,
  default_version: 1.5,
  // Empty on purpose: the SDK falls back to the SaaS hosts in code, the agent fails.
  api_server: "",
  web_server: "",
  files_server: "",
  credentials: {
    access_key: "",
    secret_key: "",
  },
  verify_certificate: true,
  http: {
    max_req_size: 15728640,
    extra_retry_codes: [],
    // 240 retries with backoff is why an unreachable server looks like a hang.
    retries: {
      total: 240,
      connect: 240,
      read: 240,
      redirect: 240,
      status: 240,
      backoff_factor: 1.0,
      backoff_max: 120.0,
    },
    wait_on_maintenance_forever: true,
    pool_maxsize: 512,
    pool_connections: 512,
  },
  auth: {
    token_expiration_threshold_sec: 360,
    req_token_expiration_sec: null,
  },
};
