import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { envReport } from "../../src/settings/env_report.ts";
import { CATALOGUE } from "../../src/settings/catalogue.ts";
import { maskEnvValue, maskPlain } from "../../src/settings/mask.ts";

describe("envReport()", () => {
  const env = {
    PATH: "/usr/bin",
    TRAINS_API_HOST: "http://t:8008",
    CLEARML_API_SECRET_KEY: "s3cr3t",
    CLEARML_AGENT__AGENT__GIT_USER: "me",
    CLEARML_AGENT__SDK__X: "{ token: abc }",
    CLEARML_NO_SUCH_THING: "1",
    TRAINS_ALSO_UNKNOWN: "2",
    CLEAMRL_TYPO: "3",
  };

  it("lists the set variables (an alias counts), the dynamic ones sorted, and unknown names", () => {
    const r = envReport(env, new Map([["CLEARML_API_SECRET_KEY", "/x/.env"]]));
    const rows = new Map(r.rows.map((row) => [row.name, row]));
    assert.equal(rows.get("CLEARML_API_HOST")?.shownName, "TRAINS_API_HOST");
    assert.equal(rows.get("CLEARML_API_SECRET_KEY")?.value, "********");
    assert.equal(rows.get("CLEARML_API_SECRET_KEY")?.source, "/x/.env");
    assert.ok(!rows.has("CLEARML_WORKER_NAME"), "an unset variable is not listed");
    assert.deepEqual(r.dynamic.map((d) => [d.name, d.path]), [
      ["CLEARML_AGENT__AGENT__GIT_USER", "agent.git_user"],
      ["CLEARML_AGENT__SDK__X", "sdk.x"],
    ]);
    assert.doesNotMatch(r.dynamic[1]!.value, /abc/);
    assert.deepEqual(r.unknown, ["CLEAMRL_TYPO", "CLEARML_NO_SUCH_THING", "TRAINS_ALSO_UNKNOWN"]);
  });

  it("lists every variable with all, and none of the dynamic ones for the SDK", () => {
    const all = envReport(env, new Map(), { all: true });
    assert.ok(all.rows.some((row) => row.name === "CLEARML_WORKER_NAME"));
    assert.deepEqual(envReport(env, new Map(), { consumer: "sdk" }).dynamic, []);
  });

  it("shows each reader's value masked, the stripped one and the one read as it is", () => {
    const r = envReport({
      CLEARML_WORKER_NAME: "  w MY_TOKEN=abc  ",
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: "-e A_TOKEN=t --rm ",
    }, new Map());
    const row = r.rows.find((x) => x.name === "CLEARML_WORKER_NAME")!;
    assert.equal(row.value, "  w MY_TOKEN=********  ");
    assert.equal(row.consumers.sdk?.value, "w MY_TOKEN=********");
    assert.equal(row.consumers.agent?.value, "w MY_TOKEN=********");
    const args = r.rows.find((x) => x.name === "CLEARML_AGENT_EXTRA_DOCKER_ARGS")!;
    assert.equal(args.value, "-e A_TOKEN=******** --rm ");
    assert.deepEqual(args.consumers.agent?.value, ["-e", "A_TOKEN=********", "--rm"]);
  });

  it("masks a catalogue variable's value as its readers' (the row's value is shared with them)", () => {
    const values = ["", "x", "https://u:p@h/x", "-e A_TOKEN=v", '{"secret": "s"}'];
    for (const name of CATALOGUE.flatMap((v) => [v.name, ...v.aliases])) {
      for (const value of values) {
        assert.equal(maskEnvValue(name, value), maskPlain(value, [name]), `${name}=${value}`);
      }
    }
  });
});
