/**
 * Issue 8 §1: a distinct random secret through every channel (environment, `.env` file, config
 * file, dynamic names with scalar and subtree values, URL userinfo, `-e NAME=VALUE` pairs as one
 * string and as a list), then every command in every format: none may appear without
 * `--show-secrets`, and each one does appear when asked (so the test can fail).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInProcess } from "../_helpers/context.ts";

/** Letters and digits only, so no masking rule can split it; distinct per channel. */
const secret = (label: string) => `${label}${randomBytes(12).toString("hex")}`;

const S = {
  env: secret("Senv"),
  dotenv: secret("Sdotenv"),
  conf: secret("Sconf"),
  confGit: secret("Sconfgit"),
  confUrl: secret("Sconfurl"),
  confDockStr: secret("Sdockstr"),
  confDockList: secret("Sdocklist"),
  confS3: secret("Sconfs3"),
  dynScalar: secret("Sdynscalar"),
  dynTree: secret("Sdyntree"),
  dynList: secret("Sdynlist"),
  url: secret("Surl"),
  eUrl: secret("Seurl"),
  eToken: secret("Setoken"),
  eSecret: secret("Sesecret"),
  confIndex: secret("Sconfindex"),
  dotenvDynList: secret("Sdotenvdyn"),
};

let home = "";
let env: Record<string, string> = {};
const conf = () => join(home, "clearml.conf");

before(() => {
  home = mkdtempSync(join(tmpdir(), "clearml-secrets-"));
  writeFileSync(
    conf(),
    [
      "api {",
      "  api_server: http://localhost:8008",
      `  files_server: "https://files-user:${S.confUrl}@files.example.com"`,
      `  credentials { access_key: "AKPUBLIC1234", secret_key: "${S.conf}" }`,
      "}",
      `agent.git_user: gituser`,
      `agent.git_pass: "${S.confGit}"`,
      `agent.default_docker.arguments: "--ipc=host -e AWS_SECRET_ACCESS_KEY=${S.confDockStr}"`,
      `agent.extra_docker_arguments: ["-e", "MY_API_TOKEN=${S.confDockList}", "--rm"]`,
      `sdk.aws.s3.credentials: [{ bucket: "b", key: "AKS3", secret: "${S.confS3}" }]`,
      `agent.package_manager.extra_index_url: ["https://pypi-user:${S.confIndex}@pypi.example.com/simple"]`,
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(home, "vars.env"),
    `CLEARML_AGENT_GIT_PASS=${S.dotenv}\n` +
      `CLEARML_AGENT__AGENT__DEFAULT_DOCKER__ARGUMENTS='["-e", "GIT_TOKEN=${S.dotenvDynList}"]'\n`,
  );
  env = {
    HOME: home,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    CLEARML_API_SECRET_KEY: S.env,
    CLEARML_AGENT__AGENT__GIT_PASS: S.dynScalar,
    CLEARML_AGENT__API__CREDENTIALS: `{access_key: "AKDYN", secret_key: "${S.dynTree}"}`,
    CLEARML_AGENT__SDK__AWS__S3__CREDENTIALS:
      `[{bucket: "b2", key: "AKDYN2", secret: "${S.dynList}"}]`,
    CLEARML_API_HOST: `https://user:${S.url}@api.example.com`,
    CLEARML_AGENT_EXTRA_DOCKER_ARGS: `-e URL=https://u:${S.eUrl}@host.example.com/x ` +
      `-e MY_TOKEN=${S.eToken} -e CLEARML_API_SECRET_KEY=${S.eSecret}`,
  };
});
after(() => rmSync(home, { recursive: true, force: true }));

const ENV_FILE = () => ["--env-file", join(home, "vars.env")];

/** Every command line, each in every output format it has. */
function commands(): string[][] {
  const lines: string[][] = [
    ["env"],
    ["env", "--all"],
    ["env", "--json", "--all"],
    ["env", "--yaml", "--all"],
    ["env", "--for", "agent", "--json"],
    ["env", "check"],
    ["env", "check", "--json"],
  ];
  for (const f of ["dotenv", "docker", "k8s", "github"]) {
    lines.push(["env", "export", "--format", f]);
  }
  for (
    const name of [
      "CLEARML_API_SECRET_KEY",
      "CLEARML_AGENT_GIT_PASS",
      "CLEARML_API_HOST",
      "CLEARML_AGENT_EXTRA_DOCKER_ARGS",
      "CLEARML_AGENT__API__CREDENTIALS",
      "CLEARML_AGENT__SDK__AWS__S3__CREDENTIALS",
      "CLEARML_AGENT__AGENT__GIT_PASS",
      "CLEARML_AGENT__AGENT__DEFAULT_DOCKER__ARGUMENTS",
      "api.credentials.secret_key",
      "api.files_server",
      "agent.default_docker.arguments",
    ]
  ) {
    lines.push(["env", "explain", name], ["env", "explain", name, "--json"]);
  }
  for (const consumer of ["sdk", "agent"]) {
    for (
      const f of [[], ["--hocon"], ["--json"], ["--yaml"], ["--origin"], ["--json", "--origin"]]
    ) {
      lines.push(["config", "show", "--for", consumer, ...f]);
    }
    for (
      const key of [
        "api",
        "api.credentials",
        "api.credentials.secret_key",
        "api.files_server",
        "agent",
        "agent.git_pass",
        "agent.default_docker",
        "agent.default_docker.arguments",
        "agent.extra_docker_arguments",
        "agent.package_manager.extra_index_url",
        "sdk.aws.s3",
      ]
    ) {
      for (const f of [[], ["--json"], ["--yaml"], ["--origin"]]) {
        lines.push(["config", "get", key, "--for", consumer, ...f]);
      }
    }
  }
  for (const f of [[], ["--json"], ["--yaml"]]) {
    lines.push(["config", "parse", conf(), ...f], ["config", "files", ...f]);
  }
  lines.push(
    ["doctor", "--offline"],
    ["doctor", "--offline", "-v"],
    ["doctor", "--offline", "--json"],
    ["doctor", "--offline", "--report"],
    ["doctor", "--offline", "--report", "--redact-hosts"],
  );
  return lines.map((l) => [...ENV_FILE(), ...l]);
}

interface Output {
  argv: string[];
  text: string;
}

async function runAll(extra: string[]): Promise<Output[]> {
  const out: Output[] = [];
  for (const argv of commands()) {
    const full = [...argv, ...extra];
    const r = await runInProcess(full, { env, cwd: home, home });
    out.push({ argv: full, text: `${r.out}\n${r.err}` });
  }
  return out;
}

describe("no secret in any output (issue 8 §1)", () => {
  it(
    "every secret appears somewhere when --show-secrets asks for it",
    { timeout: 600_000 },
    async () => {
      const all = (await runAll(["--show-secrets"])).map((o) => o.text).join("\n");
      const missing = Object.entries(S).filter(([, s]) => !all.includes(s)).map(([k]) => k);
      assert.deepEqual(missing, []);
    },
  );

  it(
    "no secret appears in any output of any command without --show-secrets",
    { timeout: 600_000 },
    async () => {
      const leaks: string[] = [];
      for (const o of await runAll([])) {
        for (const [label, s] of Object.entries(S)) {
          if (o.text.includes(s)) leaks.push(`${label} in: clearml ${o.argv.join(" ")}`);
        }
      }
      assert.deepEqual(leaks, []);
    },
  );
});
