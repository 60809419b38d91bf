/**
 * Secret masking for every output: variable listings, configuration printouts, printed docker
 * commands, doctor reports, error messages. One place decides, by what a value IS:
 * - a value whose name (variable or key, at any depth) is secret-like (`isSecretName`, the
 *   agent's `sanitize_config_printout` rules) is hidden whole;
 * - a tree (config subtree, dynamic `CLEARML_AGENT__…` value) is walked key by key;
 * - a list of strings is an argv: `-e NAME=VALUE` pairs are looked at across elements;
 * - any other text has its URL passwords, secret `NAME=VALUE` pairs and quoted
 *   `"secret": "…"` pairs masked (`maskText`).
 * Follows clearml-agent's rules (agent-exec §0.6 and §2.10) and masks more where the agent leaks
 * (one-token `--env=K=V`, URL passwords in any config value). Every scan is linear in its input.
 */
import type { ConfNode, ListNode, Plain, Scalar } from "./tree.ts";
import { getNode, setOwn, toPlain } from "./tree.ts";
import { Entries } from "./entries.ts";
import { SANITIZE_CONFIG_PRINTOUT } from "./defaults/agent.ts";
import { DYNAMIC_PREFIX, dynamicPath } from "./dynamic_env.ts";
import { parseHocon } from "./hocon/parse.ts";
import { jsonText, LONG_STRING } from "./write_json.ts";

export const MASK = "********";

/** The words of the agent's `sanitize_config_printout.hide_secrets` defaults, searched anywhere. */
const SECRET_WORDS = ["secret", "pass", "token", "account_key", "contents"];
/** `AZURE_STORAGE_KEY`, `OPENAI_API_KEY`, `ssh_private_key` hold secrets… */
const KEY_SUFFIX = "_key";
/** …but access keys, user keys and public keys are identifiers that the products print. */
const PUBLIC_KEY_SUFFIXES = ["access_key", "user_key", "public_key"];

const NO_TEXT_OPTIONS: MaskTextOptions = {};

/** Any UTF-16 code unit above 127. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * `s` with A-Z lowered, or undefined when it holds a non-ASCII character. A case-insensitive
 * regex of ASCII letters matches exactly what a search in this form finds; `toLowerCase` alone
 * would not do (`"\u212A".toLowerCase()` is `k`, which the regex does not match). A regex test
 * rather than a loop per character: at start, before the JIT, the loop costs several times more.
 */
function asciiLower(s: string): string | undefined {
  return NON_ASCII.test(s) ? undefined : s.toLowerCase();
}

/** A case-insensitive regex for the key-name rules of text that is not ASCII. */
const wordsRegex = (words: readonly string[], suffix: boolean) =>
  new RegExp(`(?:${words.join("|")})${suffix ? "$" : ""}`, "i");
let nonAsciiRules: { words: RegExp; key: RegExp; publicKey: RegExp } | undefined;

/**
 * Every name `isSecretName` finds holds one of these words, in any case (a superset: `_key`
 * stands for the key suffix whatever comes before it). Compiled on first use.
 */
let secretWordHint: RegExp | undefined;
const hasSecretWord = (text: string) =>
  (secretWordHint ??= wordsRegex([...SECRET_WORDS, KEY_SUFFIX], false)).test(text);

/**
 * Texts up to this long take the native shortcuts (`hasSecretWord`, `staysByDefault`); a longer
 * one goes to the scanners, which read it once: a shortcut would read it once more, from memory
 * where a short text is read again from the cache (10 MB runs of `=` grew ×13 against 1 MB).
 */
const SHORTCUT_MAX = 1 << 16;

/**
 * Whether an environment variable name or a config key segment names a secret. Case-insensitive.
 * `CLEARML_API_ACCESS_KEY`, `api.credentials.access_key`, `ssh_public_key` and `sdk.aws.s3.key`
 * are not secrets; `CLEARML_API_SECRET_KEY`, `AWS_SECRET_ACCESS_KEY`, `AZURE_STORAGE_KEY`,
 * `git_pass` are.
 */
export function isSecretName(name: string): boolean {
  return isSecretLowered(name, asciiLower(name));
}

