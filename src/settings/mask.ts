/**
 * Secret masking for every output: variable listings, configuration printouts, printed docker
 * commands. Follows clearml-agent's rules (agent-exec §0.6 and §2.10) and masks a little more
 * where the agent leaks (one-token `--env=K=V`, URL passwords in any config value).
 */
import type { ConfNode } from "./tree.ts";
import { getNode } from "./tree.ts";
import { AGENT_DEFAULTS } from "./defaults/agent.ts";

export const MASK = "********";

/** The words of the agent's `sanitize_config_printout.hide_secrets` defaults, searched anywhere. */
const SECRET_WORDS = /secret|pass|token|account_key|contents/i;
/** `AZURE_STORAGE_KEY`, `OPENAI_API_KEY`, `ssh_private_key` hold secrets… */
const KEY_SUFFIX = /_key$/i;
/** …but access keys and user keys are identifiers that the products print. */
const PUBLIC_KEY_SUFFIX = /(?:access|user|public)_key$/i;

/**
 * Whether an environment variable name or a config key segment names a secret. Case-insensitive.
 * `CLEARML_API_ACCESS_KEY`, `api.credentials.access_key` and `sdk.aws.s3.key` are not secrets;
 * `CLEARML_API_SECRET_KEY`, `AWS_SECRET_ACCESS_KEY`, `AZURE_STORAGE_KEY`, `git_pass` are.
 */
export function isSecretName(name: string): boolean {
  if (SECRET_WORDS.test(name)) return true;
  return KEY_SUFFIX.test(name) && !PUBLIC_KEY_SUFFIX.test(name);
}

/** `********` for any non-empty value; an empty value stays empty (so "not set" still shows). */
export function maskSecret(value: string): string {
  return value === "" ? "" : MASK;
}

/** Only the last four characters (`…WXYZ`), and `****` when the value is too short to hint at. */
export function lastFour(value: string): string {
  if (value === "") return "";
  if (value.length < 8) return "****";
  return `…${value.slice(-4)}`;
}

/**
 * `scheme://user:password@` anywhere in a string. The password stops at whitespace, `/` or `@`,
 * as the netloc of a URL does; token-only userinfo (`https://token@host`) has no `:` and is kept,
 * like the agent keeps it.
 */
const URL_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:]*:)[^\s/@]+@/g;

/** The string with the password of every `scheme://user:password@host` URL in it masked. */
export function maskUrlPassword(text: string): string {
  return text.replace(URL_PASSWORD, `$1${MASK}@`);
}

/** The names the agent always hides in docker commands (exact, case-sensitive; §2.10). */
const AGENT_SECRET_ENV: ReadonlySet<string> = new Set([
  "CLEARML_AGENT_GIT_PASS",
  "TRAINS_AGENT_GIT_PASS",
  "CLEARML_API_SECRET_KEY",
  "TRAINS_API_SECRET_KEY",
  "AWS_SECRET_ACCESS_KEY",
  "AZURE_STORAGE_KEY",
  "CLEARML_AUTH_TOKEN",
]);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables whose value is itself a docker command line (`image arg…`), masked recursively. */
const IMAGE_ENV: ReadonlySet<string> = new Set(["CLEARML_DOCKER_IMAGE", "TRAINS_DOCKER_IMAGE"]);

export interface MaskArgvOptions {
  /**
   * Reproduce clearml-agent's printout exactly: only its fixed name list plus the extra names
   * count as secrets, and the one-token forms `--env=K=V` / `-eK=V` are left as they are.
   */
  agentCompat?: boolean;
  /** Mask URL passwords in values and arguments (`hide_docker_command_env_vars.parse_embedded_urls`). */
  parseEmbeddedUrls?: boolean;
}

/**
 * A printable copy of a docker (or other) command argv: values of `-e/--env NAME=VALUE` whose NAME
 * is secret-like or in `extraSecretNames` become `********`, URL passwords anywhere are masked.
 * The argv that runs is never masked; only what is printed or logged.
 */
