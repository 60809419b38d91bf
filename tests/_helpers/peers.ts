/**
 * The real ClearML programs (`../shared/peers`, see its README): `CLEARML_PEERS_DIR`, else
 * `shared/peers` in the nearest folder above this checkout that has one.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { ROOT } from "./cli.ts";

function candidates(): string[] {
  const env = process.env.CLEARML_PEERS_DIR;
  if (env) return [env];
  const out: string[] = [];
  for (let dir = dirname(ROOT.replace(/\/+$/, ""));; dir = dirname(dir)) {
    out.push(join(dir, "shared", "peers"));
    if (dirname(dir) === dir) return out;
  }
}

/** The path of `file` in the peers folder; throws naming where it looked. */
export function peer(file: string): string {
  const places = candidates().map((d) => join(d, file));
  const found = places.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `${file} of the real ClearML programs is not in ../shared/peers (looked at ${
        places.join(", ")
      }; set CLEARML_PEERS_DIR)`,
    );
  }
  return found;
}

/**
 * `[command, args]` that run python with the real SDK importable on `args`, under coreutils
 * `timeout -s KILL`: the SDK forks a reporter process that keeps stdout open, so spawnSync's own
 * timeout (which signals only the python it started) could leave a hung run waiting forever for
 * that pipe; `timeout` ends the whole run, and the caller sees status null / SIGKILL.
 */
export function sdkPython(args: string[], seconds = 140): [string, string[]] {
  return ["timeout", ["-s", "KILL", String(seconds), peer("clearml-sdk-python.sh"), ...args]];
}
