/**
 * `env check` does work proportional to the names it is given (issue 9 §1): counted, not timed.
 * Each unknown CLEARML_* name is held against the catalogue (fixed size) and never against the
 * other names, so 10× the names is 10× the distance cells and 10× the reads of the environment.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { didYouMeanWork } from "../../src/settings/did_you_mean.ts";
import { envCheck } from "../../src/settings/env_check.ts";
import { knownNames } from "../../src/settings/catalogue.ts";

/** `n` unknown names of one length, so that each costs the same against the catalogue. */
function unknownNames(n: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < n; i++) env[`CLEARML_API_HOST${String(i).padStart(4, "0")}`] = "x";
  return env;
}

/** The environment behind a proxy that counts every read, key listing and lookup. */
function counted(env: Record<string, string>): { env: Record<string, string>; ops: () => number } {
  let ops = 0;
  const proxy = new Proxy(env, {
    get: (t, k, r) => (ops++, Reflect.get(t, k, r)),
    has: (t, k) => (ops++, Reflect.has(t, k)),
    ownKeys: (t) => (ops++, Reflect.ownKeys(t)),
    getOwnPropertyDescriptor: (t, k) => (ops++, Reflect.getOwnPropertyDescriptor(t, k)),
  });
  return { env: proxy, ops: () => ops };
}

function work(n: number) {
  const { env, ops } = counted(unknownNames(n));
  const before = { ...didYouMeanWork };
  const findings = envCheck({ env });
  return {
    unknown: findings.filter((f) => f.code === "unknown-name").length,
    lookups: didYouMeanWork.lookups - before.lookups,
    candidates: didYouMeanWork.candidates - before.candidates,
    cells: didYouMeanWork.cells - before.cells,
    envOps: ops(),
  };
}

describe("env check: work grows linearly with the number of names", () => {
  it("1,000 vs 10,000 unknown names: one lookup each, ≤ 12× the comparisons, cells and reads", () => {
    const small = work(1000);
    // held against the catalogue only, never against the other names in the environment
    assert.ok(
      small.candidates <= small.lookups * knownNames().length,
      `${small.candidates} comparisons for ${small.lookups} names`,
    );
    const large = work(10000);
    assert.equal(small.unknown, 1000);
    assert.equal(large.unknown, 10000);
    // each unknown name is looked up once, not once per other name
    assert.equal(small.lookups, 1000);
    assert.equal(large.lookups, 10000);
    assert.ok(small.cells > 0 && small.candidates > 0, "the counters count");
    for (const k of ["candidates", "cells", "envOps"] as const) {
      const growth = large[k] / small[k];
      assert.ok(growth <= 12, `${k}: ${small[k]} → ${large[k]} (${growth.toFixed(2)}×)`);
    }
  });
});