/** `isSecretName(name)`, given `asciiLower(name)`. */
function isSecretLowered(name: string, lower: string | undefined): boolean {
  if (lower === undefined) {
    const r = nonAsciiRules ??= {
      words: wordsRegex(SECRET_WORDS, false),
      key: wordsRegex([KEY_SUFFIX], true),
      publicKey: wordsRegex(PUBLIC_KEY_SUFFIXES, true),
    };
    return r.words.test(name) || (r.key.test(name) && !r.publicKey.test(name));
  }
  for (const word of SECRET_WORDS) if (lower.includes(word)) return true;
  if (!lower.endsWith(KEY_SUFFIX)) return false;
  for (const suffix of PUBLIC_KEY_SUFFIXES) if (lower.endsWith(suffix)) return false;
  return true;
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

// ---- text: hand-written scanners, each character looked at a bounded number of times ----

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** `[A-Za-z0-9+.-]`: a URL scheme after its first letter. */
const isSchemeChar = (c: number) => isLetter(c) || isDigit(c) || c === 43 || c === 46 || c === 45;
/** `[A-Za-z0-9_.-]`: a variable name, a dotted key, a `--flag`. */
const isKeyChar = (c: number) => isLetter(c) || isDigit(c) || c === 95 || c === 46 || c === 45;
const SLASH = 47, AT = 64, COLON = 58, EQUALS = 61, DQUOTE = 34, SQUOTE = 39, BACKSLASH = 92;

/**
 * A run of replacements applied to `text` left to right. Short pieces are joined every few
 * thousand, so that a text with millions of masked values does not keep millions of small strings
 * alive (their collection made 10× the input cost 20× the time); a long piece is kept as it is
 * (a slice shares the text), so that it is copied once, by the final join, not twice.
 */
class Splicer {
  private parts: string[] = [];
  private chunks: string[] = [];
  private last = 0;
  constructor(private readonly text: string) {}
  /** Replace `[start, end)`; ranges come in increasing order and never overlap. */
  mask(start: number, end: number): void {
    this.piece(start);
    this.parts.push(MASK);
    this.last = end;
    if (this.parts.length >= 4096) this.flush();
  }
  done(): string {
    if (this.last === 0 && this.parts.length === 0) return this.text;
    this.piece(this.text.length);
    this.flush();
    return this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join("");
  }
  /** The text from the last replacement to `end`. */
  private piece(end: number): void {
    if (end - this.last < LONG_PIECE) {
      this.parts.push(this.text.slice(this.last, end));
      return;
    }
    this.flush();
    this.chunks.push(this.text.slice(this.last, end));
  }
  private flush(): void {
    if (this.parts.length === 0) return;
    this.chunks.push(this.parts.length === 1 ? this.parts[0]! : this.parts.join(""));
    this.parts = [];
  }
}
/** A piece at least this long is not joined with its neighbours before the final join. */
const LONG_PIECE = 4096;

/**
 * The password of every `scheme://user:password@` in `text` masked. The password stops at
 * whitespace, `/` or `@`, as the netloc of a URL does; token-only userinfo (`https://token@host`)
 * has no `:` and is kept, like the agent keeps it.
 */
export function maskUrlPassword(text: string): string {
  const urls = new UrlPasswords(text);
  if (urls.start < 0) return text;
  const out = new Splicer(text);
  for (; urls.start >= 0; urls.next()) out.mask(urls.start, urls.end);
  return out.done();
}

/**
 * The ranges `maskUrlPassword` masks, one after another as asked for (a 10 MB run of URLs has
 * a million: no array of them): `[start, end)`, `start` -1 once there is none left.
 */
class UrlPasswords {
  start = -1;
  end = -1;
  private from = 0;
  constructor(private readonly text: string) {
    this.next();
  }

  next(): void {
    const text = this.text;
    const n = text.length;
    for (;;) {
      const sep = text.indexOf("://", this.from);
      if (sep < 0) break;
      this.from = sep + 3;
      // a scheme is a run of scheme characters holding a letter (the match may start at any letter)
      let hasLetter = false;
      for (let j = sep - 1; j >= 0 && isSchemeChar(text.charCodeAt(j)); j--) {
        if (isLetter(text.charCodeAt(j))) {
          hasLetter = true;
          break;
        }
      }
      if (!hasLetter) continue;
      let p = sep + 3;
      for (; p < n; p++) {
        const c = text.charCodeAt(p);
        if (isSpace(c) || c === SLASH || c === AT || c === COLON) break;
      }
      if (text.charCodeAt(p) !== COLON) continue;
      const start = ++p;
      for (; p < n; p++) {
        const c = text.charCodeAt(p);
        if (isSpace(c) || c === SLASH || c === AT) break;
      }
      if (p === start || text.charCodeAt(p) !== AT) continue;
      this.start = start;
      this.end = p;
      this.from = p + 1;
      return;
    }
    this.start = -1;
    this.end = -1;
  }

  /**
   * Mask with `out` the passwords that end by `start`, and pass over those within `[start,
   * end)` (a value masked whole): false when one is not plain or one runs past `end`.
   */
  maskUntil(out: Splicer, start: number, end: number): boolean {
    let ok = true;
    for (; this.start >= 0 && this.end <= start; this.next()) {
      if (!this.plain()) ok = false;
      out.mask(this.start, this.end);
    }
    for (; this.start >= start && this.end <= end; this.next()) if (!this.plain()) ok = false;
    return ok && !(this.start >= 0 && this.start < end);
  }

  /**
   * Whether the current password holds no character the pair scanner stops at or looks for (a
   * separator, a quote, a backslash, the end of a bare value; none holds whitespace, and each
   * sits between a `:` and an `@`). The scanner then finds the same pairs around it in the text
   * as in the text with it masked, and a value that reaches it holds all of it.
   */
  plain(): boolean {
    for (let i = this.start; i < this.end; i++) {
      const c = this.text.charCodeAt(i);
      if (c === EQUALS || c === COLON || isQuote(c) || c === BACKSLASH || endsBareValue(c)) {
        return false;
      }
    }
    return true;
  }
}

/** The index of the quote closing one opened before `from` (`"` honours `\` escapes), or -1. */
function closingQuote(text: string, from: number, quote: number): number {
  if (quote === SQUOTE) return text.indexOf("'", from);
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === quote) return i;
  }
  return -1;
}

const isQuote = (c: number) => c === DQUOTE || c === SQUOTE;

