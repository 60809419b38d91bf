/** `clearml config show` and `config get`: free of commander so that the fast path can run them. */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveAsStarted } from "./resolve_for.ts";
import { writeData } from "./output.ts";
import { type ConfNode, formatOrigin, leaves, type ObjectNode, toPlain } from "../settings/tree.ts";
import { writeHocon } from "../settings/render_hocon.ts";
import { maskText, maskTree, maskWalk } from "../settings/mask.ts";
import { type Diagnostic, lookup, type Resolution } from "../settings/resolve.ts";
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
  // plain loops in this file: see fast_path.ts
  const lines: string[] = [];
  for (const d of r.fatal) {
    if (d.stops === "use") {
      ctx?.err(
        `clearml: warning: ${maskText(d.message)} (running a task stops on it; shown anyway)\n`,
      );
    } else lines.push(`  ${maskText(d.message)}`);
  }
  if (lines.length === 0) return;
  throw new ConfigError(
    `the ${r.consumer === "sdk" ? "SDK" : "agent"} would stop on this configuration:\n${
      lines.join("\n")
    }`,
  );
}

function originMap(tree: ConfNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, node] of leaves(tree)) out[path.join(".")] = formatOrigin(node.origin);
  return out;
}

function warn(ctx: CliContext, r: Resolution, except?: Diagnostic): void {
  const messages = new Set<string>();
  for (const d of r.diagnostics) {
    if (d !== except) messages.add(`${d.level}: ${maskText(d.message)}`);
  }
  for (const message of messages) {
    ctx.err(`clearml: ${message}
`);
  }
}

/**
 * Keys the consumer cannot compute (the SDK raises when it needs them, e.g. a web host that
 * cannot be derived): the printout shows the rest, and the command exits 3.
 */
function unusable(r: Resolution): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of r.diagnostics) if (d.level === "error" && d.stops === "use") out.push(d);
  return out;
}

function keysOf(d: Diagnostic): string[] {
  return d.keys ?? [d.subject];
}

export async function configShow(
  ctx: CliContext,
  g: GlobalOptions,
  opts: ShowOptions,
): Promise<void> {
  const r = await resolveAsStarted(takeSnapshot(ctx, g), opts.for);
  failOnFatal(r, ctx);
  warn(ctx, r);
  if (!opts.json && !opts.yaml) {
    // masked as it is written (no masked copy of the tree)
    const parts: string[] = [];
    const mask = g.showSecrets ? undefined : maskWalk();
    writeHocon(r.tree, (s) => void parts.push(s), { origins: Boolean(opts.origin), mask });
    ctx.out(parts.join(""));
  } else {
    const tree: ObjectNode = g.showSecrets ? r.tree : maskTree(r.tree) as ObjectNode;
    const data: Record<string, unknown> = {
      schema: "clearml.config/v1",
      consumer: r.consumer,
      config: toPlain(tree),
    };
    if (opts.origin) data.origins = originMap(tree);
    await writeData(data, opts.json ? "json" : "yaml", ctx.out);
  }
  if (unusable(r).length > 0) throw new ExitStatus(3);
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
  const found = lookup(r, key);
  // The consumer stops when it needs this key: that error is the answer (exit 3).
  const stop = found
    ? undefined
    : unusable(r).find((d) => keysOf(d).some((k) => k === key || k.startsWith(`${key}.`)));
  warn(ctx, r, stop);
  if (stop) throw new ConfigError(stop.message);
  if (!found) {
    if (opts.json || opts.yaml) {
      const data = { schema: "clearml.config-get/v1", consumer: r.consumer, key, found: false };
      await writeData(data, opts.json ? "json" : "yaml", ctx.out);
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
    await writeData(data, opts.json ? "json" : "yaml", ctx.out);
    return;
  }
  const v = toPlain(node);
  const text = typeof v === "string" ? v : JSON.stringify(v);
  ctx.out(opts.origin ? `${text}  # ${formatOrigin(node.origin)}\n` : `${text}\n`);
}
