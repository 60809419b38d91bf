import type { Snapshot } from "./snapshot.ts";
import { nodeFsView } from "../settings/node_fs_view.ts";
import { type FlagValue, type Resolution, resolve } from "../settings/resolve.ts";
import type { Consumer } from "../settings/variable.ts";

/** Resolve one consumer's settings from a snapshot against the real file system. */
export function resolveFor(
  snap: Snapshot,
  consumer: Consumer,
  flags: FlagValue[] = [],
): Resolution {
  return resolve({
    consumer,
    env: snap.env,
    envFromFile: snap.envFromFile,
    home: snap.home,
    cwd: snap.cwd,
    fs: nodeFsView,
    configFile: snap.configFile,
    flags,
  });
}
