import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isSecretName,
  lastFour,
  maskArgv,
  maskSecret,
  maskTree,
  maskUrlPassword,
  printoutRulesFrom,
} from "../../src/settings/mask.ts";
import { defaultsFor } from "../../src/settings/defaults/index.ts";
import type { ConfNode, Origin, Plain } from "../../src/settings/tree.ts";
import { fromPlain, getNode, mergeNodes, splitPath, toPlain } from "../../src/settings/tree.ts";

describe("isSecretName()", () => {
  const secret = [
    "CLEARML_API_SECRET_KEY",
    "TRAINS_API_SECRET_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AZURE_STORAGE_KEY",
    "CLEARML_AUTH_TOKEN",
    "CLEARML_AGENT_GIT_PASS",
    "CLEARML_JUPYTER_PASSWORD",
    "CLEARML_AGENT__AGENT__GIT_PASS",
    "OPENAI_API_KEY",
    "ssh_private_key",
    "secret_key",
    "secret",
    "git_pass",
    "password",
    "token",
    "account_key",
    "contents",
    "MySecretThing",
  ];
  const shown = [
    "CLEARML_API_ACCESS_KEY",
    "TRAINS_API_ACCESS_KEY",
    "CLEARML_AGENT__API__CREDENTIALS__ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AZURE_STORAGE_ACCOUNT",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "access_key",
    "user_key",
    "key",
    "extra_keys",
    "PWD",
    "CLEARML_API_HOST",
    "CLEARML_DOCKER_IMAGE",
    "api_server",
    "credentials_json",
  ];
  for (const name of secret) {
    it(`treats ${name} as a secret`, () => assert.equal(isSecretName(name), true));
  }
  for (const name of shown) {
    it(`does not treat ${name} as a secret`, () => assert.equal(isSecretName(name), false));
  }
});

describe("maskSecret()", () => {
  const cases: Array<[string, string]> = [
    ["s3cr3t", "********"],
    ["x", "********"],
    ["a much longer secret value than eight", "********"],
    ["", ""],
  ];
  for (const [input, expected] of cases) {
    it(`masks ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      assert.equal(maskSecret(input), expected);
    });
  }
});

describe("lastFour()", () => {
  const cases: Array<[string, string]> = [
    ["ABCDEFGHWXYZ", "…WXYZ"],
    ["12345678", "…5678"],
    ["1234567", "****"],
    ["ab", "****"],
    ["", ""],
  ];
  for (const [input, expected] of cases) {
    it(`shows ${JSON.stringify(input)} as ${JSON.stringify(expected)}`, () => {
      assert.equal(lastFour(input), expected);
    });
  }
});

describe("maskUrlPassword()", () => {
  const cases: Array<[string, string, string]> = [
    [
      "masks a user:password URL",
      "https://user:pass@host.com/x",
      "https://user:********@host.com/x",
    ],
    // T41
    [
      "keeps a token-only userinfo",
      "git+https://tok@github.com/a/b.git",
      "git+https://tok@github.com/a/b.git",
    ],
    [
      "masks a URL embedded in a longer string",
      "URL=https://user:pass@host.com/x",
      "URL=https://user:********@host.com/x",
    ],
    [
      "masks every URL of a sentence",
      "from https://a:b@x.org and http://c:d@y.org:8080/p",
      "from https://a:********@x.org and http://c:********@y.org:8080/p",
    ],
    [
      "masks a password that holds a colon",
      "https://me:pa:ss@host/",
      "https://me:********@host/",
    ],
    ["masks a password with an empty user", "https://:tok@host", "https://:********@host"],
    ["keeps a URL with a port and no userinfo", "http://host:8080/a@b", "http://host:8080/a@b"],
    ["keeps an empty password", "https://user:@host", "https://user:@host"],
    [
      "keeps an scp-style git address",
      "git@github.com:org/repo.git",
      "git@github.com:org/repo.git",
    ],
    ["keeps a string without URL", "plain text", "plain text"],
    [
      "masks an extra index URL with a scheme that has a plus",
      "git+ssh://u:p@h/r.git",
      "git+ssh://u:********@h/r.git",
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name}`, () => assert.equal(maskUrlPassword(input), expected));
  }
});

