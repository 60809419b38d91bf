/**
 * `config parse --json` of a file holding long strings writes them in pieces (output.ts
 * `writeData`), and the text is still exactly `JSON.stringify(data, null, 2)` and a newline.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInProcess } from "../_helpers/context.ts";
import { maskedPlain, type PlainSeen } from "../../src/settings/mask.ts";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { LONG_STRING } from "../../src/settings/write_json.ts";

/** Characters JSON escapes, quotes and backslashes among them, and a pair on each block edge. */
function longValue(blocks: number): string {
  let s = "";
  for (let k = 0; s.length < blocks * LONG_STRING; k++) s += `line ${k}\t"quoted" \\ é ✓\n`;
  // a surrogate pair whose high half ends a 64K block, and one starting the next
  const edge = LONG_STRING - 1;
  return s.slice(0, edge) + "😀😀" + s.slice(edge + 4);
}

let home = "";
const value = longValue(3);
before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-long-json-"));
  writeFileSync(
    join(home, "long.conf"),
    `sdk.long: ${JSON.stringify(value)}\n` +
      `agent.args: ["-e", ${JSON.stringify(`X=${value}`)}, "-e", "A_TOKEN=t1"]\n` +
      "api.credentials.secret_key: s3cr3t\napi.n: 1\n",
  );
});
after(() => rmSync(home, { recursive: true, force: true }));

describe("config parse --json with long strings", () => {
  it("prints JSON.stringify's text of what it holds, long values whole", async () => {
    const r = await runInProcess(["config", "parse", join(home, "long.conf"), "--json"], {
      env: { HOME: home },
      cwd: home,
      home,
    });
    assert.equal(r.code, 0, r.err);
    const data = JSON.parse(r.out);
    assert.equal(r.out, JSON.stringify(data, null, 2) + "\n");
    assert.equal(data.config.sdk.long, value);
    assert.deepEqual(data.config.agent.args, ["-e", `X=${value}`, "-e", "A_TOKEN=********"]);
    assert.equal(data.config.api.credentials.secret_key, "********");
  });

  it("maskedPlain() tells a long string in a value or an argv from none", () => {
    const seen = (text: string) => {
      const s: PlainSeen = { longString: false };
      maskedPlain(parseHocon(text), {}, s);
      return s.longString;
    };
    const long = "x".repeat(LONG_STRING);
    assert.equal(seen(`a: ${long}`), true);
    assert.equal(seen(`a: ["-e", "X=${long}"]`), true);
    assert.equal(seen(`a: [{ b: "${long}" }]`), true);
    assert.equal(seen(`a: ${long.slice(1)}\nb: [${long.slice(1)}]`), false);
  });
});
