import type { CliContext } from "./context.ts";
import { ClearmlError, ExitStatus } from "../errors.ts";
import { maskText } from "../settings/mask.ts";

/**
 * With `--json`, a command that fails before printing its document prints this one instead,
 * so that stdout is always one JSON document.
 */
export function errorDocument(message: string, exitCode: number): string {
  return JSON.stringify({ schema: "clearml.error/v1", error: message, exitCode }, null, 2) + "\n";
}

/**
 * The exit code for an error thrown by a command, after printing its message (secrets masked:
 * messages quote values) on stderr, and with `json` its error document on stdout.
 */
export function exitCodeFor(
  e: unknown,
  ctx: CliContext,
  verbose: boolean,
  json = false,
): number {
  if (e instanceof ExitStatus) return e.exitCode;
  let message: string;
  let code: number;
  if (e instanceof ClearmlError) {
    message = maskText(e.message);
    code = e.exitCode;
    ctx.err(`clearml: error: ${message}\n`);
  } else {
    message = maskText(e instanceof Error ? e.message : String(e));
    code = 4;
    ctx.err(`clearml: internal error: ${message}\n`);
    if (verbose && e instanceof Error && e.stack) ctx.err(maskText(e.stack) + "\n");
    else ctx.err("(run with -v for details, and please report it)\n");
  }
  if (json) ctx.out(errorDocument(message, code));
  return code;
}
