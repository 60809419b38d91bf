/**
 * Doctor's git category: git itself, the credentials and URL rewriting the agent applies
 * (agent-exec §1 rows 14-16, §5.6, T36-T40), the ssh material its `ssh -oBatchMode=yes` needs,
 * and an opt-in `git ls-remote` (user-pain D23-D26). Checks are pure functions of the snapshot.
 */
import type { Category, Check, CheckResult, DoctorInput, Status } from "../types.ts";
import { type CloneUrl, cloneUrl, maskGitUrl } from "../../agent/git_url.ts";
import { type GitSettings, gitSettings, usesAskPass } from "../git_settings.ts";
import { knownHostMatch } from "../known_hosts.ts";
import { sshOption } from "../ssh_config.ts";
import { keyModeTooOpen } from "../ssh_key_info.ts";
import { worse } from "../worse_status.ts";
import { probeGit } from "../probes/git_probe.ts";
import type { GitSnapshot } from "../probes/git_snapshot.ts";

import { MASK } from "../../settings/mask.ts";

// ── git.installed ────────────────────────────────────────────────────────────────────────────

function installed(s: GitSnapshot): CheckResult {
  const g = s.git;
  const fix = {
    text: "install git where the agent runs",
    commands: ["apt-get install git"],
  };
  if (!g.found) {
    return {
      status: "fail",
      summary: "git is not installed (not on PATH): the agent cannot clone task repositories",
      evidence: { error: g.error ?? null },
      fix,
    };
  }
  if (g.timedOut) return { status: "fail", summary: "`git --version` did not answer in time" };
  if (g.code !== 0) {
    return {
      status: "fail",
      summary: `\`git --version\` failed (exit ${g.code}): ${g.output}`,
      fix,
    };
  }
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(g.output);
  if (!m) {
    return { status: "warn", summary: `unexpected \`git --version\` output: ${g.output}` };
  }
  const version = [m[1], m[2], m[3]].filter((x) => x !== undefined).join(".");
  const evidence = { version, output: g.output };
  if (Number(m[1]) < 2 || (Number(m[1]) === 2 && Number(m[2]) < 3)) {
    return {
      status: "warn",
      summary:
        `git ${version} is older than 2.3: it ignores GIT_TERMINAL_PROMPT=0, so a clone that ` +
        "needs a password can wait for one",
      evidence,
      fix: { text: "upgrade git" },
    };
  }
  return { status: "pass", summary: `git ${version}`, evidence };
}

// ── git.auth ─────────────────────────────────────────────────────────────────────────────────

function authEvidence(g: GitSettings): Record<string, unknown> {
  const c = g.config;
  return {
    user: c.user,
    userFrom: g.user.from,
    pass: c.pass ? MASK : null,
    passFrom: g.pass.from,
    host: c.host,
    hostFrom: g.host.from,
    forceSsh: c.forceSsh ?? false,
    translateSsh: c.translateSsh ?? true,
  };
}

function authLines(g: GitSettings): string[] {
  const c = g.config;
  return [
    `agent.git_user: ${c.user ?? "not set"}${c.user ? ` (${g.user.from})` : ""}`,
    `agent.git_pass: ${c.pass ? `${MASK} (${g.pass.from})` : "not set"}`,
    `agent.git_host: ${c.host ?? "not set (every host)"}${c.host ? ` (${g.host.from})` : ""}`,
    `agent.force_git_ssh_protocol: ${c.forceSsh ? "true" : "false"} (${g.forceSsh.from})`,
    `agent.translate_ssh: ${c.translateSsh === false ? "false" : "true"} (${g.translateSsh.from})`,
  ];
}