/** Whether `text` holds the lower-case ASCII `word` at `at`, A-Z lowered. */
function wordAt(text: string, at: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) {
    let c = text.charCodeAt(at + j);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * `isSecretName(text.slice(start, end))` for a name of key characters (all ASCII), read in place:
 * a text of many `NAME=VALUE` pairs costs no copy and no lowered copy per name. A long name
 * (rare) is copied, where `includes` beats a search per character.
 */
function isSecretKeyAt(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length > 64) return isSecretName(text.slice(start, end));
  for (const word of SECRET_WORDS) {
    for (let at = start; at <= end - word.length; at++) if (wordAt(text, at, word)) return true;
  }
  if (length < KEY_SUFFIX.length || !wordAt(text, end - KEY_SUFFIX.length, KEY_SUFFIX)) {
    return false;
  }
  for (const suffix of PUBLIC_KEY_SUFFIXES) {
    if (length >= suffix.length && wordAt(text, end - suffix.length, suffix)) return false;
  }
  return true;
}
/** Where an unquoted HOCON/YAML value ends: a newline, `,`, `}`, `]` or `#`. */
const endsBareValue = (c: number) =>
  c === 10 || c === 13 || c === 44 || c === 125 || c === 93 || c === 35;

export interface MaskTextOptions {
  /**
   * The text is HOCON or YAML (a dynamic variable's value that did not parse): an unquoted value
   * after `secret: ` runs to the end of the line, `,`, `}` or `]`. Off for free text, where
   * "passed: 3" is a sentence, not a secret.
   */
  configText?: boolean;
}

/** The index of `ch` in `text` at or after `from`, or `text.length`. */
function indexOrEnd(text: string, ch: string, from: number): number {
  const i = text.indexOf(ch, from);
  return i < 0 ? text.length : i;
}

/**
 * Secret `NAME=VALUE` pairs (`-e MY_TOKEN=V`, `--password=V`, `?token=V`, `"NAME=V"`) and quoted
 * `"secret_key": "V"` / `secret: 'V'` pairs of `text`, values masked. An unquoted `=` value runs
 * to the next whitespace or quote, a quoted one (or one whose name opens a quoted word) to its
 * closing quote.
 */
function maskSecretPairs(
  text: string,
  opts: MaskTextOptions,
  urls?: UrlPasswords,
): string | undefined {
  let out: Splicer | undefined;
  // A password that is not plain, or a value that ends inside one, gives up (undefined).
  let lost = false;
  const n = text.length;
  let floor = 0; // nothing before this is looked at again
  // the next `=` and `:` at or after i, found by indexOf (native) rather than a loop per character
  let eq = -1;
  let colon = -1;
  for (let i = 0; i < n; i++) {
    // the character at i first: in a run of separators a call per character costs more
    if (eq < i && eq !== n) {
      eq = text.charCodeAt(i) === EQUALS ? i : indexOrEnd(text, "=", i);
    }
    if (colon < i && colon !== n) {
      colon = text.charCodeAt(i) === COLON ? i : indexOrEnd(text, ":", i);
    }
    i = eq < colon ? eq : colon;
    if (i >= n) break;
    const sep = text.charCodeAt(i);
    // the name: key characters before the separator, or a quoted key before a colon
    let keyEnd = i;
    let keyQuote = 0;
    if (sep === COLON && i > floor && isQuote(text.charCodeAt(i - 1))) {
      keyQuote = text.charCodeAt(i - 1);
      keyEnd = i - 1;
    }
    // the value
    let v = i + 1;
    if (sep === COLON) {
      while (v < n && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9)) v++;
    }
    const first = text.charCodeAt(v);
    // an unquoted value after a bare `name:` is never masked (a URL's `https:`, `host:8080`):
    // decided before the name is looked for
    if (sep === COLON && !keyQuote && !opts.configText && !isQuote(first)) continue;
    let k = keyEnd;
    while (k > floor && isKeyChar(text.charCodeAt(k - 1))) k--;
    if (k === keyEnd) continue;
    if (keyQuote && text.charCodeAt(k - 1) !== keyQuote) continue;
    if (!isSecretKeyAt(text, k, keyEnd)) continue;
    let start: number;
    let end: number;
    let next: number;
    if (isQuote(first)) {
      start = v + 1;
      const close = closingQuote(text, start, first);
      end = close < 0 ? n : close;
      next = close < 0 ? n : close + 1;
    } else if (sep === EQUALS && k > floor && isQuote(text.charCodeAt(k - 1))) {
      // "NAME=a b": the word is quoted from before its name
      start = v;
      const close = closingQuote(text, start, text.charCodeAt(k - 1));
      end = close < 0 ? n : close;
      next = end;
    } else if (sep === EQUALS) {
      // to the end of the word; a quote ends it too (`argument "-e X_TOKEN=V": …`)
      start = v;
      end = v;
      while (end < n && !isSpace(text.charCodeAt(end)) && !isQuote(text.charCodeAt(end))) end++;
      next = end;
    } else if (keyQuote || opts.configText) {
      start = v;
      end = v;
      while (end < n && !endsBareValue(text.charCodeAt(end))) end++;
      while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
      next = end;
    } else continue;
    // a value that is the mask already stays (compared in place: a value may be megabytes)
    if (end > start && !(end - start === MASK.length && text.startsWith(MASK, start))) {
      out ??= new Splicer(text);
      // the URL passwords to mask along (maskText): those before the value, those in it with it
      if (urls && !urls.maskUntil(out, start, end)) lost = true;
      out.mask(start, end);
    }
    floor = next;
    i = next - 1;
  }
  if (urls && urls.start >= 0 && !urls.maskUntil(out ??= new Splicer(text), n, n)) lost = true;
  if (lost) return undefined;
  return out ? out.done() : text;
}

/**
 * Free text fit for printing: URL passwords, secret `NAME=VALUE` pairs and quoted secret
 * `key: "value"` pairs masked. For error messages, doctor details, docker argument strings and
 * the values of variables whose name is not itself secret.
 */
