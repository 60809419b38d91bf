/**
 * The README's variable reference, rendered from the catalogue (pure). `scripts/gen-docs.ts`
 * writes it between the markers; a test fails when README.md is stale.
 */
import type { Plain } from "./tree.ts";
import type { Category, ConsumerRule, Variable } from "./variable.ts";
import { CATALOGUE } from "./catalogue.ts";

export const BEGIN_MARKER = "<!-- BEGIN VARIABLES -->";
export const END_MARKER = "<!-- END VARIABLES -->";

// deno fmt would re-align the tables and make the README differ from the renderer's output.
const FMT_OFF = "<!-- deno-fmt-ignore-start -->";
const FMT_ON = "<!-- deno-fmt-ignore-end -->";

const CATEGORY_TITLES: ReadonlyArray<readonly [Category, string]> = [
  ["connection", "Connection and credentials"],
  ["config", "Configuration files"],
  ["task", "Tasks and workers"],
  ["vcs", "Repository detection (SDK)"],
  ["docker", "Docker"],
  ["gpu", "GPU and CUDA"],
  ["git", "Git"],
  ["python", "Python environment"],
  ["fs", "Files and directories"],
  ["logging", "Logging and diagnostics"],
  ["k8s", "Kubernetes"],
  ["storage", "Storage"],
  ["internal", "Internal and server"],
];

/** URLs, variable names (`CLEARML_X`, `CLEARML_*`) and config keys (`api.api_server`) become code. */
const CODE_TOKEN =
  /https?:\/\/[^\s,;)]*[^\s,;).]|\b[A-Z][A-Z0-9]*_[A-Z0-9_]*\**|(?<![\w/.:-])(?:api|sdk|agent|logging)\.[A-Za-z0-9_.]*[A-Za-z0-9_]/g;

function escapeCode(code: string): string {
  return code.replaceAll("|", "\\|");
}

function escapePlain(text: string): string {
  return text.replace(/[\\*_[\]|~]/g, (c) => "\\" + c).replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  );
}

/** Markdown for free text: existing `code` spans kept, names and keys put in code, the rest escaped. */
export function markdownText(text: string): string {
  return text.split(/(`[^`]*`)/).map((part, i) => {
    if (i % 2 === 1) return escapeCode(part);
    let out = "";
    let last = 0;
    for (const m of part.matchAll(CODE_TOKEN)) {
      out += escapePlain(part.slice(last, m.index)) + "`" + escapeCode(m[0]) + "`";
      last = m.index + m[0].length;
    }
    return out + escapePlain(part.slice(last));
  }).join("");
}

function code(s: string): string {
  return "`" + escapeCode(s) + "`";
}

function formatPlain(value: Plain): string {
  return typeof value === "string" && value !== "" ? code(value) : code(JSON.stringify(value));
}

/** One cell for the two consumers: shown once when equal, else per consumer. */
function perConsumer(v: Variable, pick: (r: ConsumerRule) => string | undefined): string {
  const sdk = v.sdk ? pick(v.sdk) : undefined;
  const agent = v.agent ? pick(v.agent) : undefined;
  if (sdk === undefined) return agent ?? "";
  if (agent === undefined || agent === sdk) return sdk;
  return `SDK: ${sdk}; agent: ${agent}`;
}

function row(v: Variable): string {
  const names = code(v.name) + (v.aliases.length ? ` (${v.aliases.map(code).join(", ")})` : "");
  const cells = [
    names,
    v.type,
    v.readers.length ? v.readers.join(", ") : "none",
    perConsumer(v, (r) => r.default === undefined ? undefined : formatPlain(r.default)),
    perConsumer(v, (r) => r.key === undefined ? undefined : code(r.key)),
    v.secret ? "yes" : "",
    markdownText(v.description),
  ];
  return `| ${cells.join(" | ")} |`;
}

function notes(v: Variable): string[] {
  const out = (v.notes ?? []).map((n) => `- ${code(v.name)}: ${markdownText(n)}`);
  if (v.sdk?.note) out.push(`- ${code(v.name)} (SDK): ${markdownText(v.sdk.note)}`);
  if (v.agent?.note) out.push(`- ${code(v.name)} (agent): ${markdownText(v.agent.note)}`);
  return out;
}

/** The Markdown between the README markers (without the markers). */
export function renderVariableReference(): string {
  const names = CATALOGUE.reduce((n, v) => n + 1 + v.aliases.length, 0);
  const lines: string[] = [
    FMT_OFF,
    "",
    "<!-- Generated from src/settings/catalogue.ts by scripts/gen-docs.ts: edit the catalogue, not this section. -->",
    "",
    `${CATALOGUE.length} variables (${names} names with their legacy aliases). ` +
    "Names are listed in priority order: the first one set to a non-empty value wins. " +
    "*Read by* says which program reads the variable (`sdk` = the ClearML Python SDK, " +
    "`agent` = clearml-agent, `k8s-glue` = its Kubernetes glue, `server` = clearml-server); " +
    "*Config key* is the `clearml.conf` key the variable overrides or competes with. " +
    "`clearml env explain NAME` shows all of this for one variable, with its current value.",
    "",
  ];
  for (const [category, title] of CATEGORY_TITLES) {
    const vars = CATALOGUE.filter((v) => v.category === category)
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    if (vars.length === 0) continue;
    lines.push(`### ${title}`, "");
    lines.push("| Name (aliases) | Type | Read by | Default | Config key | Secret | Description |");
    lines.push("|---|---|---|---|---|---|---|");
    for (const v of vars) lines.push(row(v));
    const n = vars.flatMap(notes);
    if (n.length) lines.push("", "Notes:", "", ...n);
    lines.push("");
  }
  lines.push(FMT_ON);
  return lines.join("\n") + "\n";
}

/** The whole block, markers included, as it must appear in README.md. */
export function referenceBlock(): string {
  return `${BEGIN_MARKER}\n${renderVariableReference()}${END_MARKER}`;
}

/** The block currently in `readme` (markers included), or undefined when the markers are missing. */
export function extractReference(readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER, begin);
  if (begin < 0 || end < 0) return undefined;
  return readme.slice(begin, end + END_MARKER.length);
}

/** `readme` with a fresh block between the markers (appended when the markers are missing). */
export function spliceReference(readme: string): string {
  const current = extractReference(readme);
  if (current === undefined) {
    return `${readme}${readme.endsWith("\n") || readme === "" ? "" : "\n"}\n${referenceBlock()}\n`;
  }
  const begin = readme.indexOf(BEGIN_MARKER);
  return readme.slice(0, begin) + referenceBlock() + readme.slice(begin + current.length);
}