function auth(_s: GitSnapshot, input: DoctorInput): CheckResult {
  const g = gitSettings(input);
  const c = g.config;
  const findings: Array<{ status: Status; text: string; fix?: string }> = [];
  if (Boolean(c.user) !== Boolean(c.pass)) {
    const has = c.user ? `agent.git_user (${g.user.from})` : `agent.git_pass (${g.pass.from})`;
    const missing = c.user
      ? "CLEARML_AGENT_GIT_PASS / agent.git_pass"
      : "CLEARML_AGENT_GIT_USER / agent.git_user";
    findings.push({
      status: "warn",
      text: `only ${has} is set: the agent needs both a user and a password, so neither is used ` +
        "and ssh URLs are not turned into https",
      fix: `set ${missing} too`,
    });
  }
  if (c.forceSsh && c.user && c.pass) {
    findings.push({
      status: "warn",
      text: "agent.force_git_ssh_protocol is true but a git user and password are set " +
        `(${g.user.from}): https URLs become ssh, yet scp-style URLs (git@host:org/repo) are still ` +
        "turned into https with the password",
      fix:
        "choose one: unset the git user/password to use ssh keys, or turn force_git_ssh_protocol off",
    });
  }
  if (c.host) {
    if (/[/@]|^[a-z][a-z0-9+.-]*:/i.test(c.host) || /:\d+$/.test(c.host)) {
      findings.push({
        status: "warn",
        text: `agent.git_host "${c.host}" is not a bare host name: it never equals a URL's host, ` +
          "so no repository gets the credentials",
        fix: "write only the host name, e.g. github.com",
      });
    } else if (c.host !== c.host.toLowerCase()) {
      findings.push({
        status: "warn",
        text:
          `agent.git_host "${c.host}" has capitals: credentials are sent (compared lower-cased) ` +
          "but the ssh/https rewriting compares it as written and never matches",
        fix: `write it in lower case: ${c.host.toLowerCase()}`,
      });
    }
  }
  const details = authLines(g);
  if (c.host && g.host.origin?.kind === "env") {
    details.push(
      "CLEARML_AGENT_GIT_HOST is not passed into docker containers: there the credentials go to every host " +
        "unless agent.git_host is in the configuration file",
    );
  }
  const evidence = authEvidence(g);
  if (findings.length) {
    const status = findings.reduce<Status>((acc, f) => worse(acc, f.status), "pass");
    const fixes = findings.map((f) => f.fix).filter((f): f is string => Boolean(f));
    return {
      status,
      summary: findings[0]!.text + (findings.length > 1 ? ` (+${findings.length - 1} more)` : ""),
      details: [...findings.map((f) => f.text), ...details],
      evidence,
      ...(fixes.length ? { fix: { text: fixes.join("; ") } } : {}),
    };
  }
  let summary: string;
  if (c.user && c.pass) {
    // an empty agent.git_host restricts nothing, like an unset one
    summary = `https credentials for ${c.host || "every host"}: user ${c.user} (${g.user.from})` +
      (c.translateSsh === false ? "" : "; ssh URLs are turned into https");
  } else if (c.forceSsh) {
    summary = "ssh forced: https URLs become ssh://git@host/…, authenticated with ssh keys";
  } else {
    summary = "no git credentials: https repositories must be public (or served by a git " +
      "credential helper), git@… URLs use ssh keys";
  }
  return { status: "pass", summary, details, evidence };
}

// ── git.url ──────────────────────────────────────────────────────────────────────────────────

function credentialLine(c: CloneUrl, g: GitSettings): string {
  switch (c.credentials) {
    case "injected":
      return `credentials: user ${g.config.user} and the password are added for ${c.host}`;
    case "in-url":
      return "credentials: the URL's own user and password are used";
    case "not-configured":
      return "credentials: none configured (both a user and a password are needed)";
    case "other-host":
      return `credentials: not sent, agent.git_host is ${g.config.host} and the URL's host is ${c.host}`;
    case "not-https":
      return "credentials: not used for ssh URLs (ssh keys are)";
  }
}