export function maskText(text: string, options?: MaskTextOptions): string {
  // no `= {}` default: that makes an object at every call, and this runs once per string value
  const opts = options ?? NO_TEXT_OPTIONS;
  // every rule needs a `:` (URL, `key: value`) or an `=` (NAME=VALUE): most values have neither
  if (!hasColonOrEquals(text)) return text;
  const colon = text.indexOf(":");
  // a URL password needs `://` and an `@` after it
  const urls = colon >= 0 && text.indexOf("@", colon) >= 0 ? new UrlPasswords(text) : undefined;
  // a pair needs an `=`, or a quote before or after its `:` (free text): a URL or `host:port` has
  // neither, and is not scanned pair by pair (nor is the scanner compiled for it)
  if (
    !opts.configText && text.indexOf("=") < 0 && text.indexOf('"') < 0 && text.indexOf("'") < 0
  ) {
    return urls ? maskUrlPassword(text) : text;
  }
  // every pair masked has a secret-like name (isSecretKeyAt): a text without one of its words
  // has none, and one native test spares the scanner (a large printout: thousands of such values)
  if (text.length <= SHORTCUT_MAX && !hasSecretWord(text)) {
    return urls ? maskUrlPassword(text) : text;
  }
  if (!urls || urls.start < 0) return maskSecretPairs(text, opts)!;
  // The pairs are those of the text with its URL passwords masked. Where the passwords are
  // plain (UrlPasswords.plain), the text as it is has the same pairs, and both maskings are
  // made in one copy: a 10 MB copy fewer, each on fresh pages under Deno. Else two copies.
  return maskSecretPairs(text, opts, urls) ?? maskSecretPairs(maskUrlPassword(text), opts)!;
}

/** Characters a block of `hasColonOrEquals` holds: 128-256 KB, which the cache keeps. */
const BLOCK = 1 << 17;

/**
 * Whether `text` holds a `:` or an `=`. A long text is searched block by block (a slice shares
 * the text), both characters in one block before the next, so that it is read from memory once:
 * the second search finds its block in the cache, where two searches of the whole of a 10 MB
 * text read it twice.
 */
function hasColonOrEquals(text: string): boolean {
  const n = text.length;
  if (n <= BLOCK) return text.indexOf(":") >= 0 || text.indexOf("=") >= 0;
  for (let at = 0; at < n; at += BLOCK) {
    const block = text.slice(at, at + BLOCK);
    if (block.indexOf(":") >= 0 || block.indexOf("=") >= 0) return true;
  }
  return false;
}

// ---- argv ----

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
 * is secret-like or in `extraSecretNames` become `********`, URL passwords anywhere are masked,
 * and (unless agent-compatible) every token goes through `maskText`.
 * The argv that runs is never masked; only what is printed or logged.
 */
export function maskArgv(
  argv: readonly string[],
  extraSecretNames?: readonly string[],
  options?: MaskArgvOptions,
): string[] {
  const m = argvMasking(extraSecretNames, options);
  if (m === DEFAULT_ARGV_MASKING && argvStays(argv)) return argv.slice();
  const compat = m.compat;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (argvTokenStays(token)) {
      out.push(token);
      continue;
    }
    const next = argv[i + 1];
    if ((token === "-e" || token === "--env") && next !== undefined) {
      const pair = maskPair(m, next);
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
      const pair = prefix === null ? null : maskPair(m, token.slice(prefix.length));
      if (pair !== null) {
        out.push(`${prefix}${pair}`);
        continue;
      }
    }
    out.push(compat && token.startsWith("-") ? token : maskFree(m, token));
  }
  return out;
}

/**
 * Whether `maskArgv` leaves `token` as it is whatever its neighbours: every rule needs an `=`
 * (NAME=VALUE) or a `:` (URL), or is the `-e NAME=VALUE` pair.
 */
function argvTokenStays(token: string): boolean {
  return token.indexOf("=") < 0 && token.indexOf(":") < 0 && token !== "-e" && token !== "--env";
}

/**
 * The words of `hasSecretWord` and the names of `IMAGE_ENV` (whose values are masked as command
 * lines). Compiled on first use.
 */
let argvHint: RegExp | undefined;

/**
 * Whether `maskArgv` with the default masking (no extra names, no options) leaves `token` as it is
 * in an argv whose other tokens stay too: it changes only a URL password (which ends at an `@`),
 * the value of a secret-like name (which holds a word of `hasSecretWord`) and the value of an
 * `IMAGE_ENV` variable; `-e` and `--env` print as they are, and the pair after one is a token that
 * stays. One native test instead of the pair scanner for each token.
 */
function staysByDefault(token: string): boolean {
  if (argvTokenStays(token) || token === "-e" || token === "--env") return true;
  return token.length <= SHORTCUT_MAX && token.indexOf("@") < 0 &&
    !(argvHint ??= wordsRegex([...SECRET_WORDS, KEY_SUFFIX, ...IMAGE_ENV], false)).test(token);
}

/** Whether `maskArgv` with the default masking returns `argv` as it is. */
function argvStays(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) if (!staysByDefault(argv[i]!)) return false;
  return true;
}

/** How `maskArgv` masks: its arguments, once per call (the defaults shared, nothing allocated). */
interface ArgvMasking {
  compat: boolean;
  urls: boolean;
  extra: Set<string> | undefined;
  extraSecretNames: readonly string[] | undefined;
  options: MaskArgvOptions | undefined;
}

