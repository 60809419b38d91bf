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

  it("env --json --all prints JSON.stringify's text of its data, long values and secrets masked", async () => {
    const long = `-e A_TOKEN=t ${"x".repeat(100_000)} "q" \\ é`;
    const r = await runInProcess(["env", "--json", "--all"], {
      env: {
        CLEARML_WORKER_NAME: long,
        CLEARML_AGENT_EXTRA_DOCKER_ARGS: long,
        CLEARML_NO_SUCH: "1",
      },
    });
    const data = JSON.parse(r.out);
    assert.equal(r.out, JSON.stringify(data, null, 2) + "\n");
    const worker = data.variables.find((v: { name: string }) => v.name === "CLEARML_WORKER_NAME");
    assert.equal(worker.value, long.replace("A_TOKEN=t", "A_TOKEN=********"));
    assert.equal(worker.consumers.agent.value, worker.value);
    assert.deepEqual(data.unknown, ["CLEARML_NO_SUCH"]);
    assert.doesNotMatch(r.out, /A_TOKEN=t/);
  });
});
