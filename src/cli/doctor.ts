/** `clearml doctor`: diagnose this machine for ClearML and say how to fix what is wrong. */
import { Command, Option } from "@commander-js/extra-typings";
import type { Register } from "./program.ts";
import { addGlobalOptions, globalsOf } from "./global_options.ts";
import { takeSnapshot } from "./snapshot.ts";
import { resolveFor } from "./resolve_for.ts";
import { columns, renderData } from "./output.ts";
import { CATEGORIES } from "../doctor/categories.ts";
import { runDoctor, selectedIds } from "../doctor/run.ts";
import {
  type DoctorReport,
  exitCodeOf,
  renderMarkdown,
  renderText,
  summarize,
} from "../doctor/report.ts";
import type { DoctorInput } from "../doctor/types.ts";
import { VERSION, versionInfo } from "../version.ts";
import { ExitStatus, UsageError } from "../errors.ts";
import { offlineReason } from "../doctor/offline.ts";
import { maskDocument } from "../settings/mask.ts";
import { knownHosts } from "../doctor/redact_hosts.ts";
import { hostname } from "node:os";
import { doctorTimeoutMs } from "../doctor/timeout_option.ts";
import { DEFAULT_DOCTOR_TIMEOUT_S } from "../doctor/budget.ts";

function isUtf8(env: Readonly<Record<string, string>>): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
  return /utf-?8/i.test(loc);
}

export const registerDoctor: Register = (parent, ctx) => {
  const cmd = addGlobalOptions(
    new Command("doctor")
      .description(
        "diagnose this machine for ClearML: config, env, server, docker, GPU, git, python, disks",
      )
      .addOption(new Option("--json", "JSON report (schema clearml.doctor/v1) on stdout"))
      .addOption(new Option("--offline", "no network: server checks are skipped"))
      .addOption(new Option("--strict", "warnings fail too (exit 1)"))
      .addOption(new Option("--check <id...>", "only these checks (ids or prefixes)"))
      .addOption(new Option("--skip <id...>", "not these checks (ids or prefixes)"))
      .addOption(new Option("--category <name...>", "only these categories"))
      .addOption(new Option("--list-checks", "list the checks and exit"))
      .addOption(
        new Option("--timeout <seconds>", "budget for the whole run").default(
          String(DEFAULT_DOCTOR_TIMEOUT_S),
        ),
      )
      .addOption(new Option("--report", "a redacted Markdown report to paste into an issue"))
      .addOption(new Option("--redact-hosts", "with --report: also remove host names and IPs"))
      .addOption(new Option("--repo <url>", "show the exact URL the agent would clone"))
      .addOption(
        new Option("--probe-git", "with --repo: try `git ls-remote` with the agent's credentials"),
      )
      .addOption(new Option("--queue <name...>", "queues the agent would serve")),
  );
  cmd.action(async (opts, c) => {
    const g = globalsOf(c);
    if (opts.listChecks) {
      const rows = [["ID", "CATEGORY", "TITLE"]];
      for (const cat of CATEGORIES) {
        for (const k of cat.checks) rows.push([k.id, cat.name, k.title]);
      }
      if (opts.json) {
        ctx.out(
          await renderData({
            schema: "clearml.doctor-checks/v1",
            checks: rows.slice(1).map(([id, category, title]) => ({ id, category, title })),
          }, "json"),
        );
      } else ctx.out(columns(rows));
      return;
    }
    const timeoutMs = doctorTimeoutMs(opts.timeout);
    const known = new Set(CATEGORIES.map((x) => x.name as string));
    for (const name of opts.category ?? []) {
      if (!known.has(name)) {
        throw new UsageError(`--category ${name}: expected one of ${[...known].join(", ")}`);
      }
    }
    if (opts.redactHosts && !opts.report) {
      throw new UsageError("--redact-hosts only applies to --report (add --report)");
    }
    if (opts.report && opts.json) {
      throw new UsageError("--report prints Markdown and --json prints JSON: choose one");
    }
    const sel = { only: opts.check, skip: opts.skip, categories: opts.category };
    for (const id of [...(opts.check ?? []), ...(opts.skip ?? [])]) {
      if (selectedIds(CATEGORIES, { only: [id] }).size === 0) {
        throw new UsageError(`no check matches ${id} (see clearml doctor --list-checks)`);
      }
    }
    if (selectedIds(CATEGORIES, sel).size === 0) {
      throw new UsageError(
        `no check to run: ${
          [
            ...(opts.category ?? []).map((c) => `--category ${c}`),
            ...(opts.check ?? []).map((c) => `--check ${c}`),
            ...(opts.skip ?? []).map((c) => `--skip ${c}`),
          ].join(" ")
        } select nothing together (see clearml doctor --list-checks)`,
      );
    }
    const t0 = performance.now();
    const snap = takeSnapshot(ctx, g);
    const input: DoctorInput = {
      env: snap.env,
      envFromFile: snap.envFromFile,
      home: snap.home,
      cwd: snap.cwd,
      sdk: resolveFor(snap, "sdk"),
      agent: resolveFor(snap, "agent"),
      options: {
        offline: Boolean(opts.offline),
        timeoutMs,
        repo: opts.repo,
        probeGit: Boolean(opts.probeGit),
        queues: opts.queue ?? [],
        verbose: Boolean(g.verbose),
      },
    };
    const checks = await runDoctor(input, CATEGORIES, sel);
    const full: DoctorReport = {
      schema: "clearml.doctor/v1",
      version: VERSION,
      // the build's own target (linux-x64-musl on the musl build), baked in by scripts/build
      platform: versionInfo().target,
      // --offline, or CLEARML_OFFLINE_MODE as the SDK reads it
      mode: offlineReason(input) ? "offline" : "online",
      configFiles: input.sdk.files.filter((f) => f.status === "parsed").map((f) => f.path),
      durationMs: Math.round(performance.now() - t0),
      summary: summarize(checks),
      exitCode: exitCodeOf(checks, Boolean(opts.strict)),
      checks,
    };
    // checks mask what they know; this catches what any of them quotes (docker argument strings,
    // URLs, `NAME=VALUE` pairs) in every rendering
    const report = g.showSecrets ? full : maskDocument(full);
    if (opts.report) {
      ctx.out(renderMarkdown(report, {
        redactHosts: Boolean(opts.redactHosts),
        hosts: opts.redactHosts
          ? knownHosts({
            trees: [input.sdk.tree, input.agent.tree],
            env: input.env,
            evidence: checks.map((c) => c.evidence),
            machine: hostname(),
          })
          : [],
        secretsShown: Boolean(g.showSecrets),
      }));
    } else if (opts.json) ctx.out(await renderData(report, "json"));
    else {
      ctx.out(renderText(report, {
        color: ctx.stdoutIsTTY && g.color !== false && !("NO_COLOR" in ctx.env),
        utf8: isUtf8(ctx.env),
        verbose: Boolean(g.verbose),
      }));
    }
    if (report.exitCode !== 0) throw new ExitStatus(report.exitCode);
  });
  parent.addCommand(cmd);
};
