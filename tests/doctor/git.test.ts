import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";
import { classifyGitError, gitCategory } from "../../src/doctor/checks/git.ts";
import type {
  GitSnapshot,
  LsRemoteResult,
  SshSnapshot,
} from "../../src/doctor/probes/git_snapshot.ts";
import type { CheckResult, DoctorInput, DoctorOptions } from "../../src/doctor/types.ts";
import { knownHostMatch, knownHostName } from "../../src/doctor/known_hosts.ts";
import { sshOption } from "../../src/doctor/ssh_config.ts";
import { isDefaultKeyName, keyIsEncrypted, keyModeTooOpen } from "../../src/doctor/ssh_key_info.ts";
import { CREDENTIAL_HELPER, maskSecrets } from "../../src/doctor/probes/git_probe.ts";
import { doctorInput } from "../_helpers/doctor_input.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/doctor/git/", import.meta.url).href);
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

const CONF = "/home/u/clearml.conf";

function ssh(over: Partial<SshSnapshot> = {}): SshSnapshot {
  return {
    dir: "/home/u/.ssh",
    dirExists: true,
    dirMode: 0o700,
    keys: [],
    knownHosts: [
      { path: "/home/u/.ssh/known_hosts", exists: false },
      { path: "/etc/ssh/ssh_known_hosts", exists: false },
    ],
    authSock: { exists: false, isSocket: false },
    ...over,
  };
}

const KEY = {
  name: "id_ed25519",
  path: "/home/u/.ssh/id_ed25519",
  mode: 0o600,
  size: 411,
  hasPub: true,
  encrypted: false,
};

function snapshot(over: Partial<GitSnapshot> = {}): GitSnapshot {
  return {
    git: { found: true, code: 0, timedOut: false, output: fixture("git_version.txt").trim() },
    ssh: ssh(),
    platform: "linux",
    ...over,
  };
}

function run(
  id: string,
  s: GitSnapshot,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  options: Partial<DoctorOptions> = {},
): CheckResult {
  const check = gitCategory.checks.find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  const input: DoctorInput = doctorInput(env, files, options);
  return check.run(s, input);
}

/** Everything a check shows or returns, for secret-leak assertions. */
const shown = (r: CheckResult) => JSON.stringify(r);

describe("git.installed", () => {
  it("passes with the version from real `git --version` output", () => {
    const r = run("git.installed", snapshot());
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "git 2.39.5");
  });

  it("fails when git is not on PATH: the agent cannot clone", () => {
    const r = run(
      "git.installed",
      snapshot({
        git: { found: false, code: null, timedOut: false, output: "", error: "spawn git ENOENT" },
      }),
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /not installed/);
  });

  it("warns for a git older than 2.3, which ignores GIT_TERMINAL_PROMPT", () => {
    const r = run(
      "git.installed",
      snapshot({ git: { found: true, code: 0, timedOut: false, output: "git version 1.8.3.1" } }),
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /1\.8\.3/);
  });

  it("fails when `git --version` exits non-zero", () => {
    const r = run(
      "git.installed",
      snapshot({ git: { found: true, code: 1, timedOut: false, output: "broken" } }),
    );
    assert.equal(r.status, "fail");
  });
});

describe("git.auth", () => {
  it("passes without credentials and says how repositories are reached", () => {
    const r = run("git.auth", snapshot());
    assert.equal(r.status, "pass");
    assert.match(r.summary, /no git credentials/);
  });

  it("passes with user and password and names where the user came from, never the password", () => {
    const r = run("git.auth", snapshot(), {
      CLEARML_AGENT_GIT_USER: "me",
      CLEARML_AGENT_GIT_PASS: "ghp_SECRETSECRET",
    });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /user me \(env CLEARML_AGENT_GIT_USER\)/);
    assert.ok(!shown(r).includes("ghp_SECRETSECRET"));
  });

  it("warns when only the user is set: neither is used", () => {
    const r = run("git.auth", snapshot(), { CLEARML_AGENT_GIT_USER: "me" });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /only agent\.git_user/);
  });

  it("catches user-pain D25: ssh forced in the file while env user/pass switch scp URLs to https", () => {
    const r = run(
      "git.auth",
      snapshot(),
      { CLEARML_AGENT_GIT_USER: "me", CLEARML_AGENT_GIT_PASS: "tok-123456" },
      { [CONF]: "agent { force_git_ssh_protocol: true }" },
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /force_git_ssh_protocol is true/);
    assert.match(r.summary, /env CLEARML_AGENT_GIT_USER/);
  });

  it("catches user-pain D26: a git host with capitals never matches the ssh-to-https rewrite", () => {
    const r = run("git.auth", snapshot(), {
      CLEARML_AGENT_GIT_USER: "me",
      CLEARML_AGENT_GIT_PASS: "tok-123456",
      CLEARML_AGENT_GIT_HOST: "GitLab.com",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /capitals/);
    assert.ok(r.details?.some((d) => /not passed into docker containers/.test(d)));
  });

  it("says every host when agent.git_host is empty, not 'for : user' (issue 8 §5)", () => {
    const r = run(
      "git.auth",
      snapshot(),
      { CLEARML_AGENT_GIT_USER: "gituser", CLEARML_AGENT_GIT_PASS: "tok-123456" },
      { [CONF]: 'agent { git_host: "" }' },
    );
    assert.equal(r.status, "pass");
    assert.match(r.summary, /^https credentials for every host: user gituser/);
  });

  it("warns when the git host is a URL instead of a host name", () => {
    const r = run("git.auth", snapshot(), {
      CLEARML_AGENT_GIT_USER: "me",
      CLEARML_AGENT_GIT_PASS: "tok-123456",
      CLEARML_AGENT_GIT_HOST: "https://gitlab.com",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /not a bare host name/);
  });
});

