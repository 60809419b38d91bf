/** `clearml env` (the list): kept free of commander so that the fast path can run it. */
import type { CliContext } from "./context.ts";
import type { GlobalOptions } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { columns, renderData } from "./output.ts";
import { envReport } from "../settings/env_report.ts";
import { writeJsonDocument } from "../settings/write_json.ts";

export interface EnvListOptions {
  json?: boolean;
  yaml?: boolean;
  all?: boolean;
  for?: "sdk" | "agent";
}

const STATUS_TEXT = { valid: "ok", invalid: "INVALID", unset: "unset" } as const;

export async function envList(
  ctx: CliContext,
  g: GlobalOptions,
  opts: EnvListOptions,
): Promise<void> {
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
    // JSON in pieces: long values are not copied into one string of the whole document
    if (opts.json) writeJsonDocument(data, ctx.out);
    else ctx.out(await renderData(data, "yaml"));
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
}
