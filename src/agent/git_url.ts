/**
 * `cloneUrl()`: the exact URL clearml-agent clones, given the task's repository URL and the git
 * settings (agent-exec §5.6, T36-T40). Pure. It reproduces the agent's two steps:
 *
 * 1. ssh/https rewriting: `agent.force_git_ssh_protocol` turns https into ssh; otherwise, with a
 *    user and a password configured and `agent.translate_ssh` on, ssh URLs become https.
 * 2. credential injection: user and password, percent-encoded, into https/http URLs that do not
 *    carry both already, only for the configured git host (compared lower-cased).
 *
 * The agent parses URLs with `furl`, whose quirks matter here and are reproduced: the scp form
 * `git@host:path` has the "scheme" `git@host` (so it never gets credentials), the host is
 * lower-cased, a port equal to the scheme's default is dropped, and user/password are
 * re-encoded. The git-host comparison of step 1 is case-sensitive against the lower-cased URL
 * host, while step 2 lower-cases the configured host: a mixed-case `git_host` rewrites nothing
 * but still scopes credentials.
 */
import { MASK } from "../settings/mask.ts";

export interface GitCredentialConfig {
  /** `CLEARML_AGENT_GIT_USER` or `agent.git_user`. */
  user?: string | null;
  /** `CLEARML_AGENT_GIT_PASS` or `agent.git_pass`. */
  pass?: string | null;
  /** `CLEARML_AGENT_GIT_HOST` or `agent.git_host`: only this host gets credentials. */
  host?: string | null;
  /** `agent.force_git_ssh_protocol`. */
  forceSsh?: boolean;
  /** `agent.force_git_ssh_user` (default `git`). */
  forceSshUser?: string | null;
  /** `agent.force_git_ssh_port`. */
  forceSshPort?: number | string | null;
  /** `agent.translate_ssh` (default true). */
  translateSsh?: boolean;
}

export type Rewrite = "none" | "https-to-ssh" | "ssh-rewritten" | "ssh-to-https";

/** What happened to the configured credentials. */
export type CredentialUse =
  /** Added to the URL (or, on Linux, handed to git through GIT_ASKPASS). */
  | "injected"
  /** The URL already has a user and a password; they are used as they are. */
  | "in-url"
  /** No user or no password configured (both are needed). */
  | "not-configured"
  /** A git host is configured and the URL's host is another one. */
  | "other-host"
  /** ssh and scp-style URLs never get credentials. */
  | "not-https";

