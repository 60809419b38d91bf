/**
 * The API client a command uses, from its context: snapshot, resolved settings of one consumer
 * (`task` commands read settings as the SDK does, `agent` commands as the agent does), client.
 */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { type Snapshot, takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import type { Resolution } from "../settings/resolve.ts";
import type { Consumer } from "../settings/variable.ts";
import { apiClientFrom, type FromSettingsOptions } from "../api/from_settings.ts";
import type { ApiClient } from "../api/client.ts";
import { ConfigError } from "../errors.ts";

export interface Connected {
  api: ApiClient;
  resolution: Resolution;
  env: Record<string, string>;
  snap: Snapshot;
}

export async function connect(
  ctx: CliContext,
  g: GlobalOptions,
  consumer: Consumer,
  extra: Partial<FromSettingsOptions> = {},
  flags: Parameters<typeof resolveFor>[2] = [],
): Promise<Connected> {
  const snap = takeSnapshot(ctx, g);
  const resolution = resolveFor(snap, consumer, flags);
  const fatal = resolution.fatal[0];
  if (fatal) throw new ConfigError(`${fatal.subject}: ${fatal.message}`);
  const api = await apiClientFrom(resolution, {
    env: snap.env,
    cwd: snap.cwd,
    ...(g.verbose
      ? {
        onRetry: (n) =>
          ctx.err(`${n.endpoint}: ${n.reason}; retry ${n.attempt} in ${n.delayMs} ms\n`),
      }
      : {}),
    ...extra,
  });
  return { api, resolution, env: snap.env, snap };
}
