import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isSecretName } from "../../src/settings/mask.ts";

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