/** E08 task args (agent-exec §2.13), with CLEARML_AGENT_DOCKER_ARGS_HIDE_ENV="MYSECRET OTHER". */
const E08_IN = [
  "docker",
  "run",
  "-t",
  "--gpus",
  "all",
  "-e",
  "CLEARML_API_SECRET_KEY=xyz",
  "-e",
  "MYSECRET=abc",
  "--env",
  "URL=https://user:pass@host.com/x",
  "-e",
  "AWS_SECRET_ACCESS_KEY=aws",
  "--env=OTHER=zzz",
  "-e",
  "PLAIN=1",
  "-l",
  "clearml-worker-id=host:0",
  "-e",
  "CLEARML_WORKER_ID=host:0",
  "-e",
  "CLEARML_DOCKER_IMAGE=python:3.10-bullseye",
  "-e",
  "CLEARML_CONFIG_FILE=/tmp/clearml.conf",
  "-v",
  "/tmp/.clearml_agent.XXXXXXXX.cfg:/tmp/clearml.conf",
  "--rm",
  "python:3.10-bullseye",
  "bash",
  "-c",
  "cp /tmp/clearml.conf ~/default_clearml.conf ; $LOCAL_PYTHON -u -m clearml_agent execute --id a1b2c3d4e5f6",
];
const E08_EXTRA = ["MYSECRET", "OTHER"];
const E08_OUT = E08_IN.map((token) =>
  ({
    "CLEARML_API_SECRET_KEY=xyz": "CLEARML_API_SECRET_KEY=********",
    "MYSECRET=abc": "MYSECRET=********",
    "URL=https://user:pass@host.com/x": "URL=https://user:********@host.com/x",
    "AWS_SECRET_ACCESS_KEY=aws": "AWS_SECRET_ACCESS_KEY=********",
  } as Record<string, string>)[token] ?? token
);