function url(s: GitSnapshot, input: DoctorInput): CheckResult {
  const repo = input.options.repo;
  if (!repo) {
    return {
      status: "skip",
      summary: "give --repo URL to see the exact URL the agent would clone",
    };
  }
  const g = gitSettings(input);
  const c = cloneUrl(repo, g.config);
  const shownInput = maskGitUrl(repo);
  const evidence: Record<string, unknown> = {
    repository: shownInput,
    url: c.display,
    rewrite: c.rewrite,
    credentials: c.credentials,
    transport: c.transport,
    host: c.host,
  };
  if (c.error) {
    const hint = /^ssh:\/\/[^/]*:[^/\d]/.test(repo)
      ? "ssh:// URLs take a port after the colon: write git@host:org/repo.git or ssh://git@host/org/repo.git"
      : "fix the repository URL";
    return {
      status: "fail",
      summary: `the agent cannot parse ${shownInput}: ${c.error}`,
      evidence,
      fix: { text: hint },
    };
  }
  const details = [...c.messages, credentialLine(c, g)];
  if (c.credentials === "injected") {
    details.push(
      usesAskPass(g, s.platform)
        ? `command line: git clone ${c.urlWithoutAuth} (the credentials go through a GIT_ASKPASS script)`
        : `command line: git clone ${c.display}`,
    );
  }
  let status: Status = "pass";
  let summary = `the agent clones ${c.display}`;
  const fixes: string[] = [];
  if (c.credentials === "other-host") {
    status = "warn";
    summary += ` without credentials: they are only for ${g.config.host}`;
    fixes.push(`set CLEARML_AGENT_GIT_HOST to ${c.host} or unset it`);
  } else if (
    c.transport === "ssh" && c.rewrite === "none" && g.config.user && g.config.pass &&
    g.config.host && g.config.translateSsh !== false && !g.config.forceSsh
  ) {
    status = "warn";
    summary += `: it stays ssh and the git credentials are not used, because agent.git_host ` +
      `"${g.config.host}" is not "${c.host}" as written (this comparison is case-sensitive)`;
    fixes.push(`set agent.git_host to ${c.host ?? "the URL's host"} exactly`);
  } else if (c.credentials === "injected" && c.scheme === "http") {
    status = "warn";
    summary += ": the password travels unencrypted (http)";
    fixes.push("use an https URL");
  }
  const scpPort = /^[^/@:]+@[^/@:]+:(\d+)\//.exec(repo);
  if (scpPort && c.rewrite !== "ssh-to-https") {
    status = "warn";
    details.push(
      `"${scpPort[1]}" after the colon is a path, not a port, in the scp form; ` +
        `for a port write ssh://git@${c.host}:${scpPort[1]}/…`,
    );
    fixes.push("use the ssh:// form to give a port");
  }
  return {
    status,
    summary,
    details,
    evidence,
    ...(fixes.length ? { fix: { text: fixes.join("; ") } } : {}),
  };
}

// ── git.ssh ──────────────────────────────────────────────────────────────────────────────────