export function maskArgv(
  argv: readonly string[],
  extraSecretNames: readonly string[] = [],
  options: MaskArgvOptions = {},
): string[] {
  const compat = options.agentCompat ?? false;
  const urls = options.parseEmbeddedUrls ?? true;
  const extra = new Set(extraSecretNames);
  const isSecret = (name: string) =>
    extra.has(name) || (compat ? AGENT_SECRET_ENV.has(name) : isSecretName(name));
  const maskUrls = (text: string) => (urls ? maskUrlPassword(text) : text);

  // `NAME=VALUE` with a real variable name; anything else (`pip -e git+https://…#egg=x`) is null.
  const maskPair = (pair: string): string | null => {
    const eq = pair.indexOf("=");
    if (eq < 0) return null;
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!ENV_NAME.test(name)) return null;
    if (IMAGE_ENV.has(name)) {
      const parts = value.split(/\s+/).filter((part) => part !== "");
      return `${name}=${maskArgv(parts, extraSecretNames, options).join(" ")}`;
    }
    if (isSecret(name)) return `${name}=${MASK}`;
    return `${name}=${maskUrls(value)}`;
  };

  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    const next = argv[i + 1];
    if ((token === "-e" || token === "--env") && next !== undefined) {
      const pair = maskPair(next);
      if (pair !== null) {
        out.push(token, pair);
        i++;
        continue;
      }
    }
    if (!compat) {
      // Docker also takes `--env=K=V` and `-eK=V`; the agent prints those unmasked.
      const prefix = token.startsWith("--env=")
        ? "--env="
        : token.startsWith("-e") && !token.startsWith("--")
        ? "-e"
        : null;
      const pair = prefix === null ? null : maskPair(token.slice(prefix.length));
      if (pair !== null) {
        out.push(`${prefix}${pair}`);
        continue;
      }
    }
    out.push(compat && token.startsWith("-") ? token : maskUrls(token));
  }
  return out;
}

/** Key-name regexes of `agent.sanitize_config_printout` (agent-exec §0.6). */
export interface PrintoutRules {
  /** A matching key's value is hidden. */
  hideSecrets: RegExp[];
  /** Every value below a matching key is hidden. */
  hideSecretsRecursive: RegExp[];
  /** A matching key is shown even when `hideSecrets` matches it. */
  dontHideSecrets: RegExp[];
  /** A matching key holds docker arguments, masked with `maskArgv`. */
  dockerCommands: RegExp[];
  // The agent's `urls` rule (`^extra_index_url$`) is subsumed: every string value gets its URL
  // passwords masked.
}

type RuleName =
  | "hide_secrets"
  | "hide_secrets_recursive"
  | "dont_hide_secrets"
  | "docker_commands";

function compile(patterns: readonly unknown[]): RegExp[] {
  const out: RegExp[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== "string") continue;
    try {
      out.push(new RegExp(pattern, "i"));
    } catch {
      // A Python-only regex the JS engine rejects: skip it; isSecretName still applies.
    }
  }
  return out;
}

function defaultPatterns(name: RuleName): readonly unknown[] {
  const section = AGENT_DEFAULTS.sanitize_config_printout as { [key: string]: unknown[] };
  return section[name] ?? [];
}

function rulesWith(get: (name: RuleName) => readonly unknown[]): PrintoutRules {
  return {
    hideSecrets: compile(get("hide_secrets")),
    hideSecretsRecursive: compile(get("hide_secrets_recursive")),
    dontHideSecrets: compile(get("dont_hide_secrets")),
    dockerCommands: compile(get("docker_commands")),
  };
}

/** The agent's shipped printout rules. */
export const DEFAULT_PRINTOUT_RULES: PrintoutRules = rulesWith(defaultPatterns);

/**
 * The printout rules of a resolved configuration: each list of `agent.sanitize_config_printout`
 * that the tree sets replaces the shipped one, as in the agent.
 */