describe("maskArgv()", () => {
  it("reproduces the agent's printed E08 command in agent-compatible mode", () => {
    assert.deepEqual(maskArgv(E08_IN, E08_EXTRA, { agentCompat: true }), E08_OUT);
  });

  // clearml_agent/helper/docker_args.py:72-99
  it("leaves --env=OTHER=zzz unmasked in agent-compatible mode", () => {
    const out = maskArgv(E08_IN, E08_EXTRA, { agentCompat: true });
    assert.ok(out.includes("--env=OTHER=zzz"));
    assert.ok(out.includes("URL=https://user:********@host.com/x"));
  });

  it("masks the one-token --env=OTHER=zzz by default, unlike the agent", () => {
    const out = maskArgv(E08_IN, E08_EXTRA);
    assert.ok(out.includes("--env=OTHER=********"));
    assert.ok(!out.includes("--env=OTHER=zzz"));
  });

  it("does not modify the argv it is given", () => {
    const copy = [...E08_IN];
    maskArgv(E08_IN, E08_EXTRA);
    assert.deepEqual(E08_IN, copy);
  });

  const cases: Array<[string, string[], string[], string[]]> = [
    [
      "masks a secret-like name without an extra list",
      ["-e", "MY_DB_PASSWORD=hunter2"],
      [],
      ["-e", "MY_DB_PASSWORD=********"],
    ],
    [
      "keeps the access key visible",
      ["-e", "CLEARML_API_ACCESS_KEY=AK123"],
      [],
      ["-e", "CLEARML_API_ACCESS_KEY=AK123"],
    ],
    [
      "masks a name from the extra list",
      ["--env", "DB_URL=postgres://x"],
      ["DB_URL"],
      ["--env", "DB_URL=********"],
    ],
    [
      "masks the attached short form -eNAME=VALUE",
      ["-eCLEARML_AUTH_TOKEN=abc"],
      [],
      ["-eCLEARML_AUTH_TOKEN=********"],
    ],
    [
      "leaves -e NAME without a value alone",
      ["-e", "CLEARML_API_SECRET_KEY", "img"],
      [],
      ["-e", "CLEARML_API_SECRET_KEY", "img"],
    ],
    [
      "masks secrets inside CLEARML_DOCKER_IMAGE recursively",
      ["-e", "CLEARML_DOCKER_IMAGE=img:1 -e  GIT_TOKEN=t --ipc=host"],
      [],
      ["-e", "CLEARML_DOCKER_IMAGE=img:1 -e GIT_TOKEN=******** --ipc=host"],
    ],
    [
      "masks URL passwords in any token",
      ["bash", "-c", "git clone https://u:p@git.example.com/r.git"],
      [],
      ["bash", "-c", "git clone https://u:********@git.example.com/r.git"],
    ],
    [
      "masks a URL password in a pip -e requirement that is not an env pair",
      ["pip", "install", "-e", "git+https://u:p@h/r.git#egg=r"],
      [],
      ["pip", "install", "-e", "git+https://u:********@h/r.git#egg=r"],
    ],
    [
      "keeps a token-only URL in a value (T41)",
      ["-e", "REPO=git+https://tok@github.com/a/b.git"],
      [],
      ["-e", "REPO=git+https://tok@github.com/a/b.git"],
    ],
  ];
  for (const [name, input, extra, expected] of cases) {
    it(name, () => assert.deepEqual(maskArgv(input, extra), expected));
  }

  it("keeps URL passwords when parseEmbeddedUrls is off", () => {
    const argv = ["--env", "URL=https://user:pass@host.com/x"];
    assert.deepEqual(maskArgv(argv, [], { parseEmbeddedUrls: false }), argv);
  });

  it("only hides the agent's fixed names in agent-compatible mode", () => {
    assert.deepEqual(
      maskArgv(["-e", "MY_DB_PASSWORD=x", "-e", "AZURE_STORAGE_KEY=k"], [], { agentCompat: true }),
      ["-e", "MY_DB_PASSWORD=x", "-e", "AZURE_STORAGE_KEY=********"],
    );
  });
});

const FILE: Origin = { kind: "file", file: "/home/u/clearml.conf", line: 3, col: 5 };

function masked(plain: Plain): Plain {
  return toPlain(maskTree(fromPlain(plain, FILE)));
}

function maskedAt(plain: Plain, key: string): Plain | undefined {
  const node = getNode(maskTree(fromPlain(plain, FILE)), splitPath(key));
  return node ? toPlain(node) : undefined;
}

