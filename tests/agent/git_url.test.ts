import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cloneUrl, type GitCredentialConfig, maskGitUrl } from "../../src/agent/git_url.ts";

describe("cloneUrl() reproduces the agent-exec vectors", () => {
  // clearml_agent/helper/repo.py:502-529
  it("percent-encodes the user and password it adds to an https URL", () => {
    const r = cloneUrl("https://github.com/org/repo.git", { user: "me", pass: "p@ss:w/rd" });
    assert.equal(r.url, "https://me:p%40ss%3Aw%2Frd@github.com/org/repo.git");
    assert.equal(r.credentials, "injected");
  });

  // clearml_agent/helper/repo.py:518-523
  it("adds no credentials when CLEARML_AGENT_GIT_HOST names another host", () => {
    const r = cloneUrl("https://github.com/org/repo.git", {
      user: "me",
      pass: "p@ss:w/rd",
      host: "gitlab.com",
    });
    assert.equal(r.url, "https://github.com/org/repo.git");
    assert.equal(r.credentials, "other-host");
  });

  // clearml_agent/helper/repo.py:523
  it("compares the git host lower-cased when adding credentials", () => {
    const r = cloneUrl("https://github.com/org/repo.git", {
      user: "me",
      pass: "p@ss:w/rd",
      host: "GitHub.com",
    });
    assert.equal(r.url, "https://me:p%40ss%3Aw%2Frd@github.com/org/repo.git");
  });

  // clearml_agent/helper/repo.py:519-528
  it("keeps a URL that has a user and a password, and fills one that has only a user", () => {
    const config = { user: "me", pass: "tok" };
    const kept = cloneUrl("https://olduser:oldpass@github.com/org/repo.git", config);
    assert.equal(kept.url, "https://olduser:oldpass@github.com/org/repo.git");
    assert.equal(kept.credentials, "in-url");
    const filled = cloneUrl("https://olduser@github.com/org/repo.git", config);
    assert.equal(filled.url, "https://me:tok@github.com/org/repo.git");
  });

  // clearml_agent/helper/repo.py:344-367,235-268
  it("turns git@host:path into https before cloning when user and password are set", () => {
    const r = cloneUrl("git@github.com:org/repo.git", { user: "me", pass: "tok" });
    assert.equal(r.urlWithoutAuth, "https://github.com/org/repo.git");
    assert.equal(r.rewrite, "ssh-to-https");
    assert.deepEqual(r.messages, [
      "Using user/pass credentials - replacing ssh url 'git@github.com:org/repo.git' with " +
      "https url 'https://github.com/org/repo.git'",
    ]);
  });
});

/**
 * [repository URL, settings, URL with credentials (null: furl raises), URL without them]. The
 * expected URLs were produced by the agent's two functions (`_set_ssh_url`, `add_auth`) run over
 * the real furl 2.1.2 (Debian's python3-furl).
 */