export function printoutRulesFrom(root: ConfNode): PrintoutRules {
  return rulesWith((name) => {
    const node = getNode(root, ["agent", "sanitize_config_printout", name]);
    if (node?.type !== "list") return defaultPatterns(name);
    return node.items.map((item) => (item.type === "scalar" ? item.value : null));
  });
}

/** `default_docker.arguments` and match-rule `arguments` are docker argv too (ours, not the agent's). */
const OUR_DOCKER_COMMAND_KEYS = [/^arguments$/];

const matchesAny = (patterns: readonly RegExp[], name: string) =>
  patterns.some((pattern) => pattern.test(name));

/** A docker argument list given as one string: masked token by token, rejoined only if changed. */
function maskCommandString(text: string): string {
  const tokens = text.split(/\s+/).filter((token) => token !== "");
  const masked = maskArgv(tokens);
  return masked.every((token, i) => token === tokens[i]) ? text : masked.join(" ");
}

type Mode = "plain" | "hide" | "docker";

function maskNode(node: ConfNode, mode: Mode, rules: PrintoutRules): ConfNode {
  switch (node.type) {
    case "object": {
      const entries = new Map<string, ConfNode>();
      for (const [key, child] of node.entries) {
        entries.set(key, maskNode(child, childMode(key, mode, rules), rules));
      }
      return { type: "object", entries, origin: node.origin };
    }
    case "list": {
      if (mode === "docker") {
        const strings = node.items.map((item) =>
          item.type === "scalar" && typeof item.value === "string" ? item.value : null
        );
        if (strings.every((s) => s !== null)) {
          const masked = maskArgv(strings as string[]);
          return {
            type: "list",
            items: node.items.map((item, i): ConfNode => ({
              type: "scalar",
              value: masked[i] ?? null,
              origin: item.origin,
            })),
            origin: node.origin,
          };
        }
      }
      return {
        type: "list",
        items: node.items.map((item) => maskNode(item, mode, rules)),
        origin: node.origin,
      };
    }
    case "scalar": {
      const { value } = node;
      if (mode === "hide") {
        if (value === null || value === "") return node;
        return { type: "scalar", value: MASK, origin: node.origin };
      }
      if (typeof value !== "string") return node;
      const masked = mode === "docker" ? maskCommandString(value) : maskUrlPassword(value);
      return masked === value ? node : { type: "scalar", value: masked, origin: node.origin };
    }
  }
}

function childMode(key: string, parent: Mode, rules: PrintoutRules): Mode {
  if (parent === "hide") return "hide";
  if (matchesAny(rules.hideSecretsRecursive, key)) return "hide";
  if (!matchesAny(rules.dontHideSecrets, key)) {
    if (isSecretName(key) || matchesAny(rules.hideSecrets, key)) return "hide";
  }
  if (matchesAny(rules.dockerCommands, key) || matchesAny(OUR_DOCKER_COMMAND_KEYS, key)) {
    return "docker";
  }
  return parent === "docker" ? "docker" : "plain";
}

export interface MaskTreeOptions {
  /**
   * Where `node` sits in the whole tree. A subtree such as the node at `api.credentials.secret_key`
   * has lost its key names: pass them, or a bare secret scalar is not recognised.
   */
  path?: readonly string[];
  /** Printout rules; `printoutRulesFrom(tree)` for the ones a configuration sets. */
  rules?: PrintoutRules;
}

/**
 * A copy of a configuration tree fit for printing, origins kept: values under secret-named keys
 * (isSecretName or the printout rules) become `********` (empty and null values stay, to show
 * "not set"); everything below `environment` is hidden; docker argument lists go through
 * `maskArgv`; URL passwords in every other string are masked.
 */
export function maskTree<T extends ConfNode>(node: T, options: MaskTreeOptions = {}): T {
  const rules = options.rules ?? DEFAULT_PRINTOUT_RULES;
  let mode: Mode = "plain";
  for (const key of options.path ?? []) mode = childMode(key, mode, rules);
  // maskNode keeps the node's kind.
  return maskNode(node, mode, rules) as T;
}
