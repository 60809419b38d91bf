/** `bun build --target=bun` of src/main.ts, as the tests that read or run the bundle make it. */
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./cli.ts";

// Under Deno, the bun that scripts/test puts on PATH does the bundling.
export const BUN = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
  ? process.execPath
  : "bun";

/** Bundle src/main.ts with `args` (the output flags among them); fails the test on an error. */
export function bundleMain(args: readonly string[]): void {
  const b = spawnSync(BUN, ["build", "--target=bun", ...args, join(ROOT, "src", "main.ts")], {
    encoding: "utf8",
  });
  assert.equal(b.status, 0, b.stderr);
}
