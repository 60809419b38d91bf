/** maskText, maskEnvValue, maskPlain, maskDocument: a value is masked by what it is (issue 8 §1). */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isSecretName,
  maskDocument,
  maskEnvValue,
  maskPlain,
  maskText,
  maskUrlPassword,
} from "../../src/settings/mask.ts";
import { CATALOGUE } from "../../src/settings/catalogue.ts";

describe("isSecretName() and the catalogue", () => {
  it("agrees with every catalogue entry's secret flag, so one rule decides", () => {
    const disagree = CATALOGUE.flatMap((v) => [v.name, ...v.aliases])
      .filter((n) =>
        isSecretName(n) !== CATALOGUE.find((v) => v.name === n || v.aliases.includes(n))!.secret
      );
    assert.deepEqual(disagree, []);
  });

  it("shows public keys and hides private ones (the public suffix)", () => {
    assert.equal(isSecretName("ssh_public_key"), false);
    assert.equal(isSecretName("SSH_PUBLIC_KEY"), false);
    assert.equal(isSecretName("ssh_private_key"), true);
    assert.equal(isSecretName("public_key_secret"), true);
    assert.equal(isSecretName("PUBLIC_KEY_PATH"), false);
  });
});

describe("maskText()", () => {
  const cases: Array<[string, string, string]> = [
    ["keeps plain text", "nothing to hide here: a=b", "nothing to hide here: a=b"],
    [
      "masks a URL password",
      "from https://u:pw@h.example.com/x",
      "from https://u:********@h.example.com/x",
    ],
    [
      "masks -e pairs with secret names in a docker argument string",
      "-e URL=https://u:PW@host/x -e MY_TOKEN=V --rm -e CLEARML_API_SECRET_KEY=S",
      "-e URL=https://u:********@host/x -e MY_TOKEN=******** --rm -e CLEARML_API_SECRET_KEY=********",
    ],
    [
      "keeps pairs with public names",
      "-e CLEARML_API_ACCESS_KEY=AK -e PLAIN=1",
      "-e CLEARML_API_ACCESS_KEY=AK -e PLAIN=1",
    ],
    [
      "masks --env=NAME=VALUE",
      "--env=AWS_SECRET_ACCESS_KEY=X",
      "--env=AWS_SECRET_ACCESS_KEY=********",
    ],
    [
      "masks a flag's value",
      "tool --password=hunter2 --user=me",
      "tool --password=******** --user=me",
    ],
    [
      "masks a query token",
      "GET /x?access_token=abc&y=1 HTTP/1.1",
      "GET /x?access_token=******** HTTP/1.1",
    ],
    ["masks a quoted value, quotes kept", 'MY_TOKEN="a b c" next', 'MY_TOKEN="********" next'],
    [
      "masks a shell word quoted before its name",
      `-e "MY_TOKEN=a b" -e 'X_PASS=c d' x`,
      `-e "MY_TOKEN=********" -e 'X_PASS=********' x`,
    ],
    [
      "masks inside a JSON list",
      '["-e","GIT_TOKEN=t1","--rm"]',
      '["-e","GIT_TOKEN=********","--rm"]',
    ],
    [
      "masks a JSON secret pair",
      '{"access_key":"AK","secret_key":"S\\"x"}',
      '{"access_key":"AK","secret_key":"********"}',
    ],
    [
      "masks a HOCON pair with a quoted value",
      '{access_key: "AK", secret_key: "S"}',
      '{access_key: "AK", secret_key: "********"}',
    ],
    [
      "keeps a sentence with a colon",
      "passed: 3 checks, token: expired",
      "passed: 3 checks, token: expired",
    ],
    ["keeps an empty value", "MY_TOKEN= x", "MY_TOKEN= x"],
    [
      "is idempotent",
      "MY_TOKEN=******** https://u:********@h",
      "MY_TOKEN=******** https://u:********@h",
    ],
    ["masks to the end when a quote is not closed", 'X_TOKEN="abc def', 'X_TOKEN="********'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(maskText(input), expected));
  }

  it("judges a pair's name by isSecretName's rule, in any case and at any length", () => {
    const long = "a".repeat(66);
    const names = [
      "x",
      "pas",
      "PASS",
      "a_Pass_b",
      "toke",
      "tokeN",
      "secre",
      "my.Secret-x",
      "CONTENTS",
      "account_KEY",
      "xaccount_keyx",
      "_key",
      "KEY",
      "my_key",
      "MY_KEY",
      "Access_Key",
      "USER_KEY",
      "ssh_public_key",
      "SSH_PUBLIC_KEY",
      "public_key_secret",
      "a_key_b",
      "ey",
      `${long}pass`,
      `${long}_key`,
      `${long}access_key`,
      `${long}x`,
      `pass${long}`,
    ];
    for (const name of names) {
      const shown = isSecretName(name) ? "********" : "v";
      assert.equal(maskText(`${name}=v`), `${name}=${shown}`, name);
      assert.equal(maskText(`"${name}": "v"`), `"${name}": "${shown}"`, name);
    }
  });

  it("keeps every piece in order around thousands of masks and long unmasked stretches", () => {
    const input: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 12_000; i++) {
      const gap = i % 997 === 0 ? "z".repeat(5_000 + i) : i % 2 ? "y" : "";
      input.push(`${gap} K${i}_TOKEN=s${i} `);
      expected.push(`${gap} K${i}_TOKEN=******** `);
    }
    assert.equal(maskText(input.join("")), expected.join(""));
  });

  it("finds the one `=` or `:` of a long text wherever it is", () => {
    for (const length of [131_071, 131_072, 131_073, 262_144, 393_223]) {
      for (const at of [0, 1, length >> 1, length - 1]) {
        const text = "a".repeat(at) + " " + "b".repeat(length - at);
        const pair = text.slice(0, at + 1) + "X_TOKEN=v " + text.slice(at + 1);
        const url = text.slice(0, at + 1) + "https://u:p@h " + text.slice(at + 1);
        assert.equal(maskText(text), text);
        assert.equal(
          maskText(pair),
          pair.replace("X_TOKEN=v", "X_TOKEN=********"),
          `${length} ${at}`,
        );
        assert.equal(maskText(url), url.replace("u:p@", "u:********@"), `${length} ${at}`);
      }
    }
  });

  it("finds an `=` that is the last or first character of a 128K block", () => {
    const block = 1 << 17;
    for (const at of [block - 1, block, 2 * block - 1, 2 * block]) {
      // the text's one separator exactly at `at`
      const pair = "a".repeat(at - 8) + " X_TOKEN=v " + "b".repeat(block);
      assert.equal(pair.indexOf("="), at);
      assert.equal(maskText(pair), pair.replace("X_TOKEN=v", "X_TOKEN=********"), `${at}`);
    }
  });

  it("masks a secret value that only starts with the mask", () => {
    assert.equal(maskText("password=********"), "password=********");
    assert.equal(maskText("password=********tail"), "password=********");
    assert.equal(maskText("password=****"), "password=********");
  });

  it("reads unquoted HOCON values when told the text is configuration", () => {
    assert.equal(
      maskText("{secret_key: S1 S2, x: 1}", { configText: true }),
      "{secret_key: ********, x: 1}",
    );
    assert.equal(maskText("{secret_key: S1, x: 1}"), "{secret_key: S1, x: 1}");
  });

  it("masks URL passwords and the pairs around them as one copy and as two", () => {
    // a pair's value holding a URL, URLs before and after pairs, a pair in a password
    assert.equal(
      maskText("a://u:p1@h X_TOKEN=x://v:p2@h2 b://w:p3@h3 -e A=1"),
      "a://u:********@h X_TOKEN=******** b://w:********@h3 -e A=1",
    );
    assert.equal(maskText("a://token:p1@h", { configText: true }), "a://token:********");
    assert.equal(maskText('x://u:pw="token=v"@h MY_PASS=s'), "x://u:********@h MY_PASS=********");
    assert.equal(maskText("x://u:a=b@h pass=c"), "x://u:********@h pass=********");
  });

  it("masks any mix of URLs and pairs as the pairs of the text with its passwords masked", () => {
    // the text with its URL passwords masked has nothing left for the URL rule: maskText of it
    // masks the pairs alone, which is what maskText of the text must give (pieces drawn from a
    // seeded generator, so a failure is the same on every run)
    const pieces = [
      "a",
      "token",
      "pass",
      "X_TOKEN",
      "u",
      "https://",
      "x://",
      ":",
      "@",
      "=",
      '"',
      "'",
      "\\",
      " ",
      "\n",
      ",",
      "}",
      "#",
      "/",
      "-e ",
      "********",
      "secret: ",
      "--password=",
    ];
    let seed = 9;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 4000; k++) {
      let text = "";
      const length = 1 + Math.floor(next() * 24);
      for (let j = 0; j < length; j++) text += pieces[Math.floor(next() * pieces.length)];
      for (const configText of [false, true]) {
        const opts = { configText };
        assert.equal(
          maskText(text, opts),
          maskText(maskUrlPassword(text), opts),
          `${JSON.stringify(text)} ${configText}`,
        );
      }
    }
  });
});

