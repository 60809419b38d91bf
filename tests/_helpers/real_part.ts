/**
 * Tests that need a real part of the machine (a program, an interpreter). Under CI=true or
 * CLEARML_IT=1 the part is required: the test runs and fails with the reason when it is
 * missing. Elsewhere a missing part skips the test, with the reason.
 */
import assert from "node:assert/strict";

export const PARTS_REQUIRED = process.env.CI === "true" || process.env.CLEARML_IT === "1";

/** Test options: skipped only when the part is missing and not required. */
export function needs(part: string, present: boolean): { skip?: string } {
  return present || PARTS_REQUIRED ? {} : { skip: `${part} is not on this machine` };
}

/** Fail, saying what is missing and where it comes from, when the part is absent. */
export function requirePart(part: string, present: boolean, install: string): void {
  if (!present) assert.fail(`${part} is missing (${install}); CI=true or CLEARML_IT=1 require it`);
}
