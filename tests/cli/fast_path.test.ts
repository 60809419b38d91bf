/** The fast path must behave exactly like the commander tree for every command line it accepts. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPlainDoctor, parseFast } from "../../src/cli/fast_path.ts";
import { runFast } from "../../src/cli/run_fast.ts";
import { run } from "../../src/cli/run.ts";
import type { CliContext } from "../../src/cli/context.ts";

let home = "";
before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-fast-"));
  writeFileSync(
    join(home, "clearml.conf"),
    'api { api_server: http://h:8008\n credentials { access_key: "AK12345678", secret_key: "SK" } }\n',
  );
  writeFileSync(join(home, "a.env"), "CLEARML_WORKER_NAME=w1\n");
  writeFileSync(
    join(home, "odd.conf"),
    '"10": a\n"2": b\n"01": c\nz { "__proto__": 1, list: [], o {} }\nurl: "https://u:pw@h/x"\n' +
      'agent.extra_docker_arguments: ["-e", "MY_TOKEN=t0k", "--ipc=host"]\nn: 1e999\n',
  );
});
after(() => rmSync(home, { recursive: true, force: true }));

function ctxFor(env: Record<string, string>) {
  const rec = { out: "", err: "" };
  const ctx: CliContext = {
    env: { HOME: home, ...env },
    cwd: home,
    home,
    out: (s) => void (rec.out += s),
    err: (s) => void (rec.err += s),
    stdoutIsTTY: false,
  };
  return { ctx, rec };
}

const ACCEPTED: string[][] = [
  ["--version"],
  ["--version", "--json"],
  ["--json", "-V"],
  ["env"],
  ["env", "--json"],
  ["env", "--yaml", "--all"],
  ["env", "--for", "agent", "--json"],
  ["env", "--for=sdk"],
  ["--env-file", "a.env", "env", "--json"],
  ["env", "--env-file", "a.env", "--env-file=a.env", "--show-secrets", "--json"],
  ["config", "show"],
  ["config", "show", "--for", "agent", "--json", "--origin"],
  ["config", "show", "--yaml"],
  ["config", "show", "--hocon", "--origin", "-v"],
  ["--config-file", "clearml.conf", "config", "show", "--json"],
  ["config", "get", "api.api_server"],
  ["config", "get", "api.web_server", "--origin", "--json"],
  ["config", "get", "api.web_server", "--origin"],
  ["config", "get", "no.such.key"],
  ["config", "get", "api.credentials.secret_key", "--show-secrets"],
  ["config", "parse", "clearml.conf"],
  ["config", "parse", "odd.conf", "--json"],
  ["config", "parse", "odd.conf"],
  ["config", "parse", "odd.conf", "--yaml", "--show-secrets"],
  ["config", "parse", "--json", "no-such.conf"],
  ["--env-file", "a.env", "config", "parse", "clearml.conf", "--json", "--show-secrets"],
  ["agent", "execute", "--task-file", "no-such-task.json", "--cpu-only"],
  ["agent", "execute", "--task-file=no-such-task.json", "--gpus", "0,1"],
];
const REJECTED: string[][] = [
  [],
  ["--help"],
  ["env", "--bogus"],
  ["env", "--json", "--yaml"],
  ["env", "--for", "nobody"],
  ["env", "--for"],
  ["env", "check"],
  ["config", "show", "--all"],
  ["config", "get"],
  ["config", "get", "a", "b"],
  ["config", "files"],
  ["config", "parse"],
  ["config", "parse", "a.conf", "--for", "sdk"],
  ["config", "parse", "a.conf", "--json", "--yaml"],
  ["doctor"],
  ["--version", "env"],
  ["--json"],
  ["--json", "--json"],
  ["--version", "-V"],
  ["agent", "execute"],
  ["agent", "execute", "--task-file", "t.json", "--docker"],
  ["agent", "build", "--task-file", "t.json"],
  ["env", "--cpu-only"],
];

describe("parseFast()", () => {
  for (const argv of REJECTED) {
    it(`leaves ${JSON.stringify(argv)} to commander`, () =>
      assert.equal(parseFast(argv), undefined));
  }
  for (const argv of ACCEPTED) {
    it(`gives the same output and exit code as commander for ${JSON.stringify(argv)}`, async () => {
      const cmd = parseFast(argv);
      assert.ok(cmd, "accepted");
      const env = { CLEARML_API_SECRET_KEY: "S3CRET", CLEARML_CPU_ONLY: "1" };
      const a = ctxFor(env);
      const b = ctxFor(env);
      const fastCode = await runFast(cmd, a.ctx);
      const slowCode = await run(argv, b.ctx);
      assert.equal(fastCode, slowCode);
      assert.equal(a.rec.out, b.rec.out);
      assert.equal(a.rec.err, b.rec.err);
    });
  }

  it("fails the same way as commander on a broken file (exit 3)", async () => {
    writeFileSync(join(home, "bad.conf"), "a {");
    const argv = ["config", "show", "--config-file", join(home, "bad.conf")];
    const a = ctxFor({});
    const b = ctxFor({});
    assert.equal(await runFast(parseFast(argv)!, a.ctx), 3);
    assert.equal(await run(argv, b.ctx), 3);
    assert.equal(a.rec.err, b.rec.err);
  });
});

describe("isPlainDoctor()", () => {
  const plain = [["doctor"], ["doctor", "--offline", "--json"], ["doctor", "--strict"]];
  const other = [
    [],
    ["env"],
    ["doctor", "--check", "python"],
    ["doctor", "--timeout", "3"],
    ["doctor", "--env-file", "a.env"],
    ["--config-file", "c.conf", "doctor"],
    ["doctor", "--report"],
  ];
  for (const argv of plain) {
    it(`starts the interpreters early for ${JSON.stringify(argv)}`, () => {
      assert.equal(isPlainDoctor(argv), true);
    });
  }
  for (const argv of other) {
    it(`leaves ${JSON.stringify(argv)} to the probe alone`, () => {
      assert.equal(isPlainDoctor(argv), false);
    });
  }
});
