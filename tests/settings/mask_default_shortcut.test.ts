/**
 * The default masking's shortcuts: `maskArgv` and the list masking of a tree leave an argv as it
 * is without the pair scanner when none of its tokens holds an `@` or a word a secret name or an
 * image variable needs; `maskText` skips the scanner when a text holds no secret word. Each must give exactly
 * what the full masking gives: `maskArgv(argv, undefined, {})` takes the full path (options that
 * equal the defaults, but not the default object).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isSecretName,
  MASK,
  maskArgv,
  maskedPlain,
  maskText,
  maskTree,
} from "../../src/settings/mask.ts";
import { fromPlain, getNode, type ListNode } from "../../src/settings/tree.ts";
import { mulberry32 } from "../_helpers/seeded_random.ts";

const ORIGIN = { kind: "file", file: "/t/clearml.conf", line: 1, col: 1 } as const;

/** Tokens that the shortcut keeps, and tokens next to which it must not. */
const TOKENS = [
  "-e",
  "--env",
  "--ipc=host",
  "--network=net-5",
  "NVIDIA_VISIBLE_DEVICES=all",
  "NAME=value",
  "A=B=C",
  "plain",
  "http://host:8080/x",
  "<22.3 ; python_version >= '3.10'",
  "MY_SECRET=abc",
  "my_Token=abc",
  "DB_PASS=x",
  "AZURE_STORAGE_KEY=k",
  "AWS_ACCESS_KEY=id",
  "FILE_CONTENTS=c",
  "--password-file=/run/p",
  "https://user:pw@host/simple",
  "git+https://token@host/r.git",
  "-eMY_TOKEN=t",
  "--env=API_SECRET=s",
  "--env=PLAIN=p",
  "CLEARML_DOCKER_IMAGE=img  --x   -e  K_TOKEN=v",
  "TRAINS_DOCKER_IMAGE=a b",
  '"SECRET_KEY=a b"',
  'secret: "v"',
  "",
  // past the shortcuts' length: the scanners decide
  `LONG=${"x".repeat(1 << 16)}`,
  `LONG_TOKEN=${"x".repeat(1 << 16)}`,
];

function randomArgv(next: () => number): string[] {
  const argv: string[] = [];
  const n = Math.floor(next() * 7);
  for (let i = 0; i < n; i++) argv.push(TOKENS[Math.floor(next() * TOKENS.length)]!);
  return argv;
}

describe("maskArgv() with the default masking", () => {
  for (const seed of [1, 2, 3]) {
    it(`gives what the full masking gives, 3000 random argvs (seed ${seed})`, () => {
      const next = mulberry32(seed);
      for (let i = 0; i < 3000; i++) {
        const argv = randomArgv(next);
        assert.deepEqual(maskArgv(argv), maskArgv(argv, undefined, {}), JSON.stringify(argv));
      }
    });
  }

  it("masks next to tokens that stay (the shortcut does not skip a pair's value)", () => {
    assert.deepEqual(maskArgv(["--ipc=host", "-e", "MY_TOKEN=t", "-e", "A=1"]), [
      "--ipc=host",
      "-e",
      `MY_TOKEN=${MASK}`,
      "-e",
      "A=1",
    ]);
    assert.deepEqual(maskArgv(["-e", "CLEARML_DOCKER_IMAGE=img  --x"]), [
      "-e",
      "CLEARML_DOCKER_IMAGE=img --x",
    ]);
    assert.deepEqual(maskArgv(["https://u:pw@h/x"]), [`https://u:${MASK}@h/x`]);
  });
});

describe("a tree's string lists, masked as argvs", () => {
  for (const seed of [4, 5]) {
    it(`are what the full masking makes of them, 2000 random lists (seed ${seed})`, () => {
      const next = mulberry32(seed);
      for (let i = 0; i < 2000; i++) {
        const argv = randomArgv(next);
        const masked = maskTree(fromPlain({ agent: { args: argv } }, ORIGIN));
        const list = getNode(masked, ["agent", "args"]) as ListNode;
        const got = list.items.map((item) => item.type === "scalar" ? item.value : null);
        const full = maskArgv(argv, undefined, {});
        assert.deepEqual(got, full, JSON.stringify(argv));
        // the plain data `--json` prints takes the same decision (plainOf)
        const plain = maskedPlain(fromPlain({ agent: { args: argv } }, ORIGIN));
        assert.deepEqual((plain as { agent: { args: string[] } }).agent.args, full);
      }
    });
  }
});

describe("maskText() and the secret words", () => {
  const names = [
    "secret",
    "PASS",
    "git_Pass",
    "api_token",
    "Storage_Account_Key",
    "file_CONTENTS",
    "OPENAI_API_KEY",
    "ssh_private_key",
  ];
  for (const name of names) {
    it(`masks ${name} in NAME=VALUE and in a quoted pair, whatever the case`, () => {
      assert.ok(isSecretName(name));
      assert.equal(maskText(`run ${name}=hunter2 now`), `run ${name}=${MASK} now`);
      assert.equal(maskText(`{"${name}": "hunter2"}`), `{"${name}": "${MASK}"}`);
    });
  }

  it("masks a long text's pairs as a short one's", () => {
    const tail = " x".repeat(1 << 16);
    assert.equal(maskText(`A_TOKEN=t${tail}`), `A_TOKEN=${MASK}${tail}`);
    assert.equal(maskText(`NAME=t${tail}`), `NAME=t${tail}`);
  });

  it("leaves pairs whose names hold no secret word, and still masks URL passwords there", () => {
    const text = "--ipc=host \"a\": 'b' https://u:pw@h/x NAME=1 AWS_ACCESS_KEY=id";
    assert.equal(
      maskText(text),
      `--ipc=host "a": 'b' https://u:${MASK}@h/x NAME=1 AWS_ACCESS_KEY=id`,
    );
  });
});