describe("maskTree()", () => {
  const conf: Plain = {
    api: {
      api_server: "https://api.example.com",
      credentials: { access_key: "AKEXAMPLE", secret_key: "SKEXAMPLE" },
    },
    sdk: {
      aws: {
        s3: {
          key: "AWSKEYID",
          secret: "AWSSECRET",
          credentials: [{ bucket: "b", key: "k2", secret: "s2", secure: true }],
        },
      },
      azure: { storage: { containers: [{ account_name: "acc", account_key: "AZK" }] } },
    },
    agent: {
      git_user: "me",
      git_pass: "ghp_token",
      enable_git_ask_pass: true,
      package_manager: {
        extra_index_url: ["https://u:pw@pypi.example.com/simple", "https://tok@x/simple"],
      },
      extra_docker_arguments: ["-e", "DB_PASSWORD=pw", "--ipc=host"],
      default_docker: { image: "img", arguments: "-e GIT_TOKEN=t --ipc=host" },
      cuda_version: 118,
    },
    environment: { PLAIN: "1", NUM: 7, EMPTY: "" },
    files: { cfg: { path: "~/x.json", contents: '{"k": 1}' } },
  };

  const cases: Array<[string, Plain]> = [
    ["api.api_server", "https://api.example.com"],
    ["api.credentials.access_key", "AKEXAMPLE"],
    ["api.credentials.secret_key", "********"],
    ["sdk.aws.s3.key", "AWSKEYID"],
    ["sdk.aws.s3.secret", "********"],
    ["sdk.aws.s3.credentials", [{ bucket: "b", key: "k2", secret: "********", secure: true }]],
    ["sdk.azure.storage.containers", [{ account_name: "acc", account_key: "********" }]],
    ["agent.git_user", "me"],
    ["agent.git_pass", "********"],
    ["agent.enable_git_ask_pass", true],
    [
      "agent.package_manager.extra_index_url",
      ["https://u:********@pypi.example.com/simple", "https://tok@x/simple"],
    ],
    ["agent.extra_docker_arguments", ["-e", "DB_PASSWORD=********", "--ipc=host"]],
    ["agent.default_docker.arguments", "-e GIT_TOKEN=******** --ipc=host"],
    ["agent.default_docker.image", "img"],
    ["agent.cuda_version", 118],
    ["environment", { PLAIN: "********", NUM: "********", EMPTY: "" }],
    ["files.cfg.path", "~/x.json"],
    ["files.cfg.contents", "********"],
  ];
  for (const [key, expected] of cases) {
    it(`shows ${key} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(maskedAt(conf, key), expected);
    });
  }

  it("keeps the origin of a masked leaf", () => {
    const node = getNode(maskTree(fromPlain(conf, FILE)), ["api", "credentials", "secret_key"]);
    assert.deepEqual(node, { type: "scalar", value: "********", origin: FILE });
  });

  it("keeps each origin when a tree merges several sources", () => {
    const env: Origin = { kind: "env", name: "CLEARML_API_SECRET_KEY" };
    const tree = mergeNodes(
      fromPlain(conf, FILE),
      fromPlain({ api: { credentials: { secret_key: "FROMENV" } } }, env),
    );
    const out = maskTree(tree);
    assert.deepEqual(getNode(out, ["api", "credentials", "secret_key"])?.origin, env);
    assert.deepEqual(getNode(out, ["api", "credentials", "access_key"])?.origin, FILE);
  });

  it("does not modify the tree it is given", () => {
    const tree = fromPlain(conf, FILE);
    maskTree(tree);
    assert.deepEqual(toPlain(tree), conf);
  });

  it("leaves empty and null secrets visible, to show that they are unset", () => {
    assert.deepEqual(masked({ api: { credentials: { secret_key: "", token: null } } }), {
      api: { credentials: { secret_key: "", token: null } },
    });
  });

  it("masks an API server URL that carries a password", () => {
    assert.equal(
      maskedAt({ api: { api_server: "https://u:p@h:8008" } }, "api.api_server"),
      "https://u:********@h:8008",
    );
  });

  it("hides the printout rules themselves, as the agent does", () => {
    const out = toPlain(maskTree(defaultsFor("agent"))) as {
      agent: { sanitize_config_printout: { hide_secrets: string[] } };
    };
    assert.ok(out.agent.sanitize_config_printout.hide_secrets.every((v) => v === "********"));
  });

  it("leaves the packaged defaults otherwise readable", () => {
    const out = maskTree(defaultsFor("agent"));
    assert.equal(
      toPlain(getNode(out, ["agent", "default_docker", "image"]) as ConfNode),
      "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04",
    );
    const sdk = maskTree(defaultsFor("sdk"));
    assert.equal(toPlain(getNode(sdk, ["api", "credentials", "access_key"]) as ConfNode), "");
  });

  it("follows printout rules taken from the configuration", () => {
    const tree = fromPlain(
      {
        agent: {
          sanitize_config_printout: {
            hide_secrets: ["^worker_name$"],
            dont_hide_secrets: ["^git_pass$"],
          },
        },
      },
      FILE,
    );
    const rules = printoutRulesFrom(tree);
    const out = toPlain(
      maskTree(
        fromPlain({ agent: { worker_name: "w1", git_pass: "gp", git_user: "u" } }, FILE),
        { rules },
      ),
    );
    assert.deepEqual(out, { agent: { worker_name: "********", git_pass: "gp", git_user: "u" } });
  });

  it("hides a key exactly when isSecretName() calls it a secret, in any case", () => {
    const names = [
      "secret_key",
      "ssh_private_key",
      "AZURE_STORAGE_KEY",
      "Git_Pass",
      "my_token_file",
      "ACCOUNT_KEY",
      "access_key",
      "SSH_PUBLIC_KEY",
      "user_key",
      "key",
      "keys",
      "password_hint",
      "s\u00e9cret_key", // non-ASCII: the rules' regexes decide
      "\u212Aey_secret",
      "\u017Fecret", // long s: not an ASCII s for a case-insensitive regex
    ];
    for (const name of names) {
      const out = toPlain(maskTree(fromPlain({ [name]: "v" }, FILE))) as Record<string, Plain>;
      assert.equal(out[name], isSecretName(name) ? "********" : "v", name);
    }
  });

  it("applies word rules in any case, and rules that are regexes one by one", () => {
    const rulesOf = (hide: string[]) =>
      printoutRulesFrom(
        fromPlain({ agent: { sanitize_config_printout: { hide_secrets: hide } } }, FILE),
      );
    const conf = fromPlain({ WORKER_NAME: "w", worker_names: "n", queue: "q" }, FILE);
    assert.deepEqual(toPlain(maskTree(conf, { rules: rulesOf(["^worker_name$"]) })), {
      WORKER_NAME: "********",
      worker_names: "n",
      queue: "q",
    });
    assert.deepEqual(toPlain(maskTree(conf, { rules: rulesOf(["^work.r_name", "^qu"]) })), {
      WORKER_NAME: "********",
      worker_names: "********",
      queue: "********",
    });
  });

  it("keeps each rule set's decisions apart once decisions are remembered", () => {
    // past the first 1,024 decisions a key's mode is remembered, per rule set
    const rulesOf = (hide: string[]) =>
      printoutRulesFrom(
        fromPlain({ agent: { sanitize_config_printout: { hide_secrets: hide } } }, FILE),
      );
    const many = fromPlain(
      Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, "v"])),
      FILE,
    );
    toPlain(maskTree(many));
    const conf = fromPlain({ queue: "q", worker: "w" }, FILE);
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(toPlain(maskTree(conf)), { queue: "q", worker: "w" });
      assert.deepEqual(toPlain(maskTree(conf, { rules: rulesOf(["^queue$"]) })), {
        queue: "********",
        worker: "w",
      });
      assert.deepEqual(toPlain(maskTree(conf, { rules: rulesOf(["^worker$"]) })), {
        queue: "q",
        worker: "********",
      });
    }
  });

  it("masks a bare secret scalar when given its path", () => {
    const node = fromPlain("SKEXAMPLE", FILE);
    assert.equal(toPlain(maskTree(node)), "SKEXAMPLE");
    assert.equal(
      toPlain(maskTree(node, { path: ["api", "credentials", "secret_key"] })),
      "********",
    );
  });

  it("hides a value below environment when given a path into it", () => {
    const node = fromPlain("1", FILE);
    assert.equal(toPlain(maskTree(node, { path: ["environment", "PLAIN"] })), "********");
    assert.equal(toPlain(maskTree(node, { path: ["agent", "worker_name"] })), "1");
  });

  it("masks a docker argument list given its path", () => {
    const node = fromPlain(["-e", "DB_PASSWORD=pw"], FILE);
    assert.deepEqual(toPlain(maskTree(node, { path: ["agent", "extra_docker_arguments"] })), [
      "-e",
      "DB_PASSWORD=********",
    ]);
  });
});