describe("maskEnvValue()", () => {
  it("hides a secret-named variable whole", () => {
    assert.equal(maskEnvValue("CLEARML_API_SECRET_KEY", "https://u:p@h"), "********");
    assert.equal(maskEnvValue("CLEARML_AGENT__AGENT__GIT_PASS", "x"), "********");
    assert.equal(maskEnvValue("CLEARML_API_SECRET_KEY", ""), "");
  });

  it("masks the URL password of a host variable", () => {
    assert.equal(
      maskEnvValue("CLEARML_API_HOST", "https://user:pw@api.x.com"),
      "https://user:********@api.x.com",
    );
  });

  it("masks -e pairs in a docker argument variable", () => {
    assert.equal(
      maskEnvValue("CLEARML_AGENT_EXTRA_DOCKER_ARGS", "-e MY_TOKEN=V -e A=1"),
      "-e MY_TOKEN=******** -e A=1",
    );
  });

  it("masks secret keys inside a dynamic variable's tree", () => {
    assert.equal(
      maskEnvValue("CLEARML_AGENT__API__CREDENTIALS", '{access_key: "AK", secret_key: S}'),
      '{"access_key":"AK","secret_key":"********"}',
    );
    assert.equal(
      maskEnvValue("CLEARML_AGENT__SDK__AWS__S3__CREDENTIALS", '[{bucket: b, secret: "S"}]'),
      '[{"bucket":"b","secret":"********"}]',
    );
  });

  it("keeps a dynamic tree without secrets as written", () => {
    const v = "{ image: python }";
    assert.equal(maskEnvValue("CLEARML_AGENT__AGENT__DEFAULT_DOCKER", v), v);
  });

  it("hides a dynamic value below `environment`", () => {
    assert.equal(maskEnvValue("CLEARML_AGENT__ENVIRONMENT__FOO", "bar"), "********");
  });

  it("shows a masked dynamic tree holding a long value as JSON.stringify writes it", () => {
    const long = 'q"\\😀\t'.repeat(30_000);
    const value = JSON.stringify({ token: "t", long, list: [long, 1] });
    assert.equal(
      maskEnvValue("CLEARML_AGENT__SDK__X", value),
      JSON.stringify({ token: "********", long, list: [long, 1] }),
    );
  });

  it("masks a dynamic tree that does not parse as configuration text", () => {
    assert.equal(
      maskEnvValue("CLEARML_AGENT__API__CREDENTIALS", "{secret_key: S, x: ${NOPE}}"),
      "{secret_key: ********, x: ${NOPE}}",
    );
  });
});

