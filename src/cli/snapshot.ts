/**
 * Gather what the resolver needs from the machine: the environment with `--env-file` layers
 * and the global flags (`resolve_for.ts` adds the real file system and resolves).
 */
import { isAbsolute, join } from "../settings/path.ts";
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { layerEnvFiles, readEnvFile } from "../settings/dotenv.ts";
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
  // `map` only when there are files (see fast_path.ts)
  const files = g.envFile === undefined ? [] : g.envFile.map((p) => {
    const path = isAbsolute(p) ? p : join(ctx.cwd, p);
    let bytes: Uint8Array;
    try {
      // node:fs only when there is a file to read: `clearml env` without one never loads it
      bytes = process.getBuiltinModule("node:fs").readFileSync(path);
    } catch (e: unknown) {
      const why = e instanceof Error && "code" in e ? String(e.code) : String(e);
      throw new UsageError(`--env-file ${p}: cannot read ${path} (${why})`);
    }
    return { path, vars: readEnvFile(bytes, path) };
  });
  const { env, fromFile } = layerEnvFiles(ctx.env, files);
  const snap: Snapshot = {
    env,
    envFromFile: fromFile,
    envFiles: files.length === 0 ? [] : files.map((f) => f.path),
    home: env.HOME || ctx.home,
    cwd: ctx.cwd,
  };
  if (g.configFile !== undefined) snap.configFile = g.configFile;
  return snap;
}