describe("git.url", () => {
  const creds = { CLEARML_AGENT_GIT_USER: "me", CLEARML_AGENT_GIT_PASS: "p@ss:w/rd" };

  it("is skipped without --repo", () => {
    assert.equal(run("git.url", snapshot()).status, "skip");
  });

  // clearml_agent/helper/repo.py:502-529
  it("shows the exact clone URL with the password masked", () => {
    const r = run("git.url", snapshot(), creds, {}, { repo: "https://github.com/org/repo.git" });
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "the agent clones https://me:********@github.com/org/repo.git");
    assert.ok(!shown(r).includes("p%40ss"), shown(r));
    assert.ok(!shown(r).includes("p@ss"), shown(r));
    assert.ok(r.details?.some((d) => d.includes("GIT_ASKPASS")));
  });

  // clearml_agent/helper/repo.py:518-523
  it("catches user-pain D26: credentials scoped to another host are not sent", () => {
    const r = run(
      "git.url",
      snapshot(),
      { ...creds, CLEARML_AGENT_GIT_HOST: "gitlab.com" },
      {},
      { repo: "https://github.com/org/repo.git" },
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /without credentials: they are only for gitlab\.com/);
  });

  it("catches user-pain D26: a mixed-case git host leaves a scp URL on ssh, credentials unused", () => {
    const r = run(
      "git.url",
      snapshot(),
      {
        CLEARML_AGENT_GIT_USER: "me",
        CLEARML_AGENT_GIT_PASS: "tok-123456",
        CLEARML_AGENT_GIT_HOST: "GitLab.com",
      },
      {},
      { repo: "git@gitlab.com:org/repo.git" },
    );
    assert.equal(r.status, "warn");
    assert.match(r.summary, /stays ssh/);
  });

  it("catches user-pain D24: shows the ssh URL forcing produces, with the forced user and port", () => {
    const r = run(
      "git.url",
      snapshot(),
      {},
      {
        [CONF]:
          "agent { force_git_ssh_protocol: true, force_git_ssh_user: bob, force_git_ssh_port: 2222 }",
      },
      { repo: "https://github.com/org/repo.git" },
    );
    assert.equal(r.status, "pass");
    assert.equal(r.summary, "the agent clones ssh://bob@github.com:2222/org/repo.git");
    assert.match(r.details?.[0] ?? "", /Using SSH credentials/);
  });

  it("catches user-pain D24: a port written in the scp form is a path", () => {
    const r = run("git.url", snapshot(), {}, {}, { repo: "git@git.example.com:2222/org/repo.git" });
    assert.equal(r.status, "warn");
    assert.ok(r.details?.some((d) => d.includes("ssh://git@git.example.com:2222/")));
  });

  it("fails an ssh URL with a path where the port goes, which the agent cannot parse", () => {
    const r = run(
      "git.url",
      snapshot(),
      {},
      { [CONF]: "agent { force_git_ssh_protocol: true }" },
      { repo: "ssh://git@github.com:org/repo.git" },
    );
    assert.equal(r.status, "fail");
    assert.match(r.summary, /Invalid port 'org'/);
  });

  it("warns when the password would travel over plain http", () => {
    const r = run("git.url", snapshot(), creds, {}, {
      repo: "http://gitea.local:3000/org/repo.git",
    });
    assert.equal(r.status, "warn");
    assert.match(r.summary, /unencrypted/);
  });

  it("masks a password that the repository URL itself carries", () => {
    const r = run("git.url", snapshot(), {}, {}, {
      repo: "https://bob:hunter2hunter2@h.com/r.git",
    });
    assert.ok(!shown(r).includes("hunter2hunter2"), shown(r));
  });
});

