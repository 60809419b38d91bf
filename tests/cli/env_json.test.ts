import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runInProcess } from "../_helpers/context.ts";

describe("env subcommands print JSON with --json after the subcommand", () => {
  it("env check --json prints clearml.env-check/v1", async () => {
    const r = await runInProcess(["env", "check", "--json"], { env: { CLEARML_API_HOTS: "x" } });
    const data = JSON.parse(r.out);
    assert.equal(data.schema, "clearml.env-check/v1");
    assert.equal(data.findings[0].code, "unknown-name");
    assert.equal(r.code, 0);
  });

  it("env explain NAME --json prints clearml.env-explain/v1", async () => {
    const r = await runInProcess(["env", "explain", "CLEARML_API_HOTS", "--json"]);
    const data = JSON.parse(r.out);
    assert.equal(data.schema, "clearml.env-explain/v1");
    assert.equal(data.didYouMean[0], "CLEARML_API_HOST");
    assert.equal(r.code, 1);
  });
});