const FURL_VERIFIED: Array<[string, GitCredentialConfig, string | null, string | null]> = [
  [
    "https://github.com/org/repo.git",
    { user: "me", pass: "p@ss:w/rd" },
    "https://me:p%40ss%3Aw%2Frd@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { user: "me", pass: "p@ss:w/rd", host: "gitlab.com" },
    "https://github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { user: "me", pass: "p@ss:w/rd", host: "GitHub.com" },
    "https://me:p%40ss%3Aw%2Frd@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://olduser:oldpass@github.com/org/repo.git",
    { user: "me", pass: "tok" },
    "https://olduser:oldpass@github.com/org/repo.git",
    "https://olduser:oldpass@github.com/org/repo.git",
  ],
  [
    "https://olduser@github.com/org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "git@github.com:org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  ["git@github.com:org/repo.git", {}, "git@github.com:org/repo.git", "git@github.com:org/repo.git"],
  [
    "git@github.com:org/repo.git",
    { user: "me", pass: "tok", host: "github.com" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "git@github.com:org/repo.git",
    { user: "me", pass: "tok", host: "GitHub.com" },
    "git@github.com:org/repo.git",
    "git@github.com:org/repo.git",
  ],
  [
    "git@GitHub.com:org/repo.git",
    { user: "me", pass: "tok", host: "GitHub.com" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "git@github.com:org/repo.git",
    { user: "me", pass: "tok", translateSsh: false },
    "git@github.com:org/repo.git",
    "git@github.com:org/repo.git",
  ],
  [
    "ssh://git@github.com/org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "ssh://git@github.com:2222/org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@github.com:2222/org/repo.git",
    "https://github.com:2222/org/repo.git",
  ],
  [
    "ssh://bob@github.com/org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { forceSsh: true },
    "ssh://git@github.com/org/repo.git",
    "ssh://git@github.com/org/repo.git",
  ],
  [
    "https://u:p@github.com:8443/org/repo.git",
    { forceSsh: true },
    "ssh://git@github.com/org/repo.git",
    "ssh://git@github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { forceSsh: true, forceSshUser: "bob", forceSshPort: 2222 },
    "ssh://bob@github.com:2222/org/repo.git",
    "ssh://bob@github.com:2222/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { forceSsh: true, host: "gitlab.com" },
    "https://github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { forceSsh: true, host: "GitHub.com", user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { forceSsh: true, user: "me", pass: "tok" },
    "ssh://git@github.com/org/repo.git",
    "ssh://git@github.com/org/repo.git",
  ],
  [
    "git@github.com:org/repo.git",
    { forceSsh: true, user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "ssh://git@github.com/org/repo.git",
    { forceSsh: true, user: "me", pass: "tok" },
    "ssh://git@github.com/org/repo.git",
    "ssh://git@github.com/org/repo.git",
  ],
  [
    "ssh://git@github.com/org/repo.git",
    { forceSsh: true, forceSshUser: "bob" },
    "ssh://bob@github.com/org/repo.git",
    "ssh://bob@github.com/org/repo.git",
  ],
  [
    "ssh://git@github.com:22/org/repo.git",
    { forceSsh: true, forceSshPort: 2222 },
    "ssh://git@github.com:2222/org/repo.git",
    "ssh://git@github.com:2222/org/repo.git",
  ],
  [
    "git@github.com:org/repo.git",
    { forceSsh: true, host: "github.com", user: "me", pass: "tok" },
    "git@github.com:org/repo.git",
    "git@github.com:org/repo.git",
  ],
  [
    "HTTPS://GitHub.com:443/org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "http://gitea.local:3000/org/repo.git",
    { user: "me", pass: "tok" },
    "http://me:tok@gitea.local:3000/org/repo.git",
    "http://gitea.local:3000/org/repo.git",
  ],
  [
    "file:///tmp/x.git",
    { user: "me", pass: "tok" },
    "file://me:tok@/tmp/x.git",
    "file:///tmp/x.git",
  ],
  [
    "/srv/git/repo.git",
    { user: "me", pass: "tok" },
    "//me:tok@/srv/git/repo.git",
    "/srv/git/repo.git",
  ],
  ["ssh://git@github.com:org/repo.git", { user: "me", pass: "tok" }, null, null],
  [
    "ssh://git@github.com:org/repo.git",
    {},
    "ssh://git@github.com:org/repo.git",
    "ssh://git@github.com:org/repo.git",
  ],
  ["ssh://git@github.com:org/repo.git", { forceSsh: true }, null, null],
  [
    "git://github.com/org/repo.git",
    { user: "me", pass: "tok" },
    "git://github.com/org/repo.git",
    "git://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { user: "me", pass: "it's (a)*!~" },
    "https://me:it%27s%20%28a%29%2A%21~@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://github.com/org/repo.git",
    { user: "me@corp", pass: "x y" },
    "https://me%40corp:x%20y@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "https://:tok@github.com/org/repo.git",
    { user: "me", pass: "p" },
    "https://me:p@github.com/org/repo.git",
    "https://github.com/org/repo.git",
  ],
  [
    "hg@host.com:org/repo",
    { user: "me", pass: "tok" },
    "https://me:tok@host.com/org/repo",
    "https://host.com/org/repo",
  ],
  [
    "me@host.com:org/repo",
    { user: "u", pass: "tok" },
    "https://u:tok@host.com/org/repo",
    "https://host.com/org/repo",
  ],
  [
    "git@host.com:2222/org/repo.git",
    { user: "me", pass: "tok" },
    "https://me:tok@host.com/2222/org/repo.git",
    "https://host.com/2222/org/repo.git",
  ],
  [
    "ssh://git:secret@h.com/o/r",
    { user: "me", pass: "tok" },
    "https://git:secret@h.com/o/r",
    "https://git:secret@h.com/o/r",
  ],
];

describe("cloneUrl() matches the agent run over furl", () => {
  for (const [url, config, withAuth, withoutAuth] of FURL_VERIFIED) {
    const name = `${url} with ${JSON.stringify(config)}`;
    it(`gives ${withAuth ?? "a parse error"} for ${name}`, () => {
      const r = cloneUrl(url, config);
      if (withAuth === null) {
        assert.ok(r.error, `expected a parse error, got ${r.url}`);
        return;
      }
      assert.equal(r.url, withAuth);
      assert.equal(r.urlWithoutAuth, withoutAuth);
    });
  }
});

describe("cloneUrl() reports what it did", () => {
  it("masks the password in display and messages, never in url", () => {
    const r = cloneUrl("ssh://git:secret@h.com/o/r", { user: "me", pass: "tok" });
    assert.equal(r.display, "https://git:********@h.com/o/r");
    assert.ok(!r.messages.join(" ").includes("secret"), r.messages.join(" "));
    assert.equal(r.url, "https://git:secret@h.com/o/r");
  });

  it("says ssh when forcing turns an https URL into ssh, and prints the agent's line", () => {
    const r = cloneUrl("https://github.com/org/repo.git", { forceSsh: true });
    assert.equal(r.transport, "ssh");
    assert.equal(r.rewrite, "https-to-ssh");
    assert.equal(r.credentials, "not-configured");
    assert.match(r.messages[0] ?? "", /^Using SSH credentials - replacing https url/);
  });

  it("says scp-style URLs go over ssh and never get credentials while translation is off", () => {
    const r = cloneUrl("git@github.com:org/repo.git", {
      user: "me",
      pass: "tok",
      translateSsh: false,
    });
    assert.equal(r.transport, "ssh");
    assert.equal(r.host, "github.com");
    assert.equal(r.credentials, "not-https");
  });

  it("keeps the port of an ssh URL and names the host lower-cased", () => {
    const r = cloneUrl("ssh://git@Git.Example.com:2222/org/repo.git");
    assert.equal(r.host, "git.example.com");
    assert.equal(r.port, 2222);
    assert.equal(r.transport, "ssh");
  });

  it("calls a local path local and a file URL file", () => {
    assert.equal(cloneUrl("/srv/git/repo.git").transport, "local");
    assert.equal(cloneUrl("file:///srv/git/repo.git").transport, "file");
  });

  it("reports furl's error for an ssh URL with a path where the port goes", () => {
    const r = cloneUrl("ssh://git@github.com:org/repo.git", { forceSsh: true });
    assert.equal(r.error, "Invalid port 'org'.");
  });
});

describe("maskGitUrl()", () => {
  it("masks the password of a URL and leaves a token-only user alone", () => {
    assert.equal(maskGitUrl("https://me:tok@h.com/x"), "https://me:********@h.com/x");
    assert.equal(maskGitUrl("https://tok@h.com/x"), "https://tok@h.com/x");
  });
});
