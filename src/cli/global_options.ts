import { type Command, Option, type OptionValues } from "@commander-js/extra-typings";

/** Options every command accepts, before or after the command word. */
export interface GlobalOptions {
  configFile?: string;
  envFile?: string[];
  color?: boolean;
  verbose?: boolean;
  showSecrets?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

// deno-lint-ignore no-explicit-any
export function addGlobalOptions<T extends Command<any[], OptionValues, OptionValues>>(cmd: T): T {
  cmd.addOption(
    new Option("--config-file <path>", "use only this clearml.conf (like CLEARML_CONFIG_FILE)"),
  );
  cmd.addOption(
    new Option("--env-file <path>", "layer a .env file under the real environment (repeatable)")
      .argParser(collect),
  );
  cmd.addOption(new Option("--no-color", "no colour (also NO_COLOR)"));
  cmd.addOption(new Option("-v, --verbose", "more detail"));
  cmd.addOption(new Option("--show-secrets", "print secrets instead of masking them"));
  return cmd;
}

interface Parsed {
  opts(): unknown;
  parent: Parsed | null;
}

/**
 * Global options of a command merged with those given before the command word: the nearest
 * value wins, `--env-file` lists add up (outermost first), and `--no-color` anywhere counts.
 */
export function globalsOf(cmd: Parsed): GlobalOptions {
  const chain: GlobalOptions[] = [];
  for (let c: Parsed | null = cmd; c; c = c.parent) chain.unshift(c.opts() as GlobalOptions);
  const out: GlobalOptions = {};
  for (const o of chain) {
    if (o.configFile !== undefined) out.configFile = o.configFile;
    if (o.envFile) out.envFile = [...(out.envFile ?? []), ...o.envFile];
    if (o.color === false) out.color = false;
    if (o.verbose) out.verbose = true;
    if (o.showSecrets) out.showSecrets = true;
  }
  out.color ??= true;
  return out;
}
