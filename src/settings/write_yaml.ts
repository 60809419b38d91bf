/**
 * `YAML.stringify` of data holding long multi-line strings, its text handed on in pieces. The
 * yaml library renders such a string as a block scalar (`|-` or `>-`) through three whole-string
 * replaces, a fold that builds a rope of every folded line, and a flattening at each level of
 * nesting: seven copies of a 10 MB value, each on fresh pages under Deno (33,600 page faults
 * per 10 MB value of `env export --format k8s`, ~500 for 1 MB). Here each long string is
 * replaced by a placeholder, the library renders the rest, and the string is rendered by the
 * library's own steps (the same regular expressions, `foldFlowLines`) block by block: lines
 * that start with neither a space nor a tab are where the library's folding starts afresh.
 */
import YAML from "yaml";
import { foldFlowLines } from "yaml/util";
import type { Write } from "./write_json.ts";

/** A string at least this long is rendered block by block. */
const LONG = 1 << 16;
/** About this many characters in a block. */
const BLOCK = 1 << 14;
const INDENT_STEP = "  ";

export interface YamlOptions {
  /** The library's `lineWidth` (0: no folding); its default is 80. */
  lineWidth?: number;
}

/** `YAML.stringify(data, options)`, handed to `write` in pieces. */
export function writeYaml(data: unknown, write: Write, opts: YamlOptions = {}): void {
  const lineWidth = opts.lineWidth ?? 80;
  const long: string[] = [];
  const marked = withPlaceholders(data, long);
  const options = opts.lineWidth === undefined ? undefined : { lineWidth: opts.lineWidth };
  if (long.length === 0) return write(YAML.stringify(data, options));
  const text = YAML.stringify(marked, options);
  // every placeholder once, where a long value goes (a value may hold a placeholder's text), at
  // an indentation read from its line: else the library's own text
  if (text.split(PLACEHOLDER).length - 1 !== long.length) {
    return write(YAML.stringify(data, options));
  }
  const spots: Array<{ at: number; indent: string }> = [];
  for (let k = 0, from = 0; k < long.length; k++) {
    const at = text.indexOf(`${placeholder(k)}\n`, from);
    const indent = at < 0 ? undefined : contentIndent(text, at);
    // deeper than this, the library's folding of a line depends on more than the line
    if (indent === undefined || (lineWidth > 0 && indent.length > lineWidth - 20)) {
      return write(YAML.stringify(data, options));
    }
    spots.push({ at, indent });
    from = at + 1;
  }
  // handed on as made: the pieces of a 10 MB value need not all be alive at once
  let from = 0;
  for (let k = 0; k < long.length; k++) {
    const { at, indent } = spots[k]!;
    write(text.slice(from, at));
    blockScalar(long[k]!, indent, lineWidth, write);
    write("\n");
    from = at + placeholder(k).length + 1;
  }
  write(text.slice(from));
}

const PLACEHOLDER = "clearml-long-value-";
function placeholder(k: number): string {
  return `${PLACEHOLDER}${k}-9f3c`;
}

/**
 * A copy of `data` with each long string that would be a block scalar as a map's value replaced
 * by a placeholder (`long` gets the strings, in order); other values as they are.
 */
function withPlaceholders(data: unknown, long: string[]): unknown {
  if (Array.isArray(data)) return data.map((item) => withPlaceholders(item, long));
  if (
    data === null || typeof data !== "object" || Object.getPrototypeOf(data) !== Object.prototype
  ) {
    return data;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === "string" && value.length >= LONG && isBlockScalar(value)) {
      out[key] = placeholder(long.length);
      long.push(value);
    } else out[key] = withPlaceholders(value, long);
  }
  return out;
}

/** What makes the library write a string double-quoted (its `stringifyString`'s test). */
// deno-lint-ignore no-control-regex
const DOUBLE_QUOTED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/**
 * Whether the library writes `value` (a map's value, in block context) as a block scalar it
 * neither keeps nor adds trailing lines to: multi-line, no character that forces double quotes,
 * no line of only spaces at the end, and no chomping `+`.
 */
