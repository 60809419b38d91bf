import { parseEnv } from "node:util";

export interface EnvSnapshot {
  /** The effective environment: the real one over the `.env` files. */
  env: Record<string, string>;
  /** For names whose value came from a `.env` file: that file. */
  fromFile: Map<string, string>;
}

/**
 * Layer `.env` files under the real environment: a name already in the real environment keeps
 * its value; among the files, a later file wins.
 */
export function layerEnvFiles(
  real: Readonly<Record<string, string>>,
  files: ReadonlyArray<{ path: string; text: string }>,
): EnvSnapshot {
  const fromFiles: Record<string, string> = {};
  const fromFile = new Map<string, string>();
  for (const f of files) {
    const parsed = parseEnv(f.text) as Record<string, string>;
    for (const [k, v] of Object.entries(parsed)) {
      fromFiles[k] = v;
      fromFile.set(k, f.path);
    }
  }
  const env: Record<string, string> = { ...fromFiles };
  for (const [k, v] of Object.entries(real)) {
    env[k] = v;
    fromFile.delete(k);
  }
  return { env, fromFile };
}