function modeText(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

function sshCheck(s: GitSnapshot, input: DoctorInput): CheckResult {
  const g = gitSettings(input);
  const ssh = s.ssh;
  const repo = input.options.repo;
  const c = repo ? cloneUrl(repo, g.config) : undefined;
  const repoSsh = c !== undefined && !c.error && c.transport === "ssh";
  const host = repoSsh ? c.host ?? undefined : undefined;

  const usable = ssh.keys.filter((k) =>
    !keyModeTooOpen(k.mode) && k.encrypted !== true && !k.error
  );
  const tooOpen = ssh.keys.filter((k) => keyModeTooOpen(k.mode));
  const encrypted = ssh.keys.filter((k) => k.encrypted === true && !keyModeTooOpen(k.mode));
  const agentOk = ssh.authSock.exists && ssh.authSock.isSocket;
  // An identity named in ~/.ssh/config or on GIT_SSH_COMMAND's command line (`-i file`).
  const configIdentity =
    (host ? sshOption(ssh.userConfig ?? "", host, "IdentityFile") : undefined) ??
      /(?:^|\s)-i\s*(\S+)/.exec(input.env.GIT_SSH_COMMAND ?? "")?.[1];

  const details: string[] = [];
  details.push(
    ssh.keys.length
      ? `keys in ${ssh.dir}: ` + ssh.keys.map((k) => {
        const notes = [modeText(k.mode)];
        if (keyModeTooOpen(k.mode)) notes.push("too open: ssh ignores it");
        if (k.encrypted) notes.push("needs a passphrase");
        if (k.error) notes.push(`unreadable: ${k.error}`);
        return `${k.name} (${notes.join(", ")})`;
      }).join(", ")
      : `no id_* keys in ${ssh.dir}${ssh.dirExists ? "" : " (the folder does not exist)"}`,
  );
  if (ssh.authSock.path) {
    details.push(
      `ssh agent: SSH_AUTH_SOCK=${ssh.authSock.path}` +
        (agentOk ? "" : ssh.authSock.exists ? " is not a socket" : " does not exist"),
    );
  } else details.push("ssh agent: SSH_AUTH_SOCK is not set");
  if (configIdentity) {
    details.push(`identity named in the ssh configuration: ${configIdentity}`);
  }

  const files = ssh.knownHosts.filter((f) => f.text !== undefined);
  let known = false;
  let knownHashed = false;
  let revoked = false;
  let entries = 0;
  let hashedEntries = 0;
  for (const f of files) {
    const m = knownHostMatch(f.text!, host ?? "", c?.port);
    entries += m.entries;
    hashedEntries += m.hashedEntries;
    if (host && m.found) {
      known = true;
      knownHashed ||= m.hashed;
      details.push(`${host}: found in ${f.path}${m.hashed ? " (hashed entry)" : ""}`);
    }
    if (host && m.revoked) revoked = true;
  }
  details.push(
    files.length
      ? `known_hosts: ${entries} entr${entries === 1 ? "y" : "ies"}` +
        (hashedEntries ? ` (${hashedEntries} hashed)` : "") +
        ` in ${files.map((f) => f.path).join(", ")}`
      : "known_hosts: none",
  );
  const strict = host
    ? (/StrictHostKeyChecking[= ]+(no|off|accept-new)\b/i.exec(input.env.GIT_SSH_COMMAND ?? "")
      ?.[1] ??
      sshOption(ssh.userConfig ?? "", host, "StrictHostKeyChecking") ??
      sshOption(ssh.systemConfig ?? "", host, "StrictHostKeyChecking"))
    : undefined;
  const acceptsUnknown = strict !== undefined &&
    ["no", "off", "accept-new"].includes(strict.toLowerCase());
  details.push(
    "in docker mode the agent copies ~/.ssh into the container (or forwards SSH_AUTH_SOCK): " +
      "keys and known_hosts must also suit the container's user",
  );
  const noMount = input.agent.variables.find((v) =>
    v.variable.name === "CLEARML_AGENT_DISABLE_SSH_MOUNT"
  );
  if (noMount?.status === "set" && noMount.value === true && !ssh.authSock.path) {
    details.push(
      "CLEARML_AGENT_DISABLE_SSH_MOUNT is true and SSH_AUTH_SOCK is empty: docker tasks get no ssh keys",
    );
  }

  const evidence = {
    keys: ssh.keys.map((k) => ({
      name: k.name,
      mode: modeText(k.mode),
      encrypted: k.encrypted ?? null,
    })),
    agentSocket: agentOk,
    knownHostsEntries: entries,
    hashedEntries,
    ...(host ? { host, known, knownHashed, revoked } : {}),
  };
  const hasIdentity = usable.length > 0 || agentOk || Boolean(configIdentity);

  if (repoSsh && host) {
    const port = c?.port && c.port !== 22 ? ` -p ${c.port}` : "";
    if (!hasIdentity) {
      return {
        status: "fail",
        summary:
          `no usable ssh key or agent for ${host}: the clone fails with "Permission denied (publickey)"`,
        details,
        evidence,
        fix: {
          text: encrypted.length
            ? "load the key into an ssh agent (ssh-add) and export SSH_AUTH_SOCK: BatchMode cannot ask for the passphrase"
            : tooOpen.length
            ? "restrict the key's permissions"
            : "create a key and register its .pub with the git server",
          commands: tooOpen.length
            ? tooOpen.map((k) => `chmod 600 ${k.path}`)
            : encrypted.length
            ? ["eval $(ssh-agent)", `ssh-add ${encrypted[0]!.path}`]
            : ["ssh-keygen -t ed25519"],
        },
      };
    }
    if (revoked) {
      return {
        status: "fail",
        summary: `the host key of ${host} is marked @revoked`,
        details,
        evidence,
      };
    }
    if (!known && !acceptsUnknown) {
      return {
        status: "fail",
        summary:
          `${host} is not in known_hosts: the clone fails with "Host key verification failed"`,
        details,
        evidence,
        fix: {
          text: "add the host key (compare its fingerprint with the one the git server publishes)",
          commands: [`ssh-keyscan -H${port} ${host} >> ~/.ssh/known_hosts`],
        },
      };
    }
    const how = agentOk
      ? "the ssh agent"
      : usable.length
      ? usable.map((k) => k.name).join(", ")
      : configIdentity!;
    return {
      status: tooOpen.length || encrypted.length ? "warn" : "pass",
      summary:
        `ssh to ${host} can authenticate with ${how}; host key ${
          known ? "known" : `accepted (StrictHostKeyChecking ${strict})`
        }` +
        (tooOpen.length ? `; ${tooOpen.map((k) => k.name).join(", ")} ignored (too open)` : ""),
      details,
      evidence,
    };
  }
  if (c && !c.error) {
    return {
      status: "pass",
      summary: `the repository is cloned over ${c.transport}: ssh is not used`,
      details,
      evidence,
    };
  }
  // No repository given: judge the setup for git@… URLs in general.
  const creds = Boolean(g.config.user && g.config.pass);
  if (creds && g.config.translateSsh !== false && !g.config.forceSsh) {
    return {
      status: "pass",
      summary: "ssh URLs are turned into https with the git credentials: ssh keys are optional",
      details,
      evidence,
    };
  }
  const problems: string[] = [];
  if (!hasIdentity) problems.push("no usable ssh key or agent: git@… repositories will not clone");
  if (tooOpen.length) {
    problems.push(
      `${tooOpen.map((k) => k.name).join(", ")} can be read by others: ssh ignores ${
        tooOpen.length > 1 ? "them" : "it"
      }`,
    );
  }
  if (encrypted.length && !agentOk) {
    problems.push(
      `${encrypted.map((k) => k.name).join(", ")} need${
        encrypted.length > 1 ? "" : "s"
      } a passphrase and no ssh agent runs: ` +
        "the agent's ssh -oBatchMode=yes cannot use it",
    );
  }
  if (ssh.authSock.path && !agentOk) {
    problems.push(`SSH_AUTH_SOCK=${ssh.authSock.path} is not a live socket`);
  }
  if (hasIdentity && files.length === 0) {
    problems.push(
      "no known_hosts file: the first ssh clone of any host fails (Host key verification failed)",
    );
  }
  if (problems.length) {
    return {
      status: "warn",
      summary: problems[0]! + (problems.length > 1 ? ` (+${problems.length - 1} more)` : ""),
      details: [...problems, ...details],
      evidence,
      ...(tooOpen.length ? { fix: { commands: tooOpen.map((k) => `chmod 600 ${k.path}`) } } : {}),
    };
  }
  return {
    status: "pass",
    summary: agentOk
      ? `ssh agent available${usable.length ? ` and ${usable.length} key(s)` : ""}`
      : `${usable.length} usable ssh key(s): ${usable.map((k) => k.name).join(", ")}`,
    details,
    evidence,
  };
}

// ── git.ls_remote ────────────────────────────────────────────────────────────────────────────

interface Cause {
  cause: string;
  fix: string;
}

/** What git's error output means, in the terms of the fix. */
export function classifyGitError(stderr: string): Cause {
  const rules: Array<[RegExp, Cause]> = [
    [/Host key verification failed/i, {
      cause: "the host key is unknown (known_hosts)",
      fix: "add the host to ~/.ssh/known_hosts (ssh-keyscan -H HOST >> ~/.ssh/known_hosts)",
    }],
    [/Permission denied \(publickey/i, {
      cause: "the server refused the ssh key",
      fix: "register the public key with the git server, or load the right key into ssh-agent",
    }],
    [
      /terminal prompts disabled|could not read (Username|Password)|Authentication failed|Invalid username or password|HTTP Basic: Access denied|\b40[13]\b/i,
      {
        cause: "https credentials are missing or rejected",
        fix:
          "set CLEARML_AGENT_GIT_USER/CLEARML_AGENT_GIT_PASS (a token with read access to the repository)",
      },
    ],
    [/SSL certificate problem|server certificate verification failed|certificate verify failed/i, {
      cause: "the server's TLS certificate is not trusted",
      fix: "install the CA certificate, or point GIT_SSL_CAINFO at it",
    }],
    [
      /Could not resolve (host|proxy)|Name or service not known|nodename nor servname|Temporary failure in name resolution/i,
      {
        cause: "the host name does not resolve",
        fix: "check the URL's host name and DNS",
      },
    ],
    [/proxy|CONNECT tunnel failed/i, {
      cause: "the proxy refused the connection",
      fix: "check HTTPS_PROXY/NO_PROXY for the git host",
    }],
    [
      /Connection refused|Connection timed out|Network is unreachable|Failed to connect|Connection reset|Operation timed out/i,
      {
        cause: "the host cannot be reached",
        fix: "check the network path and port to the git host",
      },
    ],
    [
      /Repository not found|does not appear to be a git repository|not a git repository|repository .* not found|No such file or directory/i,
      {
        cause: "the repository is not found (or these credentials cannot see it)",
        fix: "check the URL, and that the credentials have access to it",
      },
    ],
  ];
  for (const [re, cause] of rules) if (re.test(stderr)) return cause;
  return { cause: "git failed", fix: "run the command shown with GIT_TRACE=1 to see why" };
}

function lsRemoteCheck(s: GitSnapshot, input: DoctorInput): CheckResult {
  if (!input.options.probeGit) {
    return {
      status: "skip",
      summary: "opt-in: --probe-git --repo URL runs git ls-remote with the agent's credentials",
    };
  }
  if (!input.options.repo) return { status: "skip", summary: "--probe-git needs --repo URL" };
  const ls = s.lsRemote;
  if (!ls) return { status: "skip", summary: "git ls-remote was not run" };
  if (ls.skipped) return { status: "skip", summary: ls.skipped, evidence: { url: ls.url } };
  const evidence = {
    url: ls.url,
    argv: ls.argv ?? [],
    credentials: ls.credentials,
    code: ls.code ?? null,
    durationMs: ls.durationMs ?? null,
    refs: ls.refs ?? 0,
  };
  if (ls.code === 0) {
    return {
      status: "pass",
      summary: `reached ${ls.url} in ${ls.durationMs} ms` +
        (ls.head ? ` (HEAD ${ls.head.slice(0, 12)})` : " (no HEAD: empty repository?)") +
        (ls.credentials === "injected" ? " with the configured credentials" : ""),
      evidence,
    };
  }
  if (ls.timedOut) {
    return {
      status: "fail",
      summary: `git ls-remote ${ls.url} did not answer within the step timeout`,
      details: ls.stderr ? ls.stderr.split("\n") : [],
      evidence,
      fix: { text: "check the network path to the git host (firewall, proxy)" },
    };
  }
  if (ls.notFound) return { status: "fail", summary: "git could not be started", evidence };
  const { cause, fix } = classifyGitError(ls.stderr ?? "");
  return {
    status: "fail",
    summary: `git ls-remote ${ls.url} failed: ${cause}`,
    details: [
      ...(ls.argv ? [`ran: ${ls.argv.join(" ")}`] : []),
      ...(ls.stderr ? ls.stderr.split("\n") : []),
    ],
    evidence,
    fix: { text: fix },
  };
}

const checks: ReadonlyArray<Check<GitSnapshot>> = [
  { id: "git.installed", title: "git is installed", run: installed },
  { id: "git.auth", title: "git credentials and protocol", run: auth },
  { id: "git.url", title: "the URL the agent clones (--repo)", run: url },
  { id: "git.ssh", title: "ssh keys, known_hosts and agent", run: sshCheck },
  {
    id: "git.ls_remote",
    title: "git ls-remote with the agent's credentials (--probe-git)",
    run: lsRemoteCheck,
  },
];

export const gitCategory: Category<GitSnapshot> = {
  name: "git",
  title: "Git",
  probe: probeGit,
  external: true,
  checks,
};
