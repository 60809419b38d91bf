/**
 * Issue 8 §4: every machine-readable flag reaches its subcommand, and with `--json` stdout is one
 * JSON document even when the command fails (schema, error, exit code).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInProcess } from "../_helpers/context.ts";
import { buildProgram } from "../../src/cli/program.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import type { CliContext } from "../../src/cli/context.ts";

let home = "";
before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-json-"));
  writeFileSync(join(home, "clearml.conf"), "api.api_server: http://localhost:8008\n");
  writeFileSync(join(home, "broken.conf"), 'api {\n  api_server: "x"\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

const cli = (argv: string[], env: Record<string, string> = {}) =>
  runInProcess(argv, { env: { HOME: home, ...env }, cwd: home, home });

/** Arguments a subcommand needs; a subcommand missing here runs with none. */
const ARGS: Record<string, string[]> = {
  "env explain": ["CLEARML_API_HOST"],
  "config get": ["api.api_server"],
  "config parse": ["clearml.conf"],
  doctor: ["--offline", "--check", "env"],
};

/** The commands with an action in the command groups that exist here (doctor, env, config) and the root. */
function commandLines(): string[][] {
  const ctx = { env: {}, cwd: "/", home: "/", out() {}, err() {}, stdoutIsTTY: false };
  const program = buildProgram(ctx as CliContext, COMMANDS);
  const out: string[][] = [];
  // deno-lint-ignore no-explicit-any
  const walk = (cmd: any, path: string[]) => {
    // a group that only holds subcommands (`config`) has nothing to print
    if (cmd.commands.length === 0 || cmd._actionHandler) out.push(path);
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  for (const group of program.commands) {
    if (["doctor", "env", "config"].includes(group.name())) walk(group, [group.name()]);
  }
  return out;
}

describe("--json on every subcommand (issue 8 §4)", () => {
  for (const path of commandLines()) {
    const key = path.join(" ");
    it(`${key} --json prints one JSON document on stdout`, { timeout: 120_000 }, async () => {
      const r = await cli([...path, ...(ARGS[key] ?? []), "--json"]);
      const doc = JSON.parse(r.out);
      assert.equal(typeof doc.schema, "string", r.out);
      if (key === "env export") {
        assert.equal(doc.schema, "clearml.error/v1");
        assert.equal(r.code, 2);
        assert.match(doc.error, /--format/);
      } else {
        assert.notEqual(doc.schema, "clearml.error/v1", r.out + r.err);
      }
    });
  }

  it("env check --json is check's flag, not the listing's", async () => {
    const r = await cli(["env", "check", "--json"], { CLEARML_NO_SUCH: "1" });
    const doc = JSON.parse(r.out);
    assert.equal(doc.schema, "clearml.env-check/v1");
    assert.equal(doc.findings[0].subject, "CLEARML_NO_SUCH");
  });

  it("env explain NAME --json prints the explanation as JSON", async () => {
    const doc = JSON.parse((await cli(["env", "explain", "CLEARML_API_HOST", "--json"])).out);
    assert.equal(doc.schema, "clearml.env-explain/v1");
    assert.equal(doc.name, "CLEARML_API_HOST");
  });
});

describe("errors under --json (issue 8 §4)", () => {
  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    [
      "config parse of a broken file",
      ["config", "parse", "broken.conf", "--json"],
      {},
      3,
      /broken\.conf:3/,
    ],
    [
      "config show on a broken file",
      ["config", "show", "--json"],
      { CLEARML_CONFIG_FILE: "broken.conf" },
      3,
      /would stop/,
    ],
    ["an unknown option", ["env", "--json", "--bogus"], {}, 2, /unknown option '--bogus'/],
    ["config get ''", ["config", "get", "", "--json"], {}, 2, /expected a dotted key/],
  ];
  for (const [name, argv, env, code, message] of cases) {
    it(`${name}: a clearml.error/v1 document, exit ${code}`, async () => {
      const file = env.CLEARML_CONFIG_FILE;
      const r = await cli(argv, file ? { CLEARML_CONFIG_FILE: join(home, file) } : {});
      assert.equal(r.code, code, r.err);
      const doc = JSON.parse(r.out);
      assert.deepEqual(Object.keys(doc), ["schema", "error", "exitCode"]);
      assert.equal(doc.schema, "clearml.error/v1");
      assert.equal(doc.exitCode, code);
      assert.match(doc.error, message);
      assert.match(r.err, /^clearml: error: /m);
    });
  }
});