const DEFAULT_ARGV_MASKING: ArgvMasking = {
  compat: false,
  urls: true,
  extra: undefined,
  extraSecretNames: undefined,
  options: undefined,
};

function argvMasking(
  extraSecretNames: readonly string[] | undefined,
  options: MaskArgvOptions | undefined,
): ArgvMasking {
  if ((extraSecretNames === undefined || extraSecretNames.length === 0) && options === undefined) {
    return DEFAULT_ARGV_MASKING;
  }
  return {
    compat: options?.agentCompat ?? false,
    urls: options?.parseEmbeddedUrls ?? true,
    extra: extraSecretNames?.length ? new Set(extraSecretNames) : undefined,
    extraSecretNames,
    options,
  };
}

function isSecretArg(m: ArgvMasking, name: string): boolean {
  return m.extra?.has(name) || (m.compat ? AGENT_SECRET_ENV.has(name) : isSecretName(name));
}

function maskFree(m: ArgvMasking, text: string): string {
  if (!m.urls) return text;
  return m.compat ? maskUrlPassword(text) : maskText(text);
}

/** `NAME=VALUE` with a real variable name, masked; anything else (`pip -e git+https://…#egg=x`) is null. */
function maskPair(m: ArgvMasking, pair: string): string | null {
  const eq = pair.indexOf("=");
  if (eq < 0) return null;
  const name = pair.slice(0, eq);
  const value = pair.slice(eq + 1);
  if (!ENV_NAME.test(name)) return null;
  if (IMAGE_ENV.has(name)) {
    const parts = value.split(/\s+/).filter((part) => part !== "");
    return `${name}=${maskArgv(parts, m.extraSecretNames, m.options).join(" ")}`;
  }
  if (isSecretArg(m, name)) return `${name}=${maskSecret(value)}`;
  return `${name}=${maskFree(m, value)}`;
}

// ---- trees ----

/**
 * One key-name regex of `agent.sanitize_config_printout`, tested case-insensitively. The shipped
 * ones are words (`secret`) or anchored words (`^environment$`): those are looked for with string
 * operations in the ASCII-lowered key, which finds what the regex finds, without compiling and
 * running a regex per key on every start.
 */
interface KeyPattern {
  source: string;
  /** Compiled on first use for a word pattern (only a non-ASCII key needs it). */
  regex?: RegExp;
  /** The lowered word of a word pattern, with its anchors. */
  word?: { text: string; start: boolean; end: boolean };
}

function keyMatches(p: KeyPattern, key: string, lower: string | undefined): boolean {
  const w = p.word;
  if (w === undefined || lower === undefined) {
    return (p.regex ??= new RegExp(p.source, "i")).test(key);
  }
  if (w.start) return w.end ? lower === w.text : lower.startsWith(w.text);
  return w.end ? lower.endsWith(w.text) : lower.includes(w.text);
}

/** Key-name rules of `agent.sanitize_config_printout` (agent-exec §0.6). */
export interface PrintoutRules {
  /** A matching key's value is hidden. */
  hideSecrets: KeyPattern[];
  /** Every value below a matching key is hidden. */
  hideSecretsRecursive: KeyPattern[];
  /** A matching key is shown even when `hideSecrets` matches it. */
  dontHideSecrets: KeyPattern[];
  /**
   * One regex matching every key that any hiding rule (the rules above and `isSecretName`)
   * could match: a key it does not match is plain under a plain parent. Undefined when a rule
   * is a regex rather than a word (the rules are then looked at one by one).
   */
  mayHide: RegExp | undefined;
  // The agent's `docker_commands` (`^extra_docker_arguments$`) and `urls` (`^extra_index_url$`)
  // rules are subsumed: every string list is masked as an argv, every string as text.
}

type RuleName = "hide_secrets" | "hide_secrets_recursive" | "dont_hide_secrets";

const WORD_PATTERN = /^(\^?)([A-Za-z0-9_]+)(\$?)$/;

function compile(patterns: readonly unknown[]): KeyPattern[] {
  const out: KeyPattern[] = [];
  for (const pattern of patterns) {
    if (typeof pattern !== "string") continue;
    const m = WORD_PATTERN.exec(pattern);
    if (m) {
      const word = { text: m[2]!.toLowerCase(), start: m[1] === "^", end: m[3] === "$" };
      out.push({ source: pattern, word });
      continue;
    }
    try {
      out.push({ source: pattern, regex: new RegExp(pattern, "i") });
    } catch {
      // A Python-only regex the JS engine rejects: skip it; isSecretName still applies.
    }
  }
  return out;
}

function defaultPatterns(name: RuleName): readonly unknown[] {
  const section = SANITIZE_CONFIG_PRINTOUT as { [key: string]: unknown[] };
  return section[name] ?? [];
}

function rulesWith(get: (name: RuleName) => readonly unknown[]): PrintoutRules {
  // a word isSecretName already looks for adds nothing (the shipped five are all such words);
  // a loop, not `filter`: config show starts without calling it (see cli/fast_path.ts)
  const hideSecrets: KeyPattern[] = [];
  for (const p of compile(get("hide_secrets"))) {
    if (!(p.word && !p.word.start && !p.word.end && SECRET_WORDS.includes(p.word.text))) {
      hideSecrets.push(p);
    }
  }
  const hideSecretsRecursive = compile(get("hide_secrets_recursive"));
  // every field in the literal: one added later is a transition, whose cache makes a structure
  // chain, a kind of cell that takes a heap block of its own at start
  return {
    hideSecrets,
    hideSecretsRecursive,
    dontHideSecrets: compile(get("dont_hide_secrets")),
    mayHide: mayHideRegex(hideSecrets, hideSecretsRecursive),
  };
}

