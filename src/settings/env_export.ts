/** `clearml env export`: the effective ClearML variables in another tool's format. Pure. */
import YAML from "yaml";
import { dotenvValue } from "./dotenv.ts";

export type ExportFormat = "dotenv" | "docker" | "k8s" | "github";

export function renderExport(vars: ReadonlyArray<[string, string]>, format: ExportFormat): string {
  switch (format) {
    case "dotenv":
      return vars.map(([k, v]) => `${k}=${dotenvValue(v)}\n`).join("");
    case "docker":
      // docker --env-file takes the rest of the line verbatim: no quotes, no newlines
      return vars.map(([k, v]) => `${k}=${v.replaceAll("\n", "\\n")}\n`).join("");
    case "k8s":
      return YAML.stringify({ env: vars.map(([name, value]) => ({ name, value })) });
    case "github":
      return vars.map(([k, v]) => githubLine(k, v)).join("");
  }
}

function githubLine(k: string, v: string): string {
  if (!v.includes("\n")) return `${k}=${v}\n`;
  let delim = "CLEARML_EOF";
  while (v.includes(delim)) delim += "_";
  return `${k}<<${delim}\n${v}\n${delim}\n`;
}