describe("command line errors (issue 8 §4)", () => {
  it("clearml nosuchcmd: unknown command, exit 2", async () => {
    const r = await cli(["nosuchcmd"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^clearml: error: unknown command 'nosuchcmd'/);
    assert.doesNotMatch(r.err, /too many arguments/);
  });

  it("clearml help: the help, exit 0; help env: env's help", async () => {
    const r = await cli(["help"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Usage: clearml/);
    const env = await cli(["help", "env"]);
    assert.equal(env.code, 0);
    assert.match(env.out, /Usage: clearml env/);
    assert.equal((await cli(["help", "nope"])).code, 2);
  });

  it("commander's own errors carry the clearml: prefix", async () => {
    for (
      const argv of [["env", "--bogus"], ["config", "get"], ["doctor", "--timeout"], ["--bogus"]]
    ) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.err, /^clearml: error: /, argv.join(" "));
    }
  });

  it("env explain '' is a usage error with no suggestion", async () => {
    const r = await cli(["env", "explain", ""]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.out + r.err, /did you mean|\bCI\b/);
  });

  it("env explain clearml_api_host explains the variable, and says names are case-sensitive", async () => {
    const r = await cli(["env", "explain", "clearml_api_host", "--json"]);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.equal(doc.kind, "variable");
    assert.equal(doc.name, "CLEARML_API_HOST");
    const text = await cli(["env", "explain", "clearml_api_host"]);
    assert.match(text.out, /case-sensitive: the programs read CLEARML_API_HOST/);
  });

  it("config get '' exits 2", async () => {
    const r = await cli(["config", "get", ""]);
    assert.equal(r.code, 2);
    assert.match(r.err, /expected a dotted key/);
  });

  it("doctor --category env --check git.installed: nothing selected is an error, exit 2", async () => {
    const r = await cli(["doctor", "--category", "env", "--check", "git.installed"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /no check to run/);
  });

  it("doctor --redact-hosts needs --report; --report and --json conflict", async () => {
    const a = await cli(["doctor", "--offline", "--redact-hosts"]);
    assert.equal(a.code, 2);
    assert.match(a.err, /--redact-hosts only applies to --report/);
    const b = await cli(["doctor", "--offline", "--report", "--json"]);
    assert.equal(b.code, 2);
    assert.match(b.err, /choose one/);
  });

  it("config files exits 3 when a file does not parse, and lists it", async () => {
    const r = await cli(["config", "files"], { CLEARML_CONFIG_FILE: join(home, "broken.conf") });
    assert.equal(r.code, 3);
    assert.match(r.out, /error\s+.*broken\.conf/);
    const json = await cli(["config", "files", "--json"], {
      CLEARML_CONFIG_FILE: join(home, "broken.conf"),
    });
    assert.equal(json.code, 3);
    assert.equal(JSON.parse(json.out).schema, "clearml.config-files/v1");
  });
});

describe("env export exports ClearML settings only (issue 8 §4)", () => {
  const env = {
    CLEARML_WORKER_NAME: "w1",
    CLEARML_AGENT__AGENT__WORKER_ID: "w:0",
    SHELL: "/bin/bash",
    SSH_AUTH_SOCK: "/tmp/agent.sock",
    VIRTUAL_ENV: "/venv",
    CUDA_VISIBLE_DEVICES: "0",
    KUBERNETES_SERVICE_HOST: "10.0.0.1",
    CLEARML_NOT_A_THING: "x",
  };

  it("leaves out machine variables and unknown names, and says so on stderr", async () => {
    const r = await cli(["env", "export"], env);
    assert.equal(r.code, 0);
    assert.equal(r.out, "CLEARML_AGENT__AGENT__WORKER_ID=w:0\nCLEARML_WORKER_NAME=w1\n");
    assert.match(
      r.err,
      /left out CUDA_VISIBLE_DEVICES, KUBERNETES_SERVICE_HOST, SHELL, SSH_AUTH_SOCK, VIRTUAL_ENV/,
    );
    assert.match(r.err, /left out CLEARML_NOT_A_THING: no program reads/);
  });

  it("exports exactly the names asked for", async () => {
    const r = await cli(["env", "export", "SHELL", "CLEARML_WORKER_NAME", "NOPE"], env);
    assert.equal(r.out, "CLEARML_WORKER_NAME=w1\nSHELL=/bin/bash\n");
    assert.match(r.err, /not set, not exported: NOPE/);
  });
});