/**
 * The union of `isSecretName`'s rules and the word patterns that hide a key, as one
 * case-insensitive regex (a word pattern is its own regex source, letters, digits and `_` with
 * optional anchors): a union matches where one of its parts does. Undefined when a pattern is
 * not a word.
 */
function mayHideRegex(
  hide: readonly KeyPattern[],
  hideRecursive: readonly KeyPattern[],
): RegExp | undefined {
  // made at its length, not grown by push: each step of growth takes a butterfly in a size class
  // of its own (heap blocks at start: see the README's start-up section)
  const parts = new Array<string>(SECRET_WORDS.length + 1 + hide.length + hideRecursive.length);
  let n = 0;
  for (const w of SECRET_WORDS) parts[n++] = w;
  parts[n++] = `${KEY_SUFFIX}$`;
  for (const patterns of [hide, hideRecursive]) {
    for (const p of patterns) {
      if (p.word === undefined) return undefined;
      parts[n++] = p.source;
    }
  }
  return new RegExp(parts.join("|"), "i");
}

let shippedRules: PrintoutRules | undefined;

/** The agent's shipped printout rules (compiled on first use, not at every start). */
export function defaultPrintoutRules(): PrintoutRules {
  return shippedRules ??= rulesWith(defaultPatterns);
}

const RULE_NAMES: readonly RuleName[] = [
  "hide_secrets",
  "hide_secrets_recursive",
  "dont_hide_secrets",
];

/**
 * The printout rules of a resolved configuration: each list of `agent.sanitize_config_printout`
 * that the tree sets replaces the shipped one, as in the agent. A tree that sets the shipped
 * lists (or none) gets the shipped rules object, whose key decisions are already remembered.
 */
export function printoutRulesFrom(root: ConfNode): PrintoutRules {
  const lists = new Map<RuleName, readonly unknown[]>();
  for (const name of RULE_NAMES) {
    const node = getNode(root, ["agent", "sanitize_config_printout", name]);
    if (node?.type !== "list") continue;
    const items = node.items.map((item) => (item.type === "scalar" ? item.value : null));
    const shipped = defaultPatterns(name);
    if (items.length !== shipped.length || items.some((v, i) => v !== shipped[i])) {
      lists.set(name, items);
    }
  }
  if (lists.size === 0) return defaultPrintoutRules();
  return rulesWith((name) => lists.get(name) ?? defaultPatterns(name));
}

function matchesAny(patterns: readonly KeyPattern[], key: string, lower: string | undefined) {
  for (const p of patterns) if (keyMatches(p, key, lower)) return true;
  return false;
}

/** `hide`: every value below is hidden; `plain`: keys decide, strings are masked as text. */
type Mode = "plain" | "hide";

/**
 * Under a plain parent a key's mode depends only on the key and the rules: remembered per rules
 * object, since a configuration repeats the same key names many times (bounded, for files of
 * millions of distinct keys).
 */
let plainModes: WeakMap<PrintoutRules, Map<string, Mode>> | undefined;
const MODE_CACHE_LIMIT = 10_000;
/**
 * Decisions made before the first is remembered: a printout of a few hundred keys (`config
 * show`) decides each about once, and its cache (a `WeakMap`, and a `Map` whose storage grows
 * through several size classes) would take heap blocks of their own at start.
 */
const MODE_CACHE_FROM = 1024;
let decisions = 0;

let lastRules: PrintoutRules | undefined;
let lastModes: Map<string, Mode> | undefined;

function childMode(key: string, parent: Mode, rules: PrintoutRules): Mode {
  if (parent === "hide") return "hide";
  if (decisions < MODE_CACHE_FROM) {
    decisions++;
    return plainChildMode(key, rules);
  }
  if (rules !== lastRules || lastModes === undefined) {
    plainModes ??= new WeakMap();
    let modes = plainModes.get(rules);
    if (modes === undefined) plainModes.set(rules, modes = new Map());
    lastRules = rules;
    lastModes = modes;
  }
  const cache = lastModes;
  let mode = cache.get(key);
  if (mode === undefined) {
    mode = plainChildMode(key, rules);
    if (cache.size < MODE_CACHE_LIMIT) cache.set(key, mode);
  }
  return mode;
}

function plainChildMode(key: string, rules: PrintoutRules): Mode {
  // most keys: one native test instead of the rules one by one
  if (rules.mayHide !== undefined && !rules.mayHide.test(key)) return "plain";
  const lower = asciiLower(key);
  if (matchesAny(rules.hideSecretsRecursive, key, lower)) return "hide";
  if (matchesAny(rules.dontHideSecrets, key, lower)) return "plain";
  return isSecretLowered(key, lower) || matchesAny(rules.hideSecrets, key, lower)
    ? "hide"
    : "plain";
}

function modeAt(path: readonly string[], rules: PrintoutRules): Mode {
  let mode: Mode = "plain";
  for (const key of path) mode = childMode(key, mode, rules);
  return mode;
}

/** A list whose items are all strings is an argv (`-e NAME=VALUE` spans two items). */
function stringsOf(items: readonly Plain[]): string[] | undefined {
  return items.every((item) => typeof item === "string") ? items as string[] : undefined;
}

