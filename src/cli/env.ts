/** `clearml env`, `env explain`, `env check`, `env export`. */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import { renderData } from "./output.ts";
import { envList } from "./env_list.ts";
import { envCheck } from "../settings/env_check.ts";
import { type ExportFormat, renderExport, selectExport } from "../settings/env_export.ts";
import { explain } from "../settings/explain.ts";
import { maskText } from "../settings/mask.ts";
import { ExitStatus, UsageError } from "../errors.ts";

export const registerEnv: Register = (parent, ctx) => {
  const env = addGlobalOptions(
    new Command("env")
      .description(
        "every known ClearML variable: value (secrets masked), origin, readers, validity",
      )
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json"))
      .addOption(new Option("--all", "also list the variables that are not set"))
      .addOption(
        new Option("--for <consumer>", "only what this program reads").choices(
          ["sdk", "agent"] as const,
        ),
      )
      // `env check --json` is check's flag, not the list's
      .enablePositionalOptions(),
  );
  env.action((opts, cmd) => envList(ctx, globalsOf(cmd), opts));

  const explainCmd = addGlobalOptions(
    new Command("explain")
      .description("what a variable (or dynamic name, or config key) does, and its value here")
      .argument("<name>", "variable name, CLEARML_AGENT__… name, or dotted config key")
      .addOption(new Option("--json", "JSON output")),
  );
  explainCmd.action(async (name, opts, cmd) => {
    if (name.trim() === "") {
      throw new UsageError("env explain: expected a variable name or a dotted key, got ''");
    }
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const resolutions = {
      sdk: resolveFor(snap, "sdk"),
      agent: resolveFor(snap, "agent"),
    };
    const e = explain(name, {
      env: snap.env,
      envFromFile: snap.envFromFile,
      resolutions,
      showSecrets: Boolean(g.showSecrets),
    });
    // `env` has a --json of its own, which commander gives the flag when it follows the subcommand.
    if (opts.json || cmd.optsWithGlobals().json) {
      ctx.out(await renderData({ schema: "clearml.env-explain/v1", ...e.data }, "json"));
    } else ctx.out(e.text);
    if (!e.known) throw new ExitStatus(1);
  });

  const check = addGlobalOptions(
    new Command("check")
      .description(
        "lint the environment: invalid values, unknown names, quotes, legacy names, conflicts",
      )
      .addOption(new Option("--strict", "warnings fail too (exit 1)"))
      .addOption(new Option("--json", "JSON output")),
  );
  check.action(async (opts, cmd) => {
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const agent = resolveFor(snap, "agent");
    // messages and fixes quote values: masked like every other output
    const findings = envCheck({
      env: snap.env,
      agentTree: agent.tree,
      sdkDiagnostics: resolveFor(snap, "sdk").diagnostics,
    }).map((f) =>
      g.showSecrets ? f : {
        ...f,
        message: maskText(f.message),
        ...(f.fix === undefined ? {} : { fix: maskText(f.fix) }),
      }
    );
    const errors = findings.filter((f) => f.level === "error").length;
    const warnings = findings.filter((f) => f.level === "warning").length;
    if (opts.json || cmd.optsWithGlobals().json) {
      ctx.out(
        await renderData({ schema: "clearml.env-check/v1", findings, errors, warnings }, "json"),
      );
    } else if (findings.length === 0) {
      ctx.out("env check: no problems found\n");
    } else {
      for (const f of findings) {
        ctx.out(`${f.level.padEnd(7)} ${f.code.padEnd(20)} ${f.message}\n`);
        if (f.fix) ctx.out(`${"".padEnd(29)}fix: ${f.fix}\n`);
      }
      ctx.out(`\n${errors} error(s), ${warnings} warning(s)\n`);
    }
    if (errors > 0 || (opts.strict && warnings > 0)) throw new ExitStatus(1);
  });

  const exportCmd = addGlobalOptions(
    new Command("export")
      .description(
        "emit the ClearML variables set here for another tool (name others to add them)",
      )
      .argument("[names...]", "export only these variables (any name, e.g. SHELL)")
      .addOption(
        new Option("--format <format>", "output format")
          .choices(["dotenv", "docker", "k8s", "github"] as const)
          .default("dotenv" as const),
      )
      .addOption(new Option("--json").hideHelp())
      .addOption(new Option("--yaml").hideHelp()),
  );
  exportCmd.action((names, opts, cmd) => {
    if (opts.json || opts.yaml) {
      throw new UsageError(
        `env export writes variables, not a document: use --format dotenv|docker|k8s|github ` +
          `instead of --${opts.json ? "json" : "yaml"} (or \`clearml env --${
            opts.json ? "json" : "yaml"
          }\` for the listing)`,
      );
    }
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const sel = selectExport(snap.env, { names, showSecrets: g.showSecrets });
    ctx.out(renderExport(sel.vars, opts.format as ExportFormat));
    const say = (text: string) => ctx.err(`clearml: ${text}\n`);
    if (sel.masked) say(`${sel.masked} secret value(s) masked; add --show-secrets to export them`);
    if (sel.notClearml.length) {
      say(
        `left out ${sel.notClearml.join(", ")}: read by ClearML but not ClearML settings ` +
          `(they describe this machine); name them to export them, e.g. ` +
          `clearml env export ${sel.notClearml[0]}`,
      );
    }
    if (sel.unknown.length) {
      say(`left out ${sel.unknown.join(", ")}: no program reads them (see clearml env check)`);
    }
    if (sel.unset.length) say(`not set, not exported: ${sel.unset.join(", ")}`);
  });

  env.addCommand(explainCmd).addCommand(check).addCommand(exportCmd);
  parent.addCommand(env);
};
