/**
 * Gather what the resolver needs from the machine: the environment with `--env-file` layers,
 * the real file system, and the global flags. The only place commands read files for settings.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { layerEnvFiles } from "../settings/dotenv.ts";
import { nodeFsView } from "../settings/node_fs_view.ts";
import { type FlagValue, type Resolution, resolve } from "../settings/resolve.ts";
import type { Consumer } from "../settings/variable.ts";
import { UsageError } from "../errors.ts";

export interface Snapshot {
  env: Record<string, string>;
  envFromFile: Map<string, string>;
  envFiles: string[];
  home: string;
  cwd: string;
  configFile?: string;
}

export function takeSnapshot(ctx: CliContext, g: GlobalOptions): Snapshot {
  const files = (g.envFile ?? []).map((p) => {
    const path = isAbsolute(p) ? p : join(ctx.cwd, p);
    try {
      return { path, text: readFileSync(path, "utf8") };
    } catch (e: unknown) {
      const why = e instanceof Error && "code" in e ? String(e.code) : String(e);
      throw new UsageError(`--env-file ${p}: cannot read ${path} (${why})`);
    }
  });
  const { env, fromFile } = layerEnvFiles(ctx.env, files);
  const snap: Snapshot = {
    env,
    envFromFile: fromFile,
    envFiles: files.map((f) => f.path),
    home: env.HOME || ctx.home,
    cwd: ctx.cwd,
  };
  if (g.configFile !== undefined) snap.configFile = g.configFile;
  return snap;
}

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
