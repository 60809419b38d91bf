import { type Command, CommanderError } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { buildProgram, type Register } from "./program.ts";
import { errorDocument, exitCodeFor } from "./exit_code.ts";
import { COMMANDS } from "./commands.ts";
import { maskText } from "../settings/mask.ts";

/**
 * Run one command line and return its exit code. Every error becomes a message and an exit
 * code of DESIGN.md; a stack trace is printed only with -v for our own bugs.
 */
export async function run(
  argv: readonly string[],
  ctx: CliContext,
  commands: readonly Register[] = COMMANDS,
): Promise<number> {
  const program = buildProgram(ctx, commands);
  configureAll(program, ctx);
  // `--json` anywhere before `--`: every failure still prints a JSON document
  const end = argv.indexOf("--");
  const json = (end < 0 ? argv : argv.slice(0, end)).includes("--json");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e: unknown) {
    return exitCodeOf(e, ctx, argv.includes("-v") || argv.includes("--verbose"), json);
  }
}

// deno-lint-ignore no-explicit-any
type AnyCommand = Command<any, any, any>;

/**
 * Every command, not only the root: errors thrown instead of exiting, written through the
 * context with the `clearml:` prefix (masked: commander quotes the arguments), usage hint after.
 */
function configureAll(cmd: AnyCommand, ctx: CliContext): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => ctx.out(s),
    writeErr: (s) => ctx.err(maskText(s)),
    outputError: (s, write) => write(`clearml: ${s}`),
  });
  cmd.showHelpAfterError(`(run \`${commandPath(cmd)} --help\` for usage)`);
  for (const sub of cmd.commands) configureAll(sub as AnyCommand, ctx);
}

function commandPath(cmd: AnyCommand): string {
  const names: string[] = [];
  for (let c: AnyCommand | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function exitCodeOf(e: unknown, ctx: CliContext, verbose: boolean, json: boolean): number {
  if (e instanceof CommanderError) {
    // help and version are not errors; commander already printed its message
    if (
      e.code === "commander.helpDisplayed" || e.code === "commander.help" ||
      e.code === "commander.version" || e.exitCode === 0
    ) return 0;
    if (json) ctx.out(errorDocument(maskText(e.message.replace(/^error: /, "")), 2));
    return 2;
  }
  return exitCodeFor(e, ctx, verbose, json);
}