describe("git.ssh", () => {
  const knownPlain = {
    path: "/home/u/.ssh/known_hosts",
    exists: true,
    text: fixture("known_hosts_plain"),
  };
  const knownHashed = {
    path: "/home/u/.ssh/known_hosts",
    exists: true,
    text: fixture("known_hosts_hashed"),
  };

  it("catches user-pain D23: no key and no agent for an ssh repository fails with publickey", () => {
    const r = run("git.ssh", snapshot(), {}, {}, { repo: "git@git.example.com:org/repo.git" });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /Permission denied \(publickey\)/);
  });

  it("catches user-pain D23: an unknown host key fails with Host key verification failed", () => {
    const s = snapshot({ ssh: ssh({ keys: [KEY], knownHosts: [knownPlain] }) });
    const r = run("git.ssh", s, {}, {}, { repo: "git@github.com:org/repo.git" });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /Host key verification failed/);
    assert.deepEqual(r.fix?.commands, ["ssh-keyscan -H github.com >> ~/.ssh/known_hosts"]);
  });

  it("passes when a hashed known_hosts entry matches the repository host", () => {
    const s = snapshot({ ssh: ssh({ keys: [KEY], knownHosts: [knownHashed] }) });
    const r = run("git.ssh", s, {}, {}, { repo: "git@git.example.com:org/repo.git" });
    assert.equal(r.status, "pass");
    assert.ok(r.details?.some((d) => d.includes("(hashed entry)")));
  });

  it("looks up [host]:port for an ssh URL with a port", () => {
    const s = snapshot({ ssh: ssh({ keys: [KEY], knownHosts: [knownHashed] }) });
    const ok = run("git.ssh", s, {}, {}, { repo: "ssh://git@git.example.com:2222/org/repo.git" });
    assert.equal(ok.status, "pass");
    const other = run("git.ssh", s, {}, {}, {
      repo: "ssh://git@git.example.com:2200/org/repo.git",
    });
    assert.equal(other.status, "fail");
  });

  it("accepts an unknown host when ~/.ssh/config says StrictHostKeyChecking accept-new", () => {
    const s = snapshot({
      ssh: ssh({
        keys: [KEY],
        userConfig: "Host *.example.com\n  StrictHostKeyChecking accept-new\n",
      }),
    });
    const r = run("git.ssh", s, {}, {}, { repo: "git@new.example.com:org/repo.git" });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /accepted \(StrictHostKeyChecking accept-new\)/);
  });

  it("fails a host whose key is marked @revoked", () => {
    const s = snapshot({ ssh: ssh({ keys: [KEY], knownHosts: [knownPlain] }) });
    const r = run("git.ssh", s, {}, {}, { repo: "git@old.example.com:org/repo.git" });
    assert.equal(r.status, "fail");
    assert.match(r.summary, /@revoked/);
  });

  it("counts a live ssh agent socket as an identity", () => {
    const s = snapshot({
      ssh: ssh({
        knownHosts: [knownPlain],
        authSock: { path: "/tmp/agent.sock", exists: true, isSocket: true },
      }),
    });
    const r = run("git.ssh", s, {}, {}, { repo: "git@git.example.com:org/repo.git" });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /ssh agent/);
  });

  it("catches user-pain D23: a passphrase key without an agent cannot be used in BatchMode", () => {
    const s = snapshot({
      ssh: ssh({ keys: [{ ...KEY, encrypted: true }], knownHosts: [knownPlain] }),
    });
    const r = run("git.ssh", s);
    assert.equal(r.status, "warn");
    assert.match(r.summary, /no usable ssh key/);
    assert.ok(r.details?.some((d) => /passphrase/.test(d)));
  });

  it("warns about a private key others can read: ssh ignores it", () => {
    const s = snapshot({ ssh: ssh({ keys: [{ ...KEY, mode: 0o644 }], knownHosts: [knownPlain] }) });
    const r = run("git.ssh", s);
    assert.equal(r.status, "warn");
    assert.deepEqual(r.fix?.commands, ["chmod 600 /home/u/.ssh/id_ed25519"]);
  });

  it("counts a key given to GIT_SSH_COMMAND with -i as an identity", () => {
    const s = snapshot({ ssh: ssh({ knownHosts: [knownPlain] }) });
    const r = run("git.ssh", s, { GIT_SSH_COMMAND: "ssh -i /keys/deploy -oBatchMode=yes" }, {}, {
      repo: "git@git.example.com:org/repo.git",
    });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /\/keys\/deploy/);
  });

  it("says docker tasks get no ssh keys when the ssh mount is disabled and no agent runs", () => {
    const r = run("git.ssh", snapshot(), { CLEARML_AGENT_DISABLE_SSH_MOUNT: "true" });
    assert.ok(r.details?.some((d) => d.includes("docker tasks get no ssh keys")));
  });

  it("passes for an https repository whatever the ssh setup", () => {
    const r = run("git.ssh", snapshot(), {}, {}, { repo: "https://github.com/org/repo.git" });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /over https/);
  });

  it("passes without keys when git credentials turn ssh URLs into https", () => {
    const r = run("git.ssh", snapshot(), {
      CLEARML_AGENT_GIT_USER: "me",
      CLEARML_AGENT_GIT_PASS: "tok-1234",
    });
    assert.equal(r.status, "pass");
    assert.match(r.summary, /ssh keys are optional/);
  });

  it("warns when keys exist but no known_hosts file does", () => {
    const r = run("git.ssh", snapshot({ ssh: ssh({ keys: [KEY] }) }));
    assert.equal(r.status, "warn");
    assert.match(r.summary, /no known_hosts file/);
  });

  it("passes with a usable key and a known_hosts file", () => {
    const r = run("git.ssh", snapshot({ ssh: ssh({ keys: [KEY], knownHosts: [knownPlain] }) }));
    assert.equal(r.status, "pass");
    assert.match(r.summary, /1 usable ssh key/);
  });
});

