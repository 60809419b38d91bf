/** What the git probe found, for the git checks: data flows probe → snapshot → check. */
import type { CredentialUse } from "../../agent/git_url.ts";

export interface SshKeyFile {
  name: string;
  path: string;
  /** Permission bits. */
  mode: number;
  size: number;
  hasPub: boolean;
  /** Needs a passphrase; undefined when the format is unknown. */
  encrypted?: boolean;
  /** Could not be read (e.g. EACCES). */
  error?: string;
}

export interface KnownHostsFile {
  path: string;
  exists: boolean;
  /** Its text, when readable. */
  text?: string;
}

export interface SshSnapshot {
  /** `~/.ssh`. */
  dir: string;
  dirExists: boolean;
  dirMode?: number;
  /** The default identities (`id_*`, not `.pub`). */
  keys: SshKeyFile[];
  /** `~/.ssh/known_hosts`, `known_hosts2`, `/etc/ssh/ssh_known_hosts`, `…2`. */
  knownHosts: KnownHostsFile[];
  /** `~/.ssh/config`. */
  userConfig?: string;
  /** `/etc/ssh/ssh_config`. */
  systemConfig?: string;
  /** `SSH_AUTH_SOCK`. */
  authSock: { path?: string; exists: boolean; isSocket: boolean };
}

export interface LsRemoteResult {
  /** The URL, password masked. */
  url: string;
  credentials: CredentialUse;
  /** Why it did not run. */
  skipped?: string;
  /** What ran, secrets masked. */
  argv?: string[];
  /** The credentials came from a helper reading the child's environment. */
  helper?: boolean;
  code?: number | null;
  timedOut?: boolean;
  notFound?: boolean;
  durationMs?: number;
  refs?: number;
  /** The commit of HEAD. */
  head?: string;
  /** The end of git's error output, secrets masked. */
  stderr?: string;
}

export interface GitSnapshot {
  git: { found: boolean; code: number | null; timedOut: boolean; output: string; error?: string };
  ssh: SshSnapshot;
  /** Only with `--probe-git --repo URL`. */
  lsRemote?: LsRemoteResult;
  /** `process.platform`: credentials go through GIT_ASKPASS on Linux. */
  platform: string;
}
