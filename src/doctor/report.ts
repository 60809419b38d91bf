/** The doctor's report: counts, exit code, and its three renderings (text, JSON, Markdown). */
import type { CategoryName, CheckReport, Status } from "./types.ts";
import { maskText } from "../settings/mask.ts";
import { redactHosts } from "./redact_hosts.ts";

export interface DoctorReport {
  schema: "clearml.doctor/v1";
  version: string;
  platform: string;
  mode: "online" | "offline";
  configFiles: string[];
  durationMs: number;
  summary: Record<Status, number>;
  exitCode: number;
  checks: CheckReport[];
}

export const CATEGORY_TITLES: Record<CategoryName, string> = {
  env: "Environment",
  config: "Configuration",
  server: "Server",
  docker: "Docker",
  gpu: "GPU / CUDA",
  git: "Git",
  python: "Python",
  fs: "Disks and folders",
  agent: "Agent",
};

export function summarize(checks: readonly CheckReport[]): Record<Status, number> {
  const s: Record<Status, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const c of checks) s[c.status]++;
  return s;
}

/** 0 nothing failed; 1 a check failed or crashed, or warned with --strict. */
export function exitCodeOf(checks: readonly CheckReport[], strict: boolean): number {
  const s = summarize(checks);
  if (s.fail > 0 || s.error > 0) return 1;
  if (strict && s.warn > 0) return 1;
  return 0;
}

const GLYPHS: Record<Status, [string, string]> = {
  pass: ["✓", "ok"],
  warn: ["!", "!!"],
  fail: ["✗", "XX"],
  skip: ["–", "--"],
  error: ["☠", "EE"],
};
const COLORS: Record<Status, "green" | "yellow" | "red" | "gray" | "magenta"> = {
  pass: "green",
  warn: "yellow",
  fail: "red",
  skip: "gray",
  error: "magenta",
};

/** `FAIL: `, `warn: `… that a check puts before each of several findings. */
const LEVEL_PREFIX = /^(?:FAIL|fail|warn|WARN|ok|error|ERROR|skip): /;
/** ` (+2 more)` that a summary adds after its first finding. */
const MORE_SUFFIX = / \(\+\d+ more\)$/;

/**
 * The detail lines worth printing under a check: each once, and not the line that the summary
 * already says (with or without its `FAIL: ` prefix or ` (+N more)` suffix).
 */
export function shownDetails(c: CheckReport): string[] {
  const summary = c.summary.replace(MORE_SUFFIX, "").trim();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of c.details ?? []) {
    const bare = line.replace(LEVEL_PREFIX, "").trim();
    if (bare === summary || seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  return out;
}

/** Fix commands, each once (a check with three failing hosts suggests the same command thrice). */
function fixCommands(c: CheckReport): string[] {
  return [...new Set(c.fix?.commands ?? [])];
}

export interface TextOptions {
  color: boolean;
  utf8: boolean;
  verbose: boolean;
}

export function renderText(r: DoctorReport, o: TextOptions): string {
  const paint = (s: Status, text: string) =>
    o.color
      // node:util on first use: the other commands must not pay for loading it.
      ? process.getBuiltinModule("node:util").styleText(COLORS[s], text, { validateStream: false })
      : text;
  const lines: string[] = [];
  lines.push(
    `ClearML doctor ${r.version} (${r.platform})   config: ${r.configFiles.join(", ") || "none"}` +
      `   mode: ${r.mode}`,
  );
  const width = Math.max(...r.checks.map((c) => c.id.length), 10);
  for (const cat of Object.keys(CATEGORY_TITLES) as CategoryName[]) {
    const mine = r.checks.filter((c) => c.category === cat);
    if (mine.length === 0) continue;
    lines.push("", CATEGORY_TITLES[cat]);
    for (const c of mine) {
      const glyph = GLYPHS[c.status][o.utf8 ? 0 : 1];
      const time = o.verbose ? `  (${c.durationMs} ms)` : "";
      lines.push(` ${paint(c.status, glyph)} ${c.id.padEnd(width)}  ${c.summary}${time}`);
      const showDetails = o.verbose || (c.status !== "pass" && c.status !== "skip");
      const pad = " ".repeat(width + 5);
      if (showDetails) { for (const d of shownDetails(c)) lines.push(`${pad}${d}`); }
      if (c.fix && c.status !== "pass") {
        if (c.fix.text) lines.push(`${pad}fix: ${c.fix.text}`);
        for (const cmd of fixCommands(c)) lines.push(`${pad}  $ ${cmd}`);
        for (const d of c.fix.docs ?? []) lines.push(`${pad}  see ${d}`);
      }
    }
  }
  const s = r.summary;
  lines.push(
    "",
    `Summary: ${s.pass} passed · ${s.warn} warning${
      s.warn === 1 ? "" : "s"
    } · ${s.fail} failed · ` +
      `${s.skip} skipped${s.error ? ` · ${s.error} errored` : ""}   (${
        (r.durationMs / 1000).toFixed(2)
      } s)`,
  );
  if (s.fail || s.warn || s.error) {
    lines.push("Run `clearml doctor --report` to share a redacted copy.");
  }
  return lines.join("\n") + "\n";
}

export interface MarkdownOptions {
  /** `--redact-hosts`: these host names and addresses (see `knownHosts`) are replaced. */
  redactHosts: boolean;
  hosts?: readonly string[];
  /** `--show-secrets`: the report must not claim to be redacted. */
  secretsShown?: boolean;
}

export function renderMarkdown(r: DoctorReport, opts: MarkdownOptions): string {
  const rows = r.checks.map((c) =>
    `| ${c.status} | \`${c.id}\` | ${c.summary.replaceAll("|", "\\|").replaceAll("\n", " ")} |`
  );
  const details = r.checks.filter((c) =>
    c.status !== "pass" && (shownDetails(c).length || c.fix?.text || fixCommands(c).length)
  )
    .map((c) =>
      [
        `### ${c.id} (${c.status})`,
        "",
        "```",
        ...shownDetails(c),
        ...(c.fix?.text ? [`fix: ${c.fix.text}`] : []),
        ...fixCommands(c).map((x) => `$ ${x}`),
        "```",
      ].join("\n")
    );
  const s = r.summary;
  let md = [
    `## clearml doctor report`,
    "",
    `- clearml ${r.version}, ${r.platform}, mode ${r.mode}`,
    `- config files: ${r.configFiles.join(", ") || "none"}`,
    `- summary: ${s.pass} passed, ${s.warn} warnings, ${s.fail} failed, ${s.skip} skipped, ${s.error} errored`,
    "",
    "| status | check | summary |",
    "|---|---|---|",
    ...rows,
    "",
    ...details,
    "",
    opts.secretsShown
      ? "_Secrets are NOT removed from this report (--show-secrets): do not share it as is._"
      : "_Secrets are removed from this report" +
        (opts.redactHosts ? "; host names and IP addresses too._" : "._"),
    "",
  ].join("\n");
  if (!opts.secretsShown) md = maskText(md);
  return opts.redactHosts ? redactHosts(md, opts.hosts ?? []) : md;
}
