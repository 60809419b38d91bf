/** `clearml config show` and `config get`: free of commander so that the fast path can run them. */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { renderData } from "./output.ts";
import { type ConfNode, formatOrigin, leaves, type ObjectNode, toPlain } from "../settings/tree.ts";
import { renderHocon } from "../settings/render_hocon.ts";
import { maskText, maskTree } from "../settings/mask.ts";
import { lookup, type Resolution } from "../settings/resolve.ts";
import { ConfigError, ExitStatus, UsageError } from "../errors.ts";

export interface ShowOptions {
  for: "sdk" | "agent";
  json?: boolean;
  yaml?: boolean;
  hocon?: boolean;
  origin?: boolean;
}

/**
 * Stop when the consumer itself would stop loading (parse error, fatal variable); a value that
 * stops it only where it is used (running a task) is printed as a finding instead.
 */
export function failOnFatal(r: Resolution, ctx?: CliContext): void {
  const stops = r.fatal.filter((d) => d.stops !== "use");
  for (const d of r.fatal) {
    if (d.stops === "use") {
      ctx?.err(
        `clearml: warning: ${maskText(d.message)} (running a task stops on it; shown anyway)\n`,
      );
    }
  }
  if (stops.length === 0) return;
  const lines = stops.map((d) => `  ${maskText(d.message)}`).join("\n");
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
  for (const d of r.diagnostics) ctx.err(`clearml: ${d.level}: ${maskText(d.message)}\n`);
}

export async function configShow(
  ctx: CliContext,
  g: GlobalOptions,
  opts: ShowOptions,
): Promise<void> {
  const r = await resolveAsStarted(takeSnapshot(ctx, g), opts.for);
  failOnFatal(r, ctx);
  warn(ctx, r);
  const tree: ObjectNode = g.showSecrets ? r.tree : maskTree(r.tree) as ObjectNode;
  if (opts.json || opts.yaml) {
    const data: Record<string, unknown> = {
      schema: "clearml.config/v1",
      consumer: r.consumer,
      config: toPlain(tree),
    };
    if (opts.origin) data.origins = originMap(tree);
    ctx.out(await renderData(data, opts.json ? "json" : "yaml"));
    return;
  }
  ctx.out(renderHocon(tree, { origins: Boolean(opts.origin) }));
}

export async function configGet(
  ctx: CliContext,
  g: GlobalOptions,
  key: string,
  opts: Omit<ShowOptions, "hocon">,
): Promise<void> {
  if (key.trim() === "") {
    throw new UsageError("config get: expected a dotted key such as api.api_server, got ''");
  }
  const r = await resolveAsStarted(takeSnapshot(ctx, g), opts.for);
  failOnFatal(r, ctx);
  warn(ctx, r);
  const found = lookup(r, key);
  if (!found) {
    if (opts.json || opts.yaml) {
      const data = { schema: "clearml.config-get/v1", consumer: r.consumer, key, found: false };
      ctx.out(await renderData(data, opts.json ? "json" : "yaml"));
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
    ctx.out(await renderData(data, opts.json ? "json" : "yaml"));
    return;
  }
  const v = toPlain(node);
  const text = typeof v === "string" ? v : JSON.stringify(v);
  ctx.out(opts.origin ? `${text}  # ${formatOrigin(node.origin)}\n` : `${text}\n`);
}
