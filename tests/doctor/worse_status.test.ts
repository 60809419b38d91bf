import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { worse, worstStatus } from "../../src/doctor/worse_status.ts";
import type { Status } from "../../src/doctor/types.ts";

const ALL: Status[] = ["skip", "pass", "warn", "fail", "error"];

describe("the ranking of check statuses", () => {
  it("worse() does not depend on the order: a pass beats a skip either way", () => {
    assert.equal(worse("skip", "pass"), "pass");
    assert.equal(worse("pass", "skip"), "pass");
    for (const a of ALL) for (const b of ALL) assert.equal(worse(a, b), worse(b, a));
  });

  it("worstStatus() ranks error > fail > warn > pass > skip, and is skip for nothing", () => {
    assert.equal(worstStatus([]), "skip");
    assert.equal(worstStatus(["skip", "pass", "skip"]), "pass");
    assert.equal(worstStatus(["pass", "warn", "skip"]), "warn");
    assert.equal(worstStatus(["warn", "fail", "pass"]), "fail");
    assert.equal(worstStatus(["fail", "error", "skip"]), "error");
  });
});
