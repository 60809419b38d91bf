/**
 * Rewrite the variable reference in README.md from the catalogue, between
 * `<!-- BEGIN VARIABLES -->` and `<!-- END VARIABLES -->`; everything else is kept.
 *
 *   bun scripts/gen-docs.ts            # update README.md
 *   deno run -A scripts/gen-docs.ts --check   # exit 1 when README.md is stale
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  BEGIN_MARKER,
  END_MARKER,
  extractReference,
  referenceBlock,
  spliceReference,
} from "../src/settings/render_reference.ts";

const readmePath = fileURLToPath(new URL("../README.md", import.meta.url).href);
const check = process.argv.includes("--check");

const readme = existsSync(readmePath)
  ? readFileSync(readmePath, "utf8")
  : `# clearml\n\n${BEGIN_MARKER}\n${END_MARKER}\n`;

if (check) {
  if (extractReference(readme) !== referenceBlock()) {
    process.stderr.write(
      "README.md: the variable reference is stale; run `bun scripts/gen-docs.ts`\n",
    );
    process.exitCode = 1;
  }
} else {
  const updated = spliceReference(readme);
  if (updated !== readme || !existsSync(readmePath)) {
    writeFileSync(readmePath, updated);
    process.stderr.write("README.md: variable reference updated\n");
  }
}
