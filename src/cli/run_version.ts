/**
 * `clearml --version` on the fast path: a module of its own, loaded by main.ts, so that printing
 * the version loads neither the commands' modules (run_fast.ts) nor the renderer (loaded for
 * `--json` only).
 */
import type { CliContext } from "./context.ts";
import { versionInfo, versionLine } from "../version.ts";

/** Print the version line, or with `json` the version record; it cannot fail: exit code 0. */
export async function runVersion(json: boolean, ctx: CliContext): Promise<number> {
  const info = versionInfo();
  ctx.out(json ? await (await import("./output.ts")).renderData(info, "json") : versionLine(info));
  return 0;
}
