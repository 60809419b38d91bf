import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CATALOGUE } from "../../src/settings/catalogue.ts";
import { readVariable } from "../../src/settings/read_variable.ts";

const API_HOST = CATALOGUE.find((v) => v.name === "CLEARML_API_HOST")!;

describe("readVariable()", () => {
  it("names the variables present but empty, which count as unset (env explain shows them)", () => {
    assert.deepEqual(API_HOST.aliases, ["TRAINS_API_HOST"]);
    const both = readVariable(API_HOST, "sdk", { CLEARML_API_HOST: " ", TRAINS_API_HOST: "" });
    assert.equal(both.status, "unset");
    assert.deepEqual(both.empty, ["CLEARML_API_HOST", "TRAINS_API_HOST"]);
    const agent = readVariable(API_HOST, "agent", { CLEARML_API_HOST: "" });
    assert.equal(agent.status, "unset");
    assert.deepEqual(agent.empty, ["CLEARML_API_HOST"]);
  });

  it("reads the alias after an empty name, and keeps the empty one named", () => {
    const s = readVariable(API_HOST, "sdk", {
      CLEARML_API_HOST: "",
      TRAINS_API_HOST: "http://h:8008",
    });
    assert.equal(s.status, "set");
    assert.equal(s.name, "TRAINS_API_HOST");
    assert.deepEqual(s.empty, ["CLEARML_API_HOST"]);
  });

  it("gives each read its own list: names found empty once are not reported by later reads", () => {
    readVariable(API_HOST, "sdk", { CLEARML_API_HOST: "" });
    assert.deepEqual(readVariable(API_HOST, "sdk", {}).empty, []);
    assert.deepEqual(readVariable(API_HOST, "sdk", { CLEARML_API_HOST: "http://h" }).empty, []);
  });
});
