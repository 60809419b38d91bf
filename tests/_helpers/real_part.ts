/**
 * Tests that need a real part of the machine (a program, an interpreter). Under CI=true or
 * CLEARML_IT=1 the part is required: the test runs and fails with the reason when it is
 * missing. Elsewhere a missing part skips the test, with the reason.
 */
import assert from "node:assert/strict";
import { it } from "node:test";

export const PARTS_REQUIRED = process.env.CI === "true" || process.env.CLEARML_IT === "1";

/**
 * The gate of a describe block whose tests all need real parts: true under CI=true or
 * CLEARML_IT=1; elsewhere false, after a skipped test that names the parts (`if
 * (!realPartsEnabled("git")) return;`).
 */
export function realPartsEnabled(parts: string): boolean {
  if (PARTS_REQUIRED) return true;
  it.skip(`needs CI=true or CLEARML_IT=1 (${parts})`, () => {});
  return false;
}

/** Test options: skipped only when the part is missing and not required. */
export function needs(part: string, present: boolean): { skip?: string } {
  return present || PARTS_REQUIRED ? {} : { skip: `${part} is not on this machine` };
}

/** Fail, saying what is missing and where it comes from, when the part is absent. */
export function requirePart(part: string, present: boolean, install: string): void {
  if (!present) assert.fail(`${part} is missing (${install}); CI=true or CLEARML_IT=1 require it`);
}

/**
 * Bun does not count a `describe` skipped with `{ skip }` (its summary shows nothing), Deno does:
 * a test skipped for the same reason makes the skip show on both runners.
 */
export function showSkip(what: string, reason: string | false | undefined): void {
  if (reason) it(`skips ${what}: ${reason}`, { skip: reason }, () => {});
}