/** The one decision for a scalar: hidden whole, or masked as text. */
function maskScalar<T extends Plain>(value: T, mode: Mode): T | string {
  if (mode === "hide") return value === null || value === "" ? value : MASK;
  return typeof value === "string" ? maskText(value) : value;
}

/**
 * A list of strings as printed: masked as an argv (its items then final), in plain mode; undefined
 * when the list is not one (its items are decided one by one, in the list's mode).
 */
function argvList(node: ListNode, mode: Mode): ListNode | undefined {
  if (mode !== "plain") return undefined;
  // most lists hold no token that masking could change (no `=`, `:` or `-e`): no copy made
  if (stringsStay(node.items)) return node;
  const strings = stringItems(node.items);
  if (!strings) return undefined;
  const masked = maskArgv(strings);
  let items: ConfNode[] | undefined;
  for (let i = 0; i < masked.length; i++) {
    if (masked[i] === strings[i]) continue;
    items ??= node.items.slice();
    items[i] = { type: "scalar", value: masked[i]!, origin: node.items[i]!.origin };
  }
  return items ? { type: "list", items, origin: node.origin } : node;
}

function maskNode(node: ConfNode, mode: Mode, rules: PrintoutRules): ConfNode {
  switch (node.type) {
    case "scalar": {
      const value = maskScalar(node.value, mode);
      return value === node.value ? node : { type: "scalar", value, origin: node.origin };
    }
    case "object": {
      // a copy of the entries only once a child changes: most subtrees come back as they were
      // loops over the slots: no iterator and no `[k, v]` pair per entry
      let entries: Entries<ConfNode> | undefined;
      const { keyList, valueList } = node.entries;
      for (let i = 0; i < keyList.length; i++) {
        const key = keyList[i];
        if (key === undefined) continue;
        const child = valueList[i]!;
        const masked = maskNode(child, childMode(key, mode, rules), rules);
        if (masked !== child && entries === undefined) {
          entries = new Entries();
          for (let j = 0; j < i; j++) {
            const k = keyList[j];
            if (k !== undefined) entries.set(k, valueList[j]!);
          }
        }
        entries?.set(key, masked);
      }
      return entries ? { type: "object", entries, origin: node.origin } : node;
    }
    case "list": {
      const argv = argvList(node, mode);
      if (argv) return argv;
      let items: ConfNode[] | undefined;
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i]!;
        const masked = maskNode(item, mode, rules);
        if (masked === item) continue;
        items ??= node.items.slice();
        items[i] = masked;
      }
      return items ? { type: "list", items, origin: node.origin } : node;
    }
  }
}

/** Where a printer that masks as it walks stands in the tree (hidden below a secret key or not). */
export type MaskState = Mode;

/**
 * Masking decided node by node while a printer walks a tree once, instead of printing a masked
 * copy (`maskTree`): the same decisions, without the second walk and its copies.
 */
export interface MaskWalk {
  /** The state of the tree's root. */
  readonly root: MaskState;
  /** The state of the value under `key` of an object in `state`. */
  child(key: string, state: MaskState): MaskState;
  /** A scalar's value as printed in `state`. */
  scalar(value: Scalar, state: MaskState): Scalar;
  /**
   * A list of strings as printed in `state` (masked as an argv: print it as it is), or undefined
   * when the list is not one: its items are then shown one by one, in `state`.
   */
  argv(list: ListNode, state: MaskState): ListNode | undefined;
  /** The whole of `node` as printed in `state` (`maskTree` of it): for a small subtree at once. */
  all(node: ConfNode, state: MaskState): ConfNode;
}

export function maskWalk(options: MaskTreeOptions = {}): MaskWalk {
  const rules = options.rules ?? defaultPrintoutRules();
  return {
    // no path: the root is plain (modeAt not run at every config show)
    root: options.path === undefined ? "plain" : modeAt(options.path, rules),
    child: (key, state) => childMode(key, state, rules),
    scalar: maskScalar,
    argv: argvList,
    all: (node, state) => maskNode(node, state, rules),
  };
}

/** Whether every item is a string scalar that `maskArgv`, with the default masking, leaves as it is. */
function stringsStay(items: readonly ConfNode[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.type !== "scalar" || typeof item.value !== "string") return false;
    if (!staysByDefault(item.value)) return false;
  }
  return true;
}

/** The values of a list whose items are all string scalars (an argv), else undefined. */
function stringItems(items: readonly ConfNode[]): string[] | undefined {
  const out = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.type !== "scalar" || typeof item.value !== "string") return undefined;
    out[i] = item.value;
  }
  return out;
}

function maskPlainIn(value: Plain, mode: Mode, rules: PrintoutRules): Plain {
  if (Array.isArray(value)) {
    const strings = mode === "plain" ? stringsOf(value) : undefined;
    return strings ? maskArgv(strings) : value.map((item) => maskPlainIn(item, mode, rules));
  }
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Plain } = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = maskPlainIn(child, childMode(key, mode, rules), rules);
    }
    return out;
  }
  return maskScalar(value, mode);
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
 * A copy of a configuration tree fit for printing, origins kept (unchanged nodes are shared):
 * values under secret-named keys (isSecretName or the printout rules) become `********` (empty and
 * null values stay, to show "not set"); everything below `environment` is hidden; string lists
 * go through `maskArgv`; every other string through `maskText`.
 */
export function maskTree<T extends ConfNode>(node: T, options: MaskTreeOptions = {}): T {
  const rules = options.rules ?? defaultPrintoutRules();
  // maskNode keeps the node's kind.
  return maskNode(node, modeAt(options.path ?? [], rules), rules) as T;
}

