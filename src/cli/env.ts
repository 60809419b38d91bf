/** `clearml env`, `env explain`, `env check`, `env export`. */
import { Command, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { resolveFor, takeSnapshot } from "./snapshot.ts";
import { columns, renderData } from "./output.ts";
import { envReport } from "../settings/env_report.ts";
import { envCheck } from "../settings/env_check.ts";
import { type ExportFormat, renderExport } from "../settings/env_export.ts";
import { explain } from "../settings/explain.ts";
import { CATALOGUE } from "../settings/catalogue.ts";
import { DYNAMIC_PREFIX } from "../settings/dynamic_env.ts";
import { isSecretName, maskSecret } from "../settings/mask.ts";
import { ExitStatus } from "../errors.ts";

const STATUS_TEXT = { valid: "ok", invalid: "INVALID", unset: "unset" } as const;

function listAction(ctx: CliContext) {
  return (
    opts: { json?: boolean; yaml?: boolean; all?: boolean; for?: "sdk" | "agent" },
    cmd: Command<[], Record<string, unknown>, Record<string, unknown>>,
  ) => {
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const report = envReport(snap.env, snap.envFromFile, {
      all: opts.all,
      consumer: opts.for,
      showSecrets: g.showSecrets,
    });
    if (opts.json || opts.yaml) {
      const data = {
        schema: "clearml.env/v1",
        for: opts.for ?? "all",
        envFiles: snap.envFiles,
        variables: report.rows,
        dynamic: report.dynamic,
        unknown: report.unknown,
      };
      ctx.out(renderData(data, opts.json ? "json" : "yaml"));
      return;
    }
    if (report.rows.length === 0 && report.dynamic.length === 0 && report.unknown.length === 0) {
      ctx.out("no ClearML variable is set (use --all to list every known variable)\n");
      return;
    }
    const rows = [["NAME", "STATUS", "READ BY", "VALUE", "SOURCE"]];
    for (const r of report.rows) {
      const errs = Object.values(r.consumers).filter((c) => c.error).map((c) => c.error);
      rows.push([
        r.shownName ?? r.name,
        STATUS_TEXT[r.status],
        r.readers.join(","),
        r.value === undefined ? "" : JSON.stringify(r.value),
        r.source ?? "",
      ]);
      if (errs.length && g.verbose) rows.push(["", "", "", `  ${errs[0]}`, ""]);
    }
    for (const d of report.dynamic) {
      rows.push([d.name, "dynamic", "agent", `${d.path} = ${JSON.stringify(d.value)}`, d.source]);
    }
    for (const n of report.unknown) rows.push([n, "unknown", "-", "", "env"]);
    ctx.out(columns(rows));
    if (report.unknown.length) ctx.out("\nrun `clearml env check` about the unknown names\n");
  };
}

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
  env.action(listAction(ctx));

  const explainCmd = addGlobalOptions(
    new Command("explain")
      .description("what a variable (or dynamic name, or config key) does, and its value here")
      .argument("<name>", "variable name, CLEARML_AGENT__… name, or dotted config key")
      .addOption(new Option("--json", "JSON output")),
  );
  explainCmd.action((name, opts, cmd) => {
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
    if (opts.json) ctx.out(renderData({ schema: "clearml.env-explain/v1", ...e.data }, "json"));
    else ctx.out(e.text);
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
  check.action((opts, cmd) => {
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const agent = resolveFor(snap, "agent");
    const findings = envCheck({ env: snap.env, agentTree: agent.tree });
    const errors = findings.filter((f) => f.level === "error").length;
    const warnings = findings.filter((f) => f.level === "warning").length;
    if (opts.json) {
      ctx.out(renderData({ schema: "clearml.env-check/v1", findings, errors, warnings }, "json"));
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
    const secret = new Set<string>();
    const names = new Set<string>();
    for (const v of CATALOGUE) {
      for (const n of [v.name, ...v.aliases]) {
        names.add(n);
        if (v.secret) secret.add(n);
      }
    }
    const vars: Array<[string, string]> = [];
    let masked = 0;
    for (const n of Object.keys(snap.env).sort()) {
      if (!names.has(n) && !n.startsWith(DYNAMIC_PREFIX)) continue;
      let v = snap.env[n] ?? "";
      if (
        (secret.has(n) || (n.startsWith(DYNAMIC_PREFIX) && isSecretName(n))) &&
        !g.showSecrets
      ) {
        v = maskSecret(v);
        masked++;
      }
      vars.push([n, v]);
    }
    ctx.out(renderExport(vars, opts.format as ExportFormat));
    if (masked) {
      ctx.err(`clearml: ${masked} secret value(s) masked; add --show-secrets to export them\n`);
    }
  });

  env.addCommand(explainCmd).addCommand(check).addCommand(exportCmd);
  parent.addCommand(env);
};