function isBlockScalar(value: string): boolean {
  if (!value.includes("\n")) return false;
  if (DOUBLE_QUOTED.test(value)) return false;
  if (/\n[\t ]+$/.test(value)) return false;
  const tail = value.length - trailingSpace(value);
  const end = value.slice(tail);
  const nl = end.indexOf("\n");
  return !(nl >= 0 && (tail === 0 || nl !== end.length - 1));
}

/** How many of the last characters of `value` are newlines, tabs and spaces. */
function trailingSpace(value: string): number {
  let i = value.length;
  while (i > 0) {
    const c = value.charCodeAt(i - 1);
    if (c !== 10 && c !== 9 && c !== 32) break;
    i--;
  }
  return value.length - i;
}

/** The indentation of a map value whose placeholder is at `q`: its key's column and a step. */
function contentIndent(text: string, q: number): string | undefined {
  const line = text.slice(text.lastIndexOf("\n", q) + 1, q);
  const m = /^((?: |- )*)[A-Za-z0-9_$.-]+: $/.exec(line);
  return m ? " ".repeat(m[1]!.length) + INDENT_STEP : undefined;
}

/**
 * The library's block scalar for `value` at `indent` (its `blockString`, for a plain scalar of
 * a map in block context), handed to `write` in pieces.
 */
function blockScalar(value: string, indent: string, lineWidth: number, write: Write): void {
  const literal = !lineLengthOverLimit(value, lineWidth, indent.length);
  // the chomping indicator and the trailing whitespace
  const endStart = value.length - trailingSpace(value);
  let end = value.substring(endStart);
  const chomp = end.indexOf("\n") === -1 ? "-" : "";
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === "\n") end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  // the indentation indicator and the leading whitespace
  let startWithSpace = false;
  let startEnd;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === " ") startWithSpace = true;
    else if (ch === "\n") startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? "2" : "") + chomp;
  const blocks = splitBlocks(value);
  const last = blocks.length - 1;
  if (!literal) {
    let overflow = false;
    const body = blocks.map((block, i) => {
      const folded = block
        .replace(/\n+/g, "\n$&")
        .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, "$1$2")
        .replace(/\n+/g, `$&${indent}`);
      return foldFlowLines(
        `${i === 0 ? start : ""}${folded}${i === last ? end : ""}`,
        indent,
        "block",
        {
          indentAtStart: indent.length,
          lineWidth,
          minContentWidth: 20,
          onOverflow: () => (overflow = true),
        },
      );
    });
    if (!overflow) {
      write(`>${header}\n${indent}`);
      for (const piece of body) write(piece);
      return;
    }
  }
  write(`|${header}\n${indent}${start}`);
  for (const block of blocks) write(block.replace(/\n+/g, `$&${indent}`));
  write(end);
}

/**
 * `value` cut after newlines that end a run and precede a character that is neither a space nor
 * a tab, about every `BLOCK` characters: the library's replaces and folding read no further back
 * than such a line start.
 */
function splitBlocks(value: string): string[] {
  const out: string[] = [];
  let from = 0;
  while (value.length - from > 2 * BLOCK) {
    let cut = value.indexOf("\n", from + BLOCK);
    while (cut >= 0) {
      const next = value.charCodeAt(cut + 1);
      if (next !== 10 && next !== 32 && next !== 9 && cut + 1 < value.length) break;
      cut = value.indexOf("\n", cut + 1);
    }
    if (cut < 0) break;
    out.push(value.slice(from, cut + 1));
    from = cut + 1;
  }
  out.push(value.slice(from));
  return out;
}

/** The library's `lineLengthOverLimit`: a line longer than `lineWidth` less the indentation. */
function lineLengthOverLimit(str: string, lineWidth: number, indentLength: number): boolean {
  if (!lineWidth || lineWidth < 0) return false;
  const limit = lineWidth - indentLength;
  const strLen = str.length;
  if (strLen <= limit) return false;
  for (let i = 0, start = 0; i < strLen; ++i) {
    if (str[i] === "\n") {
      if (i - start > limit) return true;
      start = i + 1;
      if (strLen - start <= limit) return false;
    }
  }
  return true;
}
