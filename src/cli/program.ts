import { Command, type OptionValues } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { addGlobalOptions } from "./global_options.ts";
import { versionInfo, versionLine } from "../version.ts";
import { renderData } from "./output.ts";
import { UsageError } from "../errors.ts";

/** Subcommand builders register here; each gets the context and its parent. */
export type Register = (parent: Command<[], OptionValues, OptionValues>, ctx: CliContext) => void;

/** A fresh command tree per run (tests build one per case). */
export function buildProgram(ctx: CliContext, commands: readonly Register[]) {
  const program = new Command()
    .name("clearml")
    .description(
      "Single-binary ClearML toolkit: settings resolver, doctor, agent runner and local API",
    )
    .enablePositionalOptions()
    // the first word that is not a command reaches the action, which names it
    .allowExcessArguments()
    .option("-V, --version", "print version, commit, build date, runtime and target")
    .option("--json", "with --version: print it as JSON");
  addGlobalOptions(program);
  program.action(async (opts) => {
    const [word, ...rest] = program.args;
    if (word === "help") {
      helpFor(program, rest);
      return;
    }
    if (word !== undefined) {
      const names = program.commands.map((c) => c.name());
      throw new UsageError(
        `unknown command '${word}'; the commands are ${names.join(", ")} ` +
          "(run `clearml --help` for usage)",
      );
    }
    if (opts.version) {
      const info = versionInfo();
      if (opts.json) ctx.out(await renderData(info, "json"));
      else ctx.out(versionLine(info));
      return;
    }
    program.outputHelp();
  });
  for (const register of commands) register(program, ctx);
  return program;
}

/** `clearml help [command [subcommand]]`: the help of that command, exit 0. */
function helpFor(program: Command, words: readonly string[]): void {
  // deno-lint-ignore no-explicit-any
  let cmd: Command<any, any, any> = program;
  for (const word of words) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) {
      throw new UsageError(`help: no command '${[...words].join(" ")}' (run \`clearml --help\`)`);
    }
    cmd = sub;
  }
  cmd.outputHelp();
}
