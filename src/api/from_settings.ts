/**
 * An ApiClient configured from one consumer's resolved settings: host, credentials, method,
 * verification and CA files, retries, token renewal and the version cap.
 */
import type { Resolution } from "../settings/resolve.ts";
import { ConfigError } from "../errors.ts";
import { clientSettings, initialConnectRetries } from "./settings.ts";
import { trustFor } from "./trust.ts";
import { ApiClient, type ApiClientOptions } from "./client.ts";

export interface FromSettingsOptions {
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** Which command connects: only the agent's `execute` keeps the configured connect retries. */
  command?: "execute" | "other";
  worker?: string;
  signal?: AbortSignal;
  onRetry?: ApiClientOptions["onRetry"];
  /** Test hooks and overrides. */
  extra?: Partial<ApiClientOptions>;
}

export async function apiClientFrom(r: Resolution, o: FromSettingsOptions): Promise<ApiClient> {
  const s = clientSettings(r);
  if (!s.host) {
    throw new ConfigError(
      "no API server: set CLEARML_API_HOST or api.api_server in clearml.conf " +
        "(e.g. http://127.0.0.1:8008 for clearml serve)",
    );
  }
  const trust = s.host.startsWith("https:") ? await trustFor(s.verify, o.env, o.cwd) : undefined;
  if (trust?.bundle?.error) {
    throw new ConfigError(
      `CA bundle ${trust.bundle.path} (${trust.bundle.source}) ${trust.bundle.error}`,
    );
  }
  // The SDK has no first-login override; a command line client should not hang for hours on a
  // server that is down, so it gets the agent's 4 connect retries for its first login.
  const first = r.consumer === "agent" ? initialConnectRetries(r, o.command ?? "other") : 4;
  return new ApiClient({
    host: s.host,
    credentials: s.credentials,
    ...(s.method.explicit ? { method: s.method.method } : {}),
    verify: s.verify.verify,
    ...(trust?.ca ? { ca: trust.ca } : {}),
    env: o.env,
    retries: s.retries,
    initialConnectRetries: first,
    tokenThresholdSec: s.tokenThresholdSec,
    ...(s.requestTokenExpirationSec
      ? { requestTokenExpirationSec: s.requestTokenExpirationSec }
      : {}),
    ...(s.maxApiVersion ? { maxApiVersion: s.maxApiVersion } : {}),
    ...(o.worker ? { worker: o.worker } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onRetry ? { onRetry: o.onRetry } : {}),
    ...o.extra,
  });
}
