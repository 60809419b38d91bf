import { CommanderError } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { buildProgram, type Register } from "./program.ts";
import { exitCodeFor } from "./exit_code.ts";
import { COMMANDS } from "./commands.ts";

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
  program.exitOverride();
  for (const sub of program.commands) exitOverrideAll(sub);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e: unknown) {
    return exitCodeOf(e, ctx, argv.includes("-v") || argv.includes("--verbose"));
  }
}

function exitOverrideAll(cmd: { exitOverride(): unknown; commands: readonly unknown[] }): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) {
    exitOverrideAll(sub as { exitOverride(): unknown; commands: readonly unknown[] });
  }
}

function exitCodeOf(e: unknown, ctx: CliContext, verbose: boolean): number {
  if (e instanceof CommanderError) {
    // help and version are not errors; commander already printed its message
    if (
      e.code === "commander.helpDisplayed" || e.code === "commander.help" ||
      e.code === "commander.version" || e.exitCode === 0
    ) return 0;
    return 2;
  }
  return exitCodeFor(e, ctx, verbose);
}
