/** `clearml config show|get|files|parse`. */
import { Command, Option } from "@commander-js/extra-typings";
import { dirname } from "node:path";
import type { CliContext } from "./context.ts";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { consumerOption } from "./consumer_option.ts";
import { resolveFor, takeSnapshot } from "./snapshot.ts";
import { columns, renderData } from "./output.ts";
import { type ConfNode, formatOrigin, leaves, type ObjectNode, toPlain } from "../settings/tree.ts";
import { renderHocon } from "../settings/render_hocon.ts";
import { maskTree } from "../settings/mask.ts";
import { parseHocon } from "../settings/hocon/parse.ts";
import { nodeFsView } from "../settings/node_fs_view.ts";
import { absoluteFrom } from "../settings/expand_user.ts";
import type { Resolution } from "../settings/resolve.ts";
import { lookup } from "../settings/resolve.ts";
import { ConfigError, ExitStatus, UsageError } from "../errors.ts";

/** Stop when the consumer itself would stop (parse error, fatal variable). */
export function failOnFatal(r: Resolution): void {
  if (r.fatal.length === 0) return;
  const lines = r.fatal.map((d) => `  ${d.message}`).join("\n");
  throw new ConfigError(
    `the ${r.consumer === "sdk" ? "SDK" : "agent"} would stop on this configuration:\n${lines}`,
  );
}

function originMap(tree: ConfNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, node] of leaves(tree)) out[path.join(".")] = formatOrigin(node.origin);
  return out;
}

function warn(ctx: CliContext, r: Resolution): void {
  for (const d of r.diagnostics) ctx.err(`clearml: ${d.level}: ${d.message}\n`);
}

export const registerConfig: Register = (parent, ctx) => {
  const config = new Command("config").description(
    "the effective clearml.conf configuration, as the SDK or the agent sees it",
  );
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
  show.action((opts, cmd) => {
    const g = globalsOf(cmd);
    const r = resolveFor(takeSnapshot(ctx, g), opts.for);
    failOnFatal(r);
    warn(ctx, r);
    const tree: ObjectNode = g.showSecrets ? r.tree : maskTree(r.tree) as ObjectNode;
    if (opts.json || opts.yaml) {
      const data: Record<string, unknown> = {
        schema: "clearml.config/v1",
        consumer: r.consumer,
        config: toPlain(tree),
      };
      if (opts.origin) data.origins = originMap(tree);
      ctx.out(renderData(data, opts.json ? "json" : "yaml"));
      return;
    }
    ctx.out(renderHocon(tree, { origins: Boolean(opts.origin) }));
  });

  const get = addGlobalOptions(
    new Command("get")
      .description("one value by its dotted key, e.g. api.api_server")
      .argument("<key>", "dotted key")
      .addOption(consumerOption())
      .addOption(new Option("--origin", "say where the value came from"))
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  get.action((key, opts, cmd) => {
    const g = globalsOf(cmd);
    const r = resolveFor(takeSnapshot(ctx, g), opts.for);
    failOnFatal(r);
    const found = lookup(r, key);
    if (!found) {
      if (opts.json || opts.yaml) {
        const data = { schema: "clearml.config-get/v1", consumer: r.consumer, key, found: false };
        ctx.out(renderData(data, opts.json ? "json" : "yaml"));
      } else ctx.err(`clearml: ${key} is not set for the ${r.consumer}\n`);
      throw new ExitStatus(1);
    }
    const node = g.showSecrets ? found : maskTree(found, { path: key.split(".") });
    if (opts.json || opts.yaml) {
      const data = {
        schema: "clearml.config-get/v1",
        consumer: r.consumer,
        key,
        found: true,
        value: toPlain(node),
        origin: formatOrigin(node.origin),
      };
      ctx.out(renderData(data, opts.json ? "json" : "yaml"));
      return;
    }
    const v = toPlain(node);
    const text = typeof v === "string" ? v : JSON.stringify(v);
    ctx.out(opts.origin ? `${text}  # ${formatOrigin(node.origin)}\n` : `${text}\n`);
  });

  const files = addGlobalOptions(
    new Command("files")
      .description("the configuration files searched, found and parsed")
      .addOption(consumerOption())
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  files.action((opts, cmd) => {
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
      ctx.out(renderData(data, opts.json ? "json" : "yaml"));
      return;
    }
    const rows = r.files.map((f) => [f.status, f.path, f.reason + (f.key ? ` → ${f.key}` : "")]);
    ctx.out(rows.length ? columns(rows) : "no configuration file is searched\n");
    for (const f of r.files) if (f.error) ctx.out(`  ${f.error}\n`);
    for (const f of snap.envFiles) ctx.out(`env-file ${f}\n`);
  });

  const parse = addGlobalOptions(
    new Command("parse")
      .description("the tree of one file, nothing merged (validates a clearml.conf)")
      .argument("<file>", "path of a HOCON file")
      .addOption(new Option("--json", "JSON output"))
      .addOption(new Option("--yaml", "YAML output").conflicts("json")),
  );
  parse.action((file, opts, cmd) => {
    const g = globalsOf(cmd);
    const snap = takeSnapshot(ctx, g);
    const path = absoluteFrom(file, snap.home, snap.cwd);
    const got = nodeFsView.read(path);
    if (got.kind !== "file") {
      throw new UsageError(`config parse: ${path}: ${got.kind.replaceAll("-", " ")}`);
    }
    const tree = parseHocon(got.text, {
      file: path,
      env: snap.env,
      readInclude: (inc, from) => {
        const target = absoluteFrom(inc, snap.home, dirname(from));
        const r = nodeFsView.read(target);
        return r.kind === "file" ? { file: target, text: r.text } : undefined;
      },
    });
    const shown = g.showSecrets ? tree : maskTree(tree);
    if (opts.json || opts.yaml) {
      const data = { schema: "clearml.config-parse/v1", file: path, config: toPlain(shown) };
      ctx.out(renderData(data, opts.json ? "json" : "yaml"));
      return;
    }
    ctx.out(renderHocon(shown));
  });

  config.addCommand(show).addCommand(get).addCommand(files).addCommand(parse);
  parent.addCommand(config);
};
