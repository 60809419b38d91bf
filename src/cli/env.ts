/** `clearml env`, `env explain`, `env check`, `env export`. */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import { renderData } from "./output.ts";
import { envList } from "./env_list.ts";
import { envCheck } from "../settings/env_check.ts";
import { type ExportFormat, renderExport } from "../settings/env_export.ts";
import { explain } from "../settings/explain.ts";
import { findVariable } from "../settings/catalogue.ts";
import { DYNAMIC_PREFIX } from "../settings/dynamic_env.ts";
import { isSecretName, maskSecret } from "../settings/mask.ts";
import { ExitStatus } from "../errors.ts";

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
      ),
  );
  env.action((opts, cmd) => envList(ctx, globalsOf(cmd), opts));

  const explainCmd = addGlobalOptions(
    new Command("explain")
      .description("what a variable (or dynamic name, or config key) does, and its value here")
      .argument("<name>", "variable name, CLEARML_AGENT__… name, or dotted config key")
      .addOption(new Option("--json", "JSON output")),
  );
  explainCmd.action(async (name, opts, cmd) => {
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
    const findings = envCheck({ env: snap.env, agentTree: agent.tree });
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
      .description("emit the effective ClearML variables for another tool")
      .addOption(
        new Option("--format <format>", "output format")
          .choices(["dotenv", "docker", "k8s", "github"] as const)
          .default("dotenv" as const),
      ),
  );
  exportCmd.action((opts, cmd) => {
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const vars: Array<[string, string]> = [];
    let masked = 0;
    for (const n of Object.keys(snap.env).sort()) {
      const v = findVariable(n);
      if (!v && !n.startsWith(DYNAMIC_PREFIX)) continue;
      let value = snap.env[n] ?? "";
      if ((v ? v.secret : isSecretName(n)) && !g.showSecrets) {
        value = maskSecret(value);
        masked++;
      }
      vars.push([n, value]);
    }
    ctx.out(renderExport(vars, opts.format as ExportFormat));
    if (masked) {
      ctx.err(`clearml: ${masked} secret value(s) masked; add --show-secrets to export them\n`);
    }
  });

  env.addCommand(explainCmd).addCommand(check).addCommand(exportCmd);
  parent.addCommand(env);
};
