/**
 * The git category's probe: `git --version`; the ssh material the agent's `ssh -oBatchMode=yes`
 * would use (default keys in ~/.ssh, known_hosts files, ssh config, the agent socket); and, only
 * with `--probe-git --repo URL`, one `git ls-remote` with the credentials the agent would use.
 *
 * Read-only, and the password never reaches a command line or the snapshot: git gets it from a
 * credential helper that reads it from the child's environment, and every output is masked.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { offlineReason } from "../offline.ts";
import type { DoctorInput, ProbeTools } from "../types.ts";
import type {
  GitSnapshot,
  KnownHostsFile,
  LsRemoteResult,
  SshKeyFile,
  SshSnapshot,
} from "./git_snapshot.ts";
import { cloneUrl, maskGitUrl } from "../../agent/git_url.ts";
import { gitSettings } from "../git_settings.ts";
import { isDefaultKeyName, keyIsEncrypted } from "../ssh_key_info.ts";
import { MASK, maskUrlPassword } from "../../settings/mask.ts";

const MAX_TEXT = 2 * 1024 * 1024;

/** Credentials for git come from the child's environment, never from its argv. */
export const CREDENTIAL_HELPER = '!f() { test "$1" = get || return 0; ' +
  'printf \'username=%s\\npassword=%s\\n\' "$CLEARML_DOCTOR_GIT_USER" "$CLEARML_DOCTOR_GIT_PASS"; }; f';

function readText(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    const text = readFileSync(path, "utf8");
    return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  } catch {
    return undefined;
  }
}

export function probeSsh(home: string, env: Readonly<Record<string, string>>): SshSnapshot {
  const dir = join(home, ".ssh");
  let dirExists = false;
  let dirMode: number | undefined;
  const keys: SshKeyFile[] = [];
  try {
    const st = statSync(dir);
    dirExists = st.isDirectory();
    dirMode = st.mode & 0o7777;
  } catch {
    // no ~/.ssh
  }
  if (dirExists) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      names = [];
    }
    for (const name of names) {
      if (!isDefaultKeyName(name)) continue;
      const path = join(dir, name);
      try {
        const st = statSync(path);
        if (!st.isFile()) continue;
        let encrypted: boolean | undefined;
        let error: string | undefined;
        try {
          // Only a yes/no is kept from the key's text.
          encrypted = keyIsEncrypted(readFileSync(path, "utf8").slice(0, 64 * 1024));
        } catch (e: unknown) {
          error = (e as NodeJS.ErrnoException).code ?? String(e);
        }
        keys.push({
          name,
          path,
          mode: st.mode & 0o7777,
          size: st.size,
          hasPub: existsSync(`${path}.pub`),
          ...(encrypted === undefined ? {} : { encrypted }),
          ...(error ? { error } : {}),
        });
      } catch {
        // vanished or unreadable: not a key ssh can use either
      }
    }
  }
  const knownHosts: KnownHostsFile[] = [
    join(dir, "known_hosts"),
    join(dir, "known_hosts2"),
    "/etc/ssh/ssh_known_hosts",
    "/etc/ssh/ssh_known_hosts2",
  ].map((path) => {
    const text = readText(path);
    return text === undefined ? { path, exists: existsSync(path) } : { path, exists: true, text };
  });
  const sock = env.SSH_AUTH_SOCK;
  let authSock: SshSnapshot["authSock"] = { exists: false, isSocket: false };
  if (sock) {
    try {
      const st = lstatSync(sock);
      authSock = { path: sock, exists: true, isSocket: st.isSocket() };
    } catch {
      authSock = { path: sock, exists: false, isSocket: false };
    }
  }
  const userConfig = readText(join(dir, "config"));
  const systemConfig = readText("/etc/ssh/ssh_config");
  return {
    dir,
    dirExists,
    ...(dirMode === undefined ? {} : { dirMode }),
    keys,
    knownHosts,
    ...(userConfig === undefined ? {} : { userConfig }),
    ...(systemConfig === undefined ? {} : { systemConfig }),
    authSock,
  };
}

