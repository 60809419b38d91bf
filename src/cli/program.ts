import { Command, type OptionValues } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { addGlobalOptions } from "./global_options.ts";
import { versionInfo, versionLine } from "../version.ts";
import { renderData } from "./output.ts";

/** Subcommand builders register here; each gets the context and its parent. */
export type Register = (parent: Command<[], OptionValues, OptionValues>, ctx: CliContext) => void;

const registrars: Register[] = [];

export function registerCommand(register: Register): void {
  registrars.push(register);
}

/** A fresh command tree per run (tests build one per case). */
export function buildProgram(ctx: CliContext, commands: readonly Register[]) {
  const program = new Command()
    .name("clearml")
    .description(
      "Single-binary ClearML toolkit: settings resolver, doctor, agent runner and local API",
    )
    .enablePositionalOptions()
    .option("-V, --version", "print version, commit, build date, runtime and target")
    .option("--json", "with --version: print it as JSON");
  addGlobalOptions(program);
  program.configureOutput({
    writeOut: (s) => ctx.out(s),
    writeErr: (s) => ctx.err(s),
  });
  program.exitOverride();
  program.showHelpAfterError("(run with --help for usage)");
  program.action(async (opts) => {
    if (opts.version) {
      const info = versionInfo();
      if (opts.json) ctx.out(await renderData(info, "json"));
      else ctx.out(versionLine(info));
      return;
    }
    program.outputHelp();
  });
  for (const register of [...commands, ...registrars]) register(program, ctx);
  return program;
}
