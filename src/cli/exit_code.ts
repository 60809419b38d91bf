import type { CliContext } from "./context.ts";
import { ClearmlError, ExitStatus } from "../errors.ts";

/** The exit code for an error thrown by a command, after printing its message. */
export function exitCodeFor(e: unknown, ctx: CliContext, verbose: boolean): number {
  if (e instanceof ExitStatus) return e.exitCode;
  if (e instanceof ClearmlError) {
    ctx.err(`clearml: error: ${e.message}\n`);
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  ctx.err(`clearml: internal error: ${msg}\n`);
  if (verbose && e instanceof Error && e.stack) ctx.err(e.stack + "\n");
  else ctx.err("(run with -v for details, and please report it)\n");
  return 4;
}
