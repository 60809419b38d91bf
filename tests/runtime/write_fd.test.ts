import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const WRITE_FD = fileURLToPath(new URL("../../src/runtime/write_fd.ts", import.meta.url).href);

/** Run a program that writes through writeFd, under the runtime running this test. */
function run(body: string) {
  const program = `import { writeFd } from ${JSON.stringify(WRITE_FD)};\n${body}`;
  const deno = "Deno" in globalThis;
  const args = deno ? ["eval", "--ext=ts", program] : ["-e", program];
  return spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
}

describe("writeFd()", () => {
  it("writeFd() prints texts exactly, format sequences and all, in the order written", () => {
    const r = run(
      'writeFd(1, "a %s %d %% %o %c\\n"); writeFd(1, "no newline"); writeFd(1, "\\n\\nb\\n");' +
        'writeFd(2, "e1 %s\\n"); writeFd(2, "e2"); writeFd(1, ""); writeFd(1, "é\\u{1F600}\\n");',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "a %s %d %% %o %c\nno newline\n\nb\né\u{1F600}\n");
    assert.equal(r.stderr.replace(/Stack backtrace:[^]*$/, ""), "e1 %s\ne2");
  });
});
