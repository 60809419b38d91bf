/** `clearml config show|get|files|parse`. */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { consumerOption } from "./consumer_option.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import { columns, renderData } from "./output.ts";
import { maskDocument, maskText } from "../settings/mask.ts";
import { configParse } from "./config_parse.ts";
import { ExitStatus } from "../errors.ts";

export const registerConfig: Register = (parent, ctx) => {
  const config = new Command("config").description(
    "the effective clearml.conf configuration, as the SDK or the agent sees it",
  ).enablePositionalOptions();
  addGlobalOptions(config);

  const show = addGlobalOptions(
    new Command("show")
      .description("the effective configuration tree (secrets masked)")
      .addOption(consumerOption())
      .addOption(new Option("--hocon", "clearml.conf syntax (the default text form)"))
      .addOption(new Option("--origin", "say where each value came from"))
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  // loaded on use, as the fast path does: config_show.ts then stands in a chunk of its own, one
  // module fewer for the fast path's `config show` to load
  show.action(async (opts, cmd) =>
    (await import("./config_show.ts")).configShow(ctx, globalsOf(cmd), opts)
  );

  const get = addGlobalOptions(
    new Command("get")
      .description("one value by its dotted key, e.g. api.api_server")
      .argument("<key>", "dotted key")
      .addOption(consumerOption())
      .addOption(new Option("--origin", "say where the value came from"))
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  get.action(async (key, opts, cmd) =>
    (await import("./config_show.ts")).configGet(ctx, globalsOf(cmd), key, opts)
  );

  const files = addGlobalOptions(
    new Command("files")
      .description("the configuration files searched, found and parsed")
      .addOption(consumerOption())
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  files.action(async (opts, cmd) => {
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const r = resolveFor(snap, opts.for);
    if (opts.json || opts.yaml) {
      const data = {
        schema: "clearml.config-files/v1",
        consumer: r.consumer,
        env: r.envName,
        envFiles: snap.envFiles,
        files: r.files,
      };
      ctx.out(
        await renderData(g.showSecrets ? data : maskDocument(data), opts.json ? "json" : "yaml"),
      );
    } else {
      const rows = r.files.map((
        f,
      ) => [f.status, f.path, f.reason + (f.key ? ` → ${f.key}` : "")]);
      ctx.out(rows.length ? columns(rows) : "no configuration file is searched\n");
      for (const f of r.files) if (f.error) ctx.out(`  ${maskText(f.error)}\n`);
      for (const f of snap.envFiles) ctx.out(`env-file ${f}\n`);
    }
    // a file that does not parse stops the consumer: a configuration error
    if (r.files.some((f) => f.status === "error" || f.status === "unreadable")) {
      throw new ExitStatus(3);
    }
  });

  const parse = addGlobalOptions(
    new Command("parse")
      .description("the tree of one file, nothing merged (validates a clearml.conf)")
      .argument("<file>", "path of a HOCON file")
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  parse.action((file, opts, cmd) => configParse(ctx, globalsOf(cmd), file, opts));

  config.addCommand(show).addCommand(get).addCommand(files).addCommand(parse);
  parent.addCommand(config);
};