/** Every way a secret could show up in git's output, replaced by the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short secrets would garble the text; URL passwords are masked below anyway.
    if (secret.length < 3) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(MASK);
    }
  }
  return maskUrlPassword(out);
}

function isLocal(url: string): boolean {
  return url.startsWith("file:") || url.startsWith("/") || url.startsWith(".");
}

export async function lsRemote(
  input: DoctorInput,
  tools: ProbeTools,
  repo: string,
): Promise<LsRemoteResult> {
  const settings = gitSettings(input);
  const c = cloneUrl(repo, settings.config);
  const base = { url: c.display, credentials: c.credentials };
  if (c.error) return { ...base, skipped: `the agent cannot parse this URL: ${c.error}` };
  if (offlineReason(input) && !isLocal(c.url)) {
    return { ...base, skipped: `${offlineReason(input)}: no network probe` };
  }
  const injected = c.credentials === "injected";
  const url = injected ? c.urlWithoutAuth : c.url;
  const secrets = [settings.config.pass ?? "", ...(injected ? [] : passwordsIn(c.url))];
  const env: Record<string, string> = {
    ...input.env,
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    // The agent keeps a GIT_SSH_COMMAND the environment already has.
    GIT_SSH_COMMAND: input.env.GIT_SSH_COMMAND || "ssh -oBatchMode=yes",
  };
  const args: string[] = [];
  if (injected) {
    env.CLEARML_DOCTOR_GIT_USER = settings.config.user ?? "";
    env.CLEARML_DOCTOR_GIT_PASS = settings.config.pass ?? "";
    // An empty value first empties the helper list, so that no helper of the user's (`store`…)
    // is asked to save the password: the doctor writes nothing.
    args.push("-c", "credential.helper=", "-c", `credential.helper=${CREDENTIAL_HELPER}`);
  }
  args.push("ls-remote", url, "HEAD");
  const shownArgs = ["git", ...args.map((a) => maskSecrets(a, secrets))];
  if (tools.signal.aborted) {
    return { ...base, argv: shownArgs, skipped: "the time budget is spent" };
  }
  const r = await tools.exec("git", args, { timeoutMs: tools.stepTimeoutMs, env, cwd: input.cwd });
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  const head = lines.find((l) => /\tHEAD$/.test(l))?.split("\t")[0];
  return {
    ...base,
    argv: shownArgs,
    helper: injected,
    code: r.code,
    timedOut: r.timedOut,
    notFound: r.notFound,
    durationMs: Math.round(r.durationMs),
    refs: lines.length,
    ...(head ? { head } : {}),
    stderr: maskSecrets(r.stderr.trim().split("\n").slice(-8).join("\n"), secrets),
  };
}

function passwordsIn(url: string): string[] {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:]*:([^/@]*)@/.exec(url);
  if (!m?.[1]) return [];
  let decoded = m[1];
  try {
    decoded = decodeURIComponent(m[1]);
  } catch {
    // keep it encoded
  }
  return [m[1], decoded];
}

export async function probeGit(input: DoctorInput, tools: ProbeTools): Promise<GitSnapshot> {
  const v = await tools.exec("git", ["--version"], {
    timeoutMs: tools.stepTimeoutMs,
    env: { ...input.env },
    cwd: input.cwd,
  });
  const git: GitSnapshot["git"] = {
    found: !v.notFound,
    code: v.code,
    timedOut: v.timedOut,
    output: (v.stdout || v.stderr).trim(),
    ...(v.error ? { error: v.error } : {}),
  };
  const ssh = probeSsh(input.home, input.env);
  const repo = input.options.repo;
  let ls: LsRemoteResult | undefined;
  if (input.options.probeGit && repo) {
    ls = git.found && v.code === 0
      ? await lsRemote(input, tools, repo)
      : { url: maskGitUrl(repo), credentials: "not-configured", skipped: "git is not available" };
  }
  return { git, ssh, ...(ls ? { lsRemote: ls } : {}), platform: process.platform };
}