/**
 * `toPlain(maskTree(node, options))` in one walk, without the masked copy of the tree: the data a
 * printer of plain values (`JSON.stringify`, YAML) prints.
 */
export function maskedPlain(
  node: ConfNode,
  options: MaskTreeOptions = {},
  seen?: PlainSeen,
): Plain {
  const rules = options.rules ?? defaultPrintoutRules();
  return plainOf(node, modeAt(options.path ?? [], rules), rules, seen);
}

/** What `maskedPlain` met on its walk, for the printer to choose its way of writing. */
export interface PlainSeen {
  /** A string of `LONG_STRING` characters or more (write_json.ts) is in the result. */
  longString: boolean;
}

function plainOf(node: ConfNode, mode: Mode, rules: PrintoutRules, seen?: PlainSeen): Plain {
  switch (node.type) {
    case "scalar": {
      const value = maskScalar(node.value, mode);
      if (seen && typeof value === "string" && value.length >= LONG_STRING) seen.longString = true;
      return value;
    }
    case "list": {
      const items = node.items;
      // the same decision as argvList: a list of strings is masked as an argv
      const strings = mode === "plain" ? stringItems(items) : undefined;
      if (strings) {
        const argv = stringsStay(items) ? strings : maskArgv(strings);
        if (seen) { for (const arg of argv) if (arg.length >= LONG_STRING) seen.longString = true; }
        return argv;
      }
      const out = new Array<Plain>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = plainOf(items[i]!, mode, rules, seen);
      return out;
    }
    case "object": {
      const out: { [key: string]: Plain } = {};
      // a plain loop over the slots: no iterator, no `[k, v]` pair per entry
      const { keyList, valueList } = node.entries;
      for (let i = 0; i < keyList.length; i++) {
        const key = keyList[i];
        if (key === undefined) continue;
        const value = plainOf(valueList[i]!, childMode(key, mode, rules), rules, seen);
        if (key === "__proto__") setOwn(out, key, value);
        else out[key] = value;
      }
      return out;
    }
  }
}

/**
 * The functions masking spends its time in on a large tree, for `keepOutOfFtl`; with a walk's own
 * functions when given.
 */
export function maskHotPath(walk?: MaskWalk): unknown[] {
  return [
    plainOf,
    childMode,
    maskScalar,
    maskText,
    hasColonOrEquals,
    hasSecretWord,
    staysByDefault,
    maskUrlPassword,
    UrlPasswords,
    maskSecretPairs,
    isSecretKeyAt,
    wordAt,
    indexOrEnd,
    closingQuote,
    maskArgv,
    argvTokenStays,
    stringsStay,
    argvStays,
    argvMasking,
    maskPair,
    isSecretArg,
    maskFree,
    stringItems,
    argvList,
    maskNode,
    isSecretName,
    isSecretLowered,
    asciiLower,
    isSpace,
    isLetter,
    isDigit,
    isSchemeChar,
    isKeyChar,
    isQuote,
    endsBareValue,
    ...(walk ? [walk.child, walk.scalar, walk.argv, walk.all] : []),
  ];
}

/** `maskTree` for plain data (a converted variable value, a JSON document) at `path`. */
export function maskPlain(value: Plain, path: readonly string[] = []): Plain {
  const rules = defaultPrintoutRules();
  return maskPlainIn(value, modeAt(path, rules), rules);
}

/** Values that may hold a HOCON tree: the agent parses a dynamic variable's value as HOCON. */
const TREE_START = /^\s*[[{]/;

/**
 * The value of environment variable `name` fit for printing. A secret-like name hides the whole
 * value; a dynamic `CLEARML_AGENT__…` name is judged by the configuration path it sets, and a
 * tree it holds is masked key by key (then shown as JSON, which the agent reads the same way);
 * any other value is masked as text (URL passwords, `-e NAME=VALUE` pairs).
 */
export function maskEnvValue(name: string, value: string): string {
  const dynamic = name.startsWith(DYNAMIC_PREFIX) ? dynamicPath(name) : undefined;
  const path = dynamic === undefined ? [name] : dynamic.split(".");
  if (isSecretName(name) || modeAt(path, defaultPrintoutRules()) === "hide") {
    return maskSecret(value);
  }
  if (dynamic && TREE_START.test(value)) {
    let tree: ConfNode | undefined;
    try {
      tree = getNode(parseHocon(`${dynamic}: ${value}`, { file: name }), path);
    } catch {
      // not HOCON (or a substitution we cannot resolve here): read it as config text
      return maskText(value, { configText: true });
    }
    if (tree) {
      const masked = maskTree(tree, { path });
      // JSON.stringify's text, a long string escaped block by block (linear in its length)
      if (masked !== tree) return jsonText(toPlain(masked))!;
    }
  }
  return maskText(value);
}

/**
 * Any JSON-like document of ours (a doctor report, its evidence): every string masked as text and
 * every string list as an argv. Keys are our own field names here, not configuration keys, so they
 * decide nothing (`bypassVariable` is not a password); whoever puts a configuration subtree in it
 * masks it with `maskTree`/`maskPlain` first.
 */
export function maskDocument<T>(value: T): T {
  return maskDocumentIn(value) as T;
}

function maskDocumentIn(value: unknown): unknown {
  if (typeof value === "string") return maskText(value);
  if (Array.isArray(value)) {
    const strings = stringsOf(value as Plain[]);
    return strings ? maskArgv(strings) : value.map(maskDocumentIn);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = maskDocumentIn(child);
    return out;
  }
  return value;
}