describe("git.ls_remote", () => {
  const opts = { probeGit: true, repo: "https://github.com/org/repo.git" };
  const ls = (over: Partial<LsRemoteResult>): GitSnapshot =>
    snapshot({
      lsRemote: {
        url: "https://github.com/org/repo.git",
        credentials: "not-configured",
        argv: ["git", "ls-remote", "https://github.com/org/repo.git", "HEAD"],
        code: 128,
        timedOut: false,
        notFound: false,
        durationMs: 40,
        refs: 0,
        stderr: "",
        ...over,
      },
    });

  it("is skipped unless --probe-git is given", () => {
    assert.equal(run("git.ls_remote", snapshot(), {}, {}, { repo: "x" }).status, "skip");
  });

  it("is skipped without --repo", () => {
    assert.equal(run("git.ls_remote", snapshot(), {}, {}, { probeGit: true }).status, "skip");
  });

  it("passes with the HEAD commit from real ls-remote output", () => {
    const out = fixture("ls_remote_ok.stdout.txt");
    const head = out.split("\t")[0];
    const r = run("git.ls_remote", ls({ code: 0, refs: 1, head }), {}, {}, opts);
    assert.equal(r.status, "pass");
    assert.match(r.summary, /HEAD 43a6b3e42277/);
  });

  const failures: Array<[string, RegExp]> = [
    ["ls_remote_https_dns.stderr.txt", /does not resolve/],
    ["ls_remote_ssh_dns.stderr.txt", /does not resolve/],
    ["ls_remote_missing_repo.stderr.txt", /not found/],
    ["ls_remote_http_noauth.stderr.txt", /credentials are missing or rejected/],
    ["ls_remote_http_badauth.stderr.txt", /credentials are missing or rejected/],
  ];
  for (const [file, cause] of failures) {
    it(`catches user-pain D26: explains the real git error in ${file}`, () => {
      const r = run("git.ls_remote", ls({ stderr: fixture(file).trim() }), {}, {}, opts);
      assert.equal(r.status, "fail");
      assert.match(r.summary, cause);
    });
  }

  it("fails when git does not answer within the step timeout", () => {
    const r = run("git.ls_remote", ls({ code: null, timedOut: true }), {}, {}, opts);
    assert.equal(r.status, "fail");
    assert.match(r.summary, /did not answer/);
  });

  it("is skipped with the probe's reason when --offline stopped it", () => {
    const r = run(
      "git.ls_remote",
      ls({ skipped: "--offline: no network probe" }),
      {},
      {},
      opts,
    );
    assert.equal(r.status, "skip");
    assert.match(r.summary, /offline/);
  });
});