export interface CloneUrl {
  /** The URL with the injected credentials: a secret, never print it. */
  url: string;
  /**
   * The URL without the injected credentials: what the agent puts on the git command line on
   * Linux, where credentials go through a GIT_ASKPASS script (`agent.enable_git_ask_pass`).
   */
  urlWithoutAuth: string;
  /** `url` with any password masked: fit for printing. */
  display: string;
  /** The lines the agent prints while rewriting (passwords masked). */
  messages: string[];
  rewrite: Rewrite;
  credentials: CredentialUse;
  /** The scheme furl sees (`git@github.com` for scp-style URLs), lower-cased; null for paths. */
  scheme: string | null;
  /** The host git will contact, lower-cased (scp-style URLs included); null for local paths. */
  host: string | null;
  /** The port written in the URL, if any. */
  port: number | null;
  /** How git will talk to the host. */
  transport: "ssh" | "https" | "http" | "git" | "file" | "local" | "other";
  /** The agent cannot parse the URL (furl raises); it clones nothing. */
  error?: string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { ftp: 21, ssh: 22, http: 80, https: 443 };

/** A URL as furl holds it: only the parts the agent reads or changes. */
interface Parsed {
  scheme: string | null;
  /** A `//netloc` part was present. */
  hasNetloc: boolean;
  username: string | null;
  password: string | null;
  host: string | null;
  port: number | null;
  /** Path, query and fragment, verbatim. */
  rest: string;
}

class UrlError extends Error {}

/** furl's scheme rule: text before the first `:` of the part before any `/?#`, starting with a letter. */
function schemeOf(url: string): string | null {
  if (url.startsWith(":")) return "";
  const head = url.split("#", 1)[0]!.split("?", 1)[0]!.split("/", 1)[0]!;
  const colon = head.indexOf(":");
  if (colon <= 0) return null;
  const scheme = url.slice(0, colon);
  return /^[A-Za-z]/.test(scheme) ? scheme.toLowerCase() : null;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parse(url: string): Parsed {
  const scheme = schemeOf(url);
  let body = scheme === null ? url : url.slice(scheme.length + 1);
  const out: Parsed = {
    scheme,
    hasNetloc: false,
    username: null,
    password: null,
    host: null,
    port: null,
    rest: body,
  };
  if (!body.startsWith("//")) return out;
  body = body.slice(2);
  const end = body.search(/[/?#]/);
  let netloc = end < 0 ? body : body.slice(0, end);
  out.rest = end < 0 ? "" : body.slice(end);
  out.hasNetloc = true;
  const at = netloc.indexOf("@");
  if (at >= 0) {
    const userinfo = netloc.slice(0, at);
    netloc = netloc.slice(at + 1);
    const colon = userinfo.indexOf(":");
    out.username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
    out.password = colon < 0 ? null : decode(userinfo.slice(colon + 1));
  }
  let host = netloc;
  const bracket = netloc.lastIndexOf("]");
  const colon = netloc.lastIndexOf(":");
  if (colon > bracket) {
    host = netloc.slice(0, colon);
    const port = netloc.slice(colon + 1);
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw new UrlError(`Invalid port '${port}'.`);
    }
    out.port = Number(port);
  }
  out.host = host.toLowerCase();
  return out;
}

/** Python's `quote(text, safe='')`: everything but letters, digits and `_.-~` is escaped. */
function quote(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function serialize(p: Parsed, maskPassword = false): string {
  const scheme = p.scheme === null ? "" : `${p.scheme}:`;
  if (!p.hasNetloc && p.username === null && p.password === null) return scheme + p.rest;
  let userinfo = "";
  if (p.username !== null || p.password !== null) {
    userinfo = quote(p.username ?? "");
    if (p.password !== null) userinfo += `:${maskPassword ? MASK : quote(p.password)}`;
    userinfo += "@";
  }
  const port = p.port !== null && p.port !== DEFAULT_PORTS[p.scheme ?? ""] ? `:${p.port}` : "";
  return `${scheme}//${userinfo}${p.host ?? ""}${port}${p.rest}`;
}

/** The scp-like form `[user@]host:path` (the agent's SSH_URL_GIT_SYNTAX). */
const SCP_URL = /^(?:([^/@:#]*?)@)?([^/@:#]*?):([^/@:#].*)?$/;

interface Scp {
  user: string | null;
  host: string;
  path: string;
}

function scpOf(url: string): Scp | null {
  const m = SCP_URL.exec(url);
  return m ? { user: m[1] ?? null, host: m[2] ?? "", path: m[3] ?? "" } : null;
}

/** The special ssh users `git`/`hg` are dropped unless they come with a password. */
function keptUser(user: string | null, password: string | null): string | null {
  return user && ["git", "hg"].includes(user.toLowerCase()) && !password ? null : user;
}

function sshToHttps(url: string): string {
  const scp = scpOf(url);
  if (scp) {
    const path = scp.path === "" || scp.path.startsWith("/") ? scp.path : `/${scp.path}`;
    return serialize({
      scheme: "https",
      hasNetloc: true,
      username: keptUser(scp.user, null),
      password: null,
      host: scp.host.toLowerCase(),
      port: null,
      rest: path,
    });
  }
  const p = parse(url);
  if (p.scheme !== "ssh") return url;
  return serialize({ ...p, scheme: "https", username: keptUser(p.username, p.password) });
}

function portOf(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === "" || value === 0) return null;
  const n = Number(value);
  return Number.isInteger(n) ? n : null;
}

const nonEmpty = (value: string | null | undefined): value is string =>
  value !== null && value !== undefined && value !== "";

function transportOf(scheme: string | null, url: string): CloneUrl["transport"] {
  if (scheme === null) return scpOf(url) ? "ssh" : "local";
  if (scheme === "ssh" || scheme === "git+ssh" || scheme === "ssh+git") return "ssh";
  if (scheme === "https" || scheme === "http" || scheme === "git" || scheme === "file") {
    return scheme;
  }
  // furl calls `git@github.com` the scheme of `git@github.com:org/repo.git`.
  return scpOf(url) ? "ssh" : "other";
}

function hostOf(p: Parsed, url: string): string | null {
  if (p.hasNetloc) return p.host;
  const scp = scpOf(url);
  return scp && p.scheme !== null ? scp.host.toLowerCase() : null;
}

export function cloneUrl(url: string, config: GitCredentialConfig = {}): CloneUrl {
  const user = nonEmpty(config.user) ? config.user : null;
  const pass = nonEmpty(config.pass) ? config.pass : null;
  const gitHost = nonEmpty(config.host) ? config.host : null;
  const messages: string[] = [];
  let rewrite: Rewrite = "none";
  let current = url;

  try {
    rewriteStep: {
      if (config.forceSsh && current) {
        const p = parse(current);
        if (gitHost && gitHost !== p.host) break rewriteStep;
        const forcedPort = portOf(config.forceSshPort);
        const forcedUser = nonEmpty(config.forceSshUser) ? config.forceSshUser : null;
        if (p.scheme === "https") {
          const next = serialize({
            ...p,
            scheme: "ssh",
            username: forcedUser ?? "git",
            password: null,
            port: forcedPort,
          });
          if (next !== current) {
            messages.push(
              `Using SSH credentials - replacing https url '${mask(current)}' with ssh url '${
                mask(next)
              }'`,
            );
            current = next;
            rewrite = "https-to-ssh";
          }
          break rewriteStep;
        }
        if (p.scheme === "ssh") {
          if (forcedPort !== null || forcedUser !== null) {
            const next = serialize({ ...p, username: forcedUser ?? "git", port: forcedPort });
            if (next !== current) {
              messages.push(
                `Using SSH credentials - ssh url '${mask(current)}' with ssh url '${mask(next)}'`,
              );
              current = next;
              rewrite = "ssh-rewritten";
            }
          }
          break rewriteStep;
        }
        // Anything else (scp-style `git@host:path` included) falls through to the translation.
      }
      if (config.translateSsh === false || !user || !pass) break rewriteStep;
      if (gitHost && gitHost !== parse(current).host) {
        const scp = scpOf(current);
        if (!scp || gitHost !== scp.host) break rewriteStep;
      }
      const next = sshToHttps(current);
      if (next !== current) {
        messages.push(
          `Using user/pass credentials - replacing ssh url '${mask(current)}' with https url '${
            mask(next)
          }'`,
        );
        current = next;
        rewrite = "ssh-to-https";
      }
    }
  } catch (e: unknown) {
    if (!(e instanceof UrlError)) throw e;
    return failed(url, e.message, messages);
  }

  let p: Parsed;
  try {
    p = parse(current);
  } catch (e: unknown) {
    if (!(e instanceof UrlError)) throw e;
    // add_auth gives the URL back untouched when furl cannot parse it; git gets it as it is.
    return failed(current, e.message, messages);
  }
  const host = hostOf(p, current);
  const transport = transportOf(p.scheme, current);
  const base = { messages, rewrite, scheme: p.scheme, host, port: p.port, transport };

  const noAuth = (credentials: CredentialUse): CloneUrl => {
    const plain = serialize(p);
    return { ...base, url: plain, urlWithoutAuth: plain, display: serialize(p, true), credentials };
  };
  if (p.scheme === "" || p.scheme === "ssh" || (p.scheme ?? "").startsWith("git")) {
    return noAuth(user && pass ? "not-https" : "not-configured");
  }
  if (p.username && p.password) return noAuth("in-url");
  if (!user || !pass) return noAuth("not-configured");
  if (gitHost && gitHost.toLowerCase() !== p.host) return noAuth("other-host");
  const withAuth: Parsed = { ...p, username: user, password: pass };
  const without: Parsed = { ...p, username: null, password: null };
  return {
    ...base,
    url: serialize(withAuth),
    urlWithoutAuth: serialize(without),
    display: serialize(withAuth, true),
    credentials: "injected",
  };
}

function failed(url: string, error: string, messages: string[]): CloneUrl {
  return {
    url,
    urlWithoutAuth: url,
    display: mask(url),
    messages,
    rewrite: "none",
    credentials: "not-configured",
    scheme: schemeOf(url),
    host: null,
    port: null,
    transport: "other",
    error,
  };
}

/** A URL fit for printing: its password, if any, masked. */
function mask(url: string): string {
  try {
    const p = parse(url);
    return p.password === null ? url : serialize(p, true);
  } catch {
    return url.replace(/(\/\/[^/@:]*:)[^/@]*@/, `$1${MASK}@`);
  }
}

/** The URL with its password masked, for printing any repository URL. */
export function maskGitUrl(url: string): string {
  return mask(url);
}
