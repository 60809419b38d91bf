/**
 * Issue 9 §1: masking is linear. 10 MB values (one long token, and long runs of every character
 * class the scanners look at) through every command that prints values, in every format. A
 * quadratic scanner takes minutes on these (a 400 KB value took 30 s before): the test timeout
 * catches it. Speed itself is measured in scripts/bench/mask_linear.ts, not here.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInProcess } from "../_helpers/context.ts";
import { mixedRuns, repeatTo, RUN_UNITS } from "../_helpers/long_values.ts";
import { maskEnvValue, maskText, maskUrlPassword } from "../../src/settings/mask.ts";

const MB10 = 10_000_000;

describe("the text masker on 10 MB runs of every character class", () => {
  for (const unit of RUN_UNITS) {
    it(`masks a run of ${JSON.stringify(unit)}`, { timeout: 120_000 }, () => {
      const text = repeatTo(unit, MB10);
      // every output is a function of the input: lengths are checked, not times
      assert.ok(maskUrlPassword(text).length > 0);
      assert.ok(maskText(text).length > 0);
      assert.ok(maskText(text, { configText: true }).length > 0);
      assert.ok(maskEnvValue("CLEARML_AGENT__SDK__X", `[${JSON.stringify(text)}]`).length > 0);
    });
  }
});

describe("every command with 10 MB values", () => {
  let home = "";
  let env: Record<string, string> = {};
  const token = repeatTo("A", MB10);
  const mixed = mixedRuns(MB10);
  before(() => {
    home = mkdtempSync(join(tmpdir(), "clearml-long-"));
    writeFileSync(
      join(home, "clearml.conf"),
      `sdk.long: ${JSON.stringify(token)}\n` +
        `agent.default_docker.arguments: ${JSON.stringify(mixed)}\n`,
    );
    env = {
      HOME: home,
      CLEARML_WORKER_NAME: token,
      CLEARML_AGENT_EXTRA_DOCKER_ARGS: mixed,
      CLEARML_AGENT__SDK__LONG2: JSON.stringify(mixed),
    };
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const conf = () => join(home, "clearml.conf");
  // CONF: the clearml.conf written above
  const lines: Array<[string[], number]> = [
    [["env"], 0],
    [["env", "--json", "--all"], 0],
    [["env", "--yaml", "--all"], 0],
    [["env", "check", "--json"], 1],
    [["env", "explain", "CLEARML_WORKER_NAME"], 0],
    [["env", "export"], 0],
    [["env", "export", "--format", "docker"], 0],
    [["env", "export", "--format", "k8s"], 0],
    [["env", "export", "--format", "github"], 0],
    [["config", "show", "--for", "agent"], 0],
    [["config", "show", "--json"], 0],
    [["config", "show", "--yaml", "--for", "agent"], 0],
    [["config", "show", "--origin"], 0],
    [["config", "get", "sdk.long"], 0],
    [["config", "get", "agent.default_docker.arguments", "--for", "agent", "--json"], 0],
    [["config", "get", "sdk.long", "--yaml"], 0],
    [["config", "parse", "CONF"], 0],
    [["config", "parse", "CONF", "--json"], 0],
    [["config", "parse", "CONF", "--yaml"], 0],
    [["doctor", "--offline"], 1],
    [["doctor", "--offline", "--json"], 1],
    [["doctor", "--offline", "--report", "--redact-hosts"], 1],
  ];
  for (const [words, code] of lines) {
    it(`clearml ${words.join(" ")}`, { timeout: 120_000 }, async () => {
      const argv = words.map((w) => (w === "CONF" ? conf() : w));
      const r = await runInProcess(argv, { env, cwd: home, home });
      assert.equal(r.code, code, r.err.slice(0, 2000));
      // the long values went through: the output holds at least one of them
      assert.ok(r.out.length > MB10 / 2, `${r.out.length} characters`);
    });
  }
});
