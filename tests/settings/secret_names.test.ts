import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  defaultPrintoutRules,
  isSecretName,
  MASK,
  maskTree,
  printoutRulesFrom,
} from "../../src/settings/mask.ts";
import { parseHocon } from "../../src/settings/hocon/parse.ts";
import { toPlain } from "../../src/settings/tree.ts";

describe("isSecretName() and the _key suffix", () => {
  // Our rule (src/settings/mask.ts): a name ending in _key holds a secret, except the access,
  // user and public keys, which are identifiers the products print.
  for (
    const name of [
      "SSH_PUBLIC_KEY",
      "ssh_public_key",
      "GPG_PUBLIC_KEY",
      "CLEARML_API_ACCESS_KEY",
      "user_key",
    ]
  ) {
    it(`isSecretName() leaves ${name} readable`, () => assert.equal(isSecretName(name), false));
  }
  for (
    const name of [
      "SSH_PRIVATE_KEY",
      "ssh_private_key",
      "OPENAI_API_KEY",
      "AZURE_STORAGE_KEY",
      "publickey_secret",
    ]
  ) {
    it(`isSecretName() masks ${name}`, () => assert.equal(isSecretName(name), true));
  }
});

describe("isSecretName() and the printout rules match as case-insensitive regexes do", () => {
  // A case-insensitive regex of ASCII letters does not match the Kelvin sign (U+212A), whose
  // lower case is `k`: the key-name tests must not lower non-ASCII text into a match.
  it("isSecretName() does not read the Kelvin sign as k", () => {
    const name = "MY_TO\u212AEN";
    assert.equal(/token/i.test(name), false);
    assert.equal(isSecretName(name), false);
    assert.equal(isSecretName("MY_TOKEN"), true);
  });

  it("isSecretName() finds the words in any case, next to non-ASCII text", () => {
    for (const name of ["ÿ_Secret", "café_PASSWORD", "x_tOkEn_y", "Account_Key", "ÿ_key"]) {
      assert.equal(isSecretName(name), true, name);
    }
    for (const name of ["ÿ_access_KEY", "café_User_Key", "é_public_key", "keys", "ÿ"]) {
      assert.equal(isSecretName(name), false, name);
    }
  });

  it("maskTree() applies anchored and word rules of the configuration like regexes", () => {
    const tree = parseHocon(
      'agent.sanitize_config_printout.hide_secrets: ["^exact$", "^head", "tail$", "mid", "^r.g$"]\n' +
        "a { exact: 1, EXACT: 2, exactly: 3, header: 4, xhead: 5, detail: 6, tails: 7 }\n" +
        'a { amidst: 8, "\u212Aey_mid": 9, "mi\u212A": 10, RAG: 11, rg: 12 }\n',
    );
    const masked = toPlain(maskTree(tree, { rules: printoutRulesFrom(tree) })) as {
      a: Record<string, unknown>;
    };
    assert.deepEqual(masked.a, {
      exact: MASK,
      EXACT: MASK,
      exactly: 3,
      header: MASK,
      xhead: 5,
      detail: MASK,
      tails: 7,
      amidst: MASK,
      "\u212Aey_mid": MASK,
      "mi\u212A": 10,
      RAG: MASK,
      rg: 12,
    });
  });

  it("printoutRulesFrom() of a tree that sets no rules is the shipped rules", () => {
    assert.equal(printoutRulesFrom(parseHocon("a: 1")), defaultPrintoutRules());
  });
});
