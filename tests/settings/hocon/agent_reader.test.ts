/**
 * parseHocon() against the HOCON reader bundled in clearml-agent 1.9.2, on every position an
 * optional substitution can take (tests/fixtures/agent_config/hocon_cases.json, recorded by
 * scripts/gen-agent-config-fixtures).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HoconError, parseHocon } from "../../../src/settings/hocon/parse.ts";
import { type Plain, toPlain } from "../../../src/settings/tree.ts";

interface Case {
  name: string;
  text: string;
  env?: Record<string, string>;
}
type Expected = { expect: Plain } | { error: string };

function fixture<T>(name: string): T {
  const url = new URL(`../../fixtures/agent_config/${name}`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url.href), "utf8")) as T;
}

const cases = fixture<Case[]>("hocon_cases.json");
const expected = fixture<Record<string, Expected>>("hocon_expected.json");

describe("parseHocon() reads optional substitutions as the agent's reader does", () => {
  it("has a recorded answer for every case", () => {
    assert.ok(cases.length >= 25, `only ${cases.length} cases`);
    for (const c of cases) assert.ok(expected[c.name], `no recorded answer for "${c.name}"`);
  });

  for (const c of cases) {
    const want = expected[c.name]!;
    if ("error" in want) {
      it(`stops on "${c.name}" as the real reader does (${want.error.split(":")[0]})`, () => {
        assert.throws(() => parseHocon(c.text, { env: c.env ?? {}, file: "t.conf" }), HoconError);
      });
    } else {
      it(`reads "${c.name}" as the real reader does`, () => {
        assert.deepEqual(toPlain(parseHocon(c.text, { env: c.env ?? {} })), want.expect);
      });
    }
  }
});