describe("classifyGitError()", () => {
  it("recognises ssh's host key and public key refusals", () => {
    assert.match(
      classifyGitError(
        "Host key verification failed.\r\nfatal: Could not read from remote repository.",
      ).cause,
      /host key/,
    );
    assert.match(
      classifyGitError("git@github.com: Permission denied (publickey).").cause,
      /refused the ssh key/,
    );
  });

  it("falls back to a generic cause with a way to learn more", () => {
    assert.match(classifyGitError("something odd").fix, /GIT_TRACE/);
  });
});

describe("knownHostMatch()", () => {
  it("finds a plain entry in a comma list and by wildcard", () => {
    const text = fixture("known_hosts_plain");
    assert.equal(knownHostMatch(text, "10.0.0.7").found, true);
    assert.equal(knownHostMatch(text, "build.corp.example").found, true);
    assert.equal(knownHostMatch(text, "github.com").found, false);
  });

  it("matches hashed entries made by ssh-keygen -H, by host and port", () => {
    const text = fixture("known_hosts_hashed");
    const m = knownHostMatch(text, "Git.Example.com");
    assert.deepEqual([m.found, m.hashed], [true, true]);
    assert.equal(knownHostMatch(text, "git.example.com", 2222).found, true);
    assert.equal(knownHostMatch(text, "other.example.com").found, false);
    assert.equal(m.hashedEntries, 3);
  });

  it("reports @revoked lines without counting them as known", () => {
    const m = knownHostMatch(fixture("known_hosts_plain"), "old.example.com");
    assert.deepEqual([m.found, m.revoked], [false, true]);
  });

  it("names a non-default port in brackets", () => {
    assert.equal(knownHostName("H.com", 2222), "[h.com]:2222");
    assert.equal(knownHostName("h.com", 22), "h.com");
  });

  it("honours a negated pattern", () => {
    assert.equal(
      knownHostMatch("*.example.com,!bad.example.com ssh-ed25519 AAAA", "bad.example.com").found,
      false,
    );
  });
});

describe("sshOption()", () => {
  const config = [
    "StrictHostKeyChecking ask",
    "Host github.com",
    "  StrictHostKeyChecking=no",
    "Host *",
    "  StrictHostKeyChecking yes",
  ].join("\n");

  it("takes the first value that applies, global lines first", () => {
    assert.equal(sshOption(config, "github.com", "StrictHostKeyChecking"), "ask");
    assert.equal(
      sshOption(
        "Host github.com\n StrictHostKeyChecking=no\n",
        "github.com",
        "stricthostkeychecking",
      ),
      "no",
    );
  });

  it("skips blocks whose Host patterns do not match", () => {
    assert.equal(
      sshOption("Host gitlab.com\n IdentityFile ~/.ssh/gl\n", "github.com", "IdentityFile"),
      undefined,
    );
  });
});

/** An OpenSSH private-key container with the given cipher (the rest of the key is not needed). */
function opensshKey(cipher: string): string {
  const magic = Buffer.from("openssh-key-v1\0", "latin1");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(cipher.length);
  const body = Buffer.concat([magic, len, Buffer.from(cipher, "latin1"), Buffer.alloc(16)])
    .toString("base64");
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

describe("ssh key facts", () => {
  it("tells an encrypted OpenSSH key from a plain one by its cipher", () => {
    assert.equal(keyIsEncrypted(opensshKey("none")), false);
    assert.equal(keyIsEncrypted(opensshKey("aes256-ctr")), true);
  });

  it("reads the PEM encryption headers", () => {
    assert.equal(keyIsEncrypted("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"), true);
    assert.equal(keyIsEncrypted("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"), false);
    assert.equal(keyIsEncrypted("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), true);
    assert.equal(keyIsEncrypted("not a key"), undefined);
  });

  it("knows ssh's default key names and its permission rule", () => {
    assert.equal(isDefaultKeyName("id_ed25519"), true);
    assert.equal(isDefaultKeyName("id_ed25519.pub"), false);
    assert.equal(keyModeTooOpen(0o600), false);
    assert.equal(keyModeTooOpen(0o640), true);
  });
});

describe("git probe helpers", () => {
  it("masks a password in raw and percent-encoded form and in URLs", () => {
    const text = "fatal: https://me:p%40ss@h/x p@ss https://a:b-c-d@h/";
    const out = maskSecrets(text, ["p@ss"]);
    assert.ok(!out.includes("p@ss") && !out.includes("p%40ss"), out);
    assert.ok(!out.includes("b-c-d"), out);
  });

  it("keeps the credential helper free of secrets: it reads them from the environment", () => {
    assert.match(CREDENTIAL_HELPER, /\$CLEARML_DOCTOR_GIT_PASS/);
    assert.doesNotMatch(CREDENTIAL_HELPER, /password=[^%]/);
  });
});