describe("maskPlain()", () => {
  it("hides every item of a converted value under a secret name", () => {
    assert.deepEqual(maskPlain(["a", "b"], ["CLEARML_AGENT_GIT_PASS"]), ["********", "********"]);
  });

  it("masks an argv list across elements", () => {
    assert.deepEqual(
      maskPlain(["-e", "MY_TOKEN=V", "--env", "U=https://u:p@h"], [
        "CLEARML_AGENT_EXTRA_DOCKER_ARGS",
      ]),
      ["-e", "MY_TOKEN=********", "--env", "U=https://u:********@h"],
    );
  });

  it("walks trees by key", () => {
    assert.deepEqual(maskPlain({ credentials: [{ key: "k", secret: "s" }], n: 1 }), {
      credentials: [{ key: "k", secret: "********" }],
      n: 1,
    });
  });
});

describe("maskDocument()", () => {
  it("masks strings and argv lists, and keys decide nothing", () => {
    const doc = {
      bypassVariable: "NO_PROXY",
      token: { user: "me" },
      details: ["docker args: -e AWS_SECRET_ACCESS_KEY=X"],
      argv: ["-e", "GIT_TOKEN=t"],
      n: 3,
    };
    assert.deepEqual(maskDocument(doc), {
      bypassVariable: "NO_PROXY",
      token: { user: "me" },
      details: ["docker args: -e AWS_SECRET_ACCESS_KEY=********"],
      argv: ["-e", "GIT_TOKEN=********"],
      n: 3,
    });
  });
});
