import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatOrigin, originText } from "../../src/settings/tree.ts";
import { settingAt } from "../../src/doctor/setting_at.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

describe("originText()", () => {
  it("originText() says where a value came from, and `not set` for no value, as settingAt() does", () => {
    const origin = { kind: "env", name: "CLEARML_DOCKER_IMAGE" } as const;
    assert.equal(originText(origin), formatOrigin(origin));
    assert.equal(originText(undefined), "not set");
    const input = doctorInput();
    assert.equal(settingAt(input.agent, "agent.no_such_key").from, originText(undefined));
  });
});
