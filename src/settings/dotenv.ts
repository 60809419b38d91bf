/**
 * `.env` files (`--env-file`): our own reader and writer, inverse of each other for any value, so
 * that `env export --format dotenv` reads back exactly. node:util's parseEnv was the reader, but
 * it cannot represent every value and Bun and Deno disagree on escapes (`"a\\n"`); it also drops
 * lines it cannot read without a word. The grammar, compatible with parseEnv for ordinary files:
 *
 * - blank lines and lines starting with `#` are skipped; `export ` before a name is allowed;
 * - `NAME=VALUE`, spaces around `=` allowed; the first `=` splits;
 * - unquoted: the rest of the line up to a `#`, trimmed;
 * - `'…'` and `` `…` ``: verbatim up to the closing quote, newlines included;
 * - `"…"`: `\\` `\"` `\n` `\r` `\t` are escapes (as python-dotenv and docker compose read them),
 *   any other backslash stays; newlines included;
 * - after a closing quote only spaces and a `# comment` may follow.
 * Anything else (no `=`, an unclosed quote, text after the quote) is reported with its line.
 */
import { decodeUtf8 } from "./decode_utf8.ts";
import { ConfigError } from "../errors.ts";

export interface DotenvProblem {
  line: number;
  message: string;
}

export interface ParsedDotenv {
  vars: Array<[string, string]>;
  problems: DotenvProblem[];
}

const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n", r: "\r", t: "\t" };

/** Parse `.env` text; never throws: unreadable lines are in `problems`. */
export function parseDotenv(text: string): ParsedDotenv {
  const vars: Array<[string, string]> = [];
  const problems: DotenvProblem[] = [];
  const src = text.replaceAll("\r\n", "\n");
  let i = 0;
  let line = 1;
  const skipLine = (): void => {
    while (i < src.length && src.charCodeAt(i) !== 10) i++;
  };
  while (i < src.length) {
    const startLine = line;
    while (src[i] === " " || src[i] === "\t") i++;
    if (src[i] === "\n") {
      i++;
      line++;
      continue;
    }
    if (i >= src.length) break;
    if (src[i] === "#") {
      skipLine();
      continue;
    }
    if (src.startsWith("export ", i) || src.startsWith("export\t", i)) {
      i += 7;
      while (src[i] === " " || src[i] === "\t") i++;
    }
    const nameStart = i;
    while (i < src.length && !/[\s=#"'`]/.test(src[i]!)) i++;
    const name = src.slice(nameStart, i);
    while (src[i] === " " || src[i] === "\t") i++;
    if (name === "" || src[i] !== "=") {
      problems.push({
        line: startLine,
        message: name === ""
          ? "no variable name; expected NAME=VALUE"
          : `"${name}" is not followed by "="; expected NAME=VALUE`,
      });
      skipLine();
      continue;
    }
    i++;
    while (src[i] === " " || src[i] === "\t") i++;
    const quote = src[i];
    let value = "";
    if (quote === '"' || quote === "'" || quote === "`") {
      i++;
      // Whole runs between escapes are sliced, not added a character at a time: a 10 MB value
      // would otherwise be built from ten million one-character strings.
      const parts: string[] = [];
      let closed = false;
      let from = i;
      const q = quote.charCodeAt(0);
      while (i < src.length) {
        const c = src.charCodeAt(i);
        if (c === q) {
          parts.push(src.slice(from, i));
          closed = true;
          i++;
          break;
        }
        if (c === 10) line++;
        else if (quote === '"' && c === 92 && i + 1 < src.length && ESCAPES[src[i + 1]!]) {
          parts.push(src.slice(from, i), ESCAPES[src[i + 1]!]!);
          i += 2;
          from = i;
          continue;
        }
        i++;
      }
      value = parts.join("");
      if (!closed) {
        problems.push({
          line: startLine,
          message: `the value of ${name} opens a ${quote} quote that is never closed`,
        });
        break;
      }
      while (src[i] === " " || src[i] === "\t") i++;
      if (i < src.length && src[i] !== "\n" && src[i] !== "#") {
        problems.push({
          line,
          message: `text after the closing ${quote} quote of ${name}; expected only a # comment`,
        });
        skipLine();
        continue;
      }
      skipLine();
    } else {
      const start = i;
      while (i < src.length && src.charCodeAt(i) !== 10 && src.charCodeAt(i) !== 35) i++;
      value = src.slice(start, i).trim();
      skipLine();
    }
    vars.push([name, value]);
  }
  return { vars, problems };
}

/** Decode and parse one `--env-file`; stops (exit 3) on bytes that are not UTF-8 or bad lines. */
export function readEnvFile(bytes: Uint8Array, path: string): Array<[string, string]> {
  const decoded = decodeUtf8(bytes, path);
  if (!decoded.ok) throw new ConfigError(`--env-file ${decoded.error}`);
  const { vars, problems } = parseDotenv(decoded.text);
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${path}:${p.line}: ${p.message}`).join("\n");
    throw new ConfigError(`--env-file ${path} has lines that cannot be read:\n${lines}`);
  }
  return vars;
}

/** A value as `parseDotenv` reads it back exactly: bare when plain, else quoted. */
export function dotenvValue(v: string): string {
  if (/^[A-Za-z0-9_./:@%+,=-]*$/.test(v)) return v;
  if (!/['\n\r]/.test(v)) return `'${v}'`;
  const escaped = v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r");
  return `"${escaped}"`;
}

export interface EnvSnapshot {
  /** The effective environment: the real one over the `.env` files. */
  env: Record<string, string>;
  /** For names whose value came from a `.env` file: that file. */
  fromFile: Map<string, string>;
}

/**
 * Layer `.env` files under the real environment: a name already in the real environment keeps
 * its value; among the files, a later file wins.
 */
export function layerEnvFiles(
  real: Readonly<Record<string, string>>,
  files: ReadonlyArray<{ path: string; vars: ReadonlyArray<[string, string]> }>,
): EnvSnapshot {
  const fromFiles: Record<string, string> = {};
  const fromFile = new Map<string, string>();
  for (const f of files) {
    for (const [k, v] of f.vars) {
      fromFiles[k] = v;
      fromFile.set(k, f.path);
    }
  }
  const env: Record<string, string> = { ...fromFiles };
  for (const [k, v] of Object.entries(real)) {
    env[k] = v;
    fromFile.delete(k);
  }
  return { env, fromFile };
}
