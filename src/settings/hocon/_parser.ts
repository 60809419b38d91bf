import { scalarNode } from "../tree.ts";
import type { ScalarNode } from "../tree.ts";
import { assign, assignKey, type AssignSite } from "./_assign.ts";
import {
  CHAR_CLASS,
  describeChar,
  EOL,
  IDENT,
  isUnquotedChar,
  KEY,
  UNQUOTED,
  WS,
} from "./_char_class.ts";
import { concat } from "./_concat.ts";
import { parseKeyPath } from "./_key_path.ts";
import { mergeInto } from "./_merge.ts";
import { type MList, type MNode, type MObject, newObject, newPending, type Tok } from "./_nodes.ts";
import { markFloat } from "./_py_str.ts";
import { Source } from "./_source.ts";
import { unescape } from "./_unescape.ts";
import type { HoconError } from "./hocon_error.ts";

/** Objects and lists nested deeper than this are refused (before recursing, so never a stack overflow). */
export const MAX_DEPTH = 1000;
/** Distinct key names kept under one hash at most (`internKey`). */
const MAX_SAME_HASH = 8;
/** Files including files deeper than this are refused. */
export const MAX_INCLUDE_DEPTH = 32;

export type ReadInclude = (
  path: string,
  fromFile: string,
) => { file: string; text: string } | undefined;

/** What all the files of one `parseHocon` call share. */
export interface ParseContext {
  readonly readInclude: ReadInclude | undefined;
  /** The chain of files being read, the main file first: guards include cycles. */
  readonly includeStack: string[];
  /** Set once a value with a substitution exists: only then is there anything to resolve. */
  hasPending: boolean;
  /** Plain key names seen so far, each kept once, by their hash (`internKey`). */
  readonly keys: Map<number, string | string[]>;
}

/** Parse one file's text into a tree that may still hold pending substitutions. */
export function parseDocument(src: Source, ctx: ParseContext, depth: number): MObject {
  return new Parser(src, ctx, depth).document();
}

const C_TAB = 9;
const C_LF = 10;
const C_CR = 13;
const C_SPACE = 32;
const C_QUOTE = 34;
const C_HASH = 35;
const C_DOLLAR = 36;
const C_PLUS = 43;
const C_COMMA = 44;
const C_MINUS = 45;
const C_DOT = 46;
const C_SLASH = 47;
const C_COLON = 58;
const C_EQUALS = 61;
const C_LBRACKET = 91;
const C_BACKSLASH = 92;
const C_RBRACKET = 93;
const C_LBRACE = 123;
const C_RBRACE = 125;

interface IncludeTarget {
  kind: "file" | "url" | "classpath";
  path: string;
  end: number;
}

/**
 * A recursive-descent reader of the real reader's grammar, scanning char codes. Recursion
 * happens only for nested objects and lists, bounded by `MAX_DEPTH`.
 */
class Parser {
  private readonly src: Source;
  private readonly text: string;
  private readonly n: number;
  private readonly ctx: ParseContext;
  private depth: number;
  private pos = 0;
  /** Where the last value ended: an unexpected character there is reported as part of a value. */
  private valueEnd = -1;
  /** Where the last value was expected but none started. */
  private emptyValueAt = -1;
  // Set by `quotedEnd`.
  private quotedHasEscape = false;
  // Set by `unquotedEnd`.
  private unquotedEscaped = false;
  /** Set by `unquotedEnd`: where its last word ends (before the spaces it took in after it). */
  private unquotedWordEnd = 0;
  private readonly site: AssignSite;
  /** The text holds no `\r`: a line ends at the next `\n`. */
  private readonly noCR: boolean;

  constructor(src: Source, ctx: ParseContext, depth: number) {
    this.src = src;
    this.text = src.text;
    this.n = src.text.length;
    this.ctx = ctx;
    this.depth = depth;
    this.site = { src, keyText: "", keyOffset: 0, valueOffset: 0 };
    this.noCR = src.text.indexOf("\r") < 0;
  }

  document(): MObject {
    const text = this.text;
    if (this.n > 0 && text.charCodeAt(0) === 0xfeff) {
      throw this.fail(
        0,
        "The file starts with a UTF-8 byte order mark, which the ClearML SDK rejects",
        "UTF-8 text without a byte order mark",
      );
    }
    this.skipBlank(false);
    const c = this.code(this.pos);
    if (c === C_LBRACKET) {
      throw this.fail(
        this.pos,
        "The root of the file is a list, which the ClearML SDK cannot use",
        "an object: keys and values, optionally inside { }",
      );
    }
    if (c === C_LBRACE) {
      const root = this.parseObject();
      this.skipBlank(true);
      if (this.pos < this.n) {
        throw this.fail(
          this.pos,
          `Unexpected ${describeChar(text, this.pos)} after the closing '}' of the root object`,
          "end of input",
        );
      }
      return root;
    }
    const root = newObject(this.src.origin(0));
    this.parseBody(root);
    if (this.pos < this.n) {
      if (this.code(this.pos) === C_RBRACE) {
        throw this.fail(this.pos, "Unexpected '}' without a matching '{'", "a key or end of input");
      }
      throw this.unexpected("end of input");
    }
    return root;
  }

  // ---- objects ------------------------------------------------------------------------------

  /** Entries of an object (or of a root without braces), up to a `}` or anything else. */
  private parseBody(obj: MObject): void {
    const text = this.text;
    const n = this.n;
    for (;;) {
      let c = 0;
      while (this.pos < n && ((c = text.charCodeAt(this.pos)) === C_SPACE || c === C_TAB)) {
        this.pos++;
      }
      if (this.pos >= n) return;
      if (c === C_LF || c === C_CR || c === C_COMMA) {
        this.pos++;
        continue;
      }
      if (c === C_HASH || (c === C_SLASH && text.charCodeAt(this.pos + 1) === C_SLASH)) {
        this.skipComment();
        continue;
      }
      // the first letter before the call: most keys do not start with an `i`
      if ((c | 0x20) === 105 && includeStarts(text, this.pos) && this.tryInclude(obj)) continue;
      if (c === C_QUOTE || (c < 256 && (CHAR_CLASS[c]! & KEY) !== 0)) {
        this.parseEntry(obj);
        continue;
      }
      return;
    }
  }

  /** `key: value`, `key = value`, `key += value` or `key { … }`. */
  private parseEntry(obj: MObject): void {
    const text = this.text;
    const keyStart = this.pos;
    let keyText: string;
    let path: string[] | string | undefined;
    if (text.charCodeAt(keyStart) === C_QUOTE) {
      // A quoted key is kept as written, quotes and backslashes included; the key path rules
      // decide whether the quotes stay.
      const end = this.quotedKeyEnd(keyStart);
      if (end < 0) {
        throw this.fail(keyStart, "Unterminated quoted key", "a closing '\"' on the same line");
      }
      keyText = text.slice(keyStart, end);
      this.pos = end;
    } else {
      let i = keyStart;
      let c: number;
      // Of the key characters only the dot is special: a key without one is its own path.
      let dot = false;
      // Key characters include the space: the key ends at its last other character (the first
      // is never a space); its hash is taken on the way, for internKey
      let end = keyStart + 1;
      let h = 0;
      let hash = 0;
      while (i < this.n && (c = text.charCodeAt(i)) < 256 && (CHAR_CLASS[c]! & KEY) !== 0) {
        if (c === C_DOT) dot = true;
        h = (Math.imul(h, 31) + c) | 0;
        i++;
        if (c !== C_SPACE) {
          end = i;
          hash = h;
        }
      }
      this.pos = i;
      if (dot) keyText = text.slice(keyStart, end);
      else {
        keyText = this.internKey(keyStart, end, hash);
        path = keyText;
      }
    }
    path ??= parseKeyPath(keyText);
    // a key without dots is one segment, kept as a string
    const segments = typeof path === "string" ? 1 : path.length;
    if (segments === 0) {
      throw this.fail(keyStart, `The key ${keyText} has no name`, "a key name");
    }
    // A dotted key creates one object per segment before the last.
    if (this.depth + segments - 1 > MAX_DEPTH) throw this.tooDeep(keyStart);

    this.skipBlank(false);
    const c = this.code(this.pos);
    let op: "=" | "+=" = "=";
    let value: MNode;
    let valueOffset = this.pos;
    // The value of a dotted key sits that many levels down.
    const outer = this.depth;
    this.depth += segments - 1;
    if (c === C_LBRACE) {
      value = this.parseObject();
    } else {
      if (c === C_COLON || c === C_EQUALS) this.pos++;
      else if (c === C_PLUS && this.code(this.pos + 1) === C_EQUALS) {
        op = "+=";
        this.pos += 2;
      } else {
        throw this.fail(
          this.pos,
          `Unexpected ${describeChar(text, this.pos)} after the key ${keyText}`,
          "':', '=' or '{'",
        );
      }
      this.skipBlank(false);
      valueOffset = this.pos;
      value = this.parseValue();
    }
    this.depth = outer;
    // one site object per parser, refilled: assign reads it and keeps none of it
    const site = this.site;
    site.keyText = keyText;
    site.keyOffset = keyStart;
    site.valueOffset = valueOffset;
    if (assign(obj, path, value, op, site)) this.ctx.hasPending = true;
  }

  /**
   * The key `text[start, end)` (hash `hash`) as one string per distinct name, found without
   * cutting it out of the text when it was seen before: a configuration repeats the same few
   * names. Names whose hash is shared by more than a few others are cut anyway, so that keys
   * made to collide cost a bounded number of comparisons each.
   */
  private internKey(start: number, end: number, hash: number): string {
    const text = this.text;
    const len = end - start;
    const table = this.ctx.keys;
    const found = table.get(hash);
    if (typeof found === "string") {
      if (found.length === len && text.startsWith(found, start)) return found;
    } else if (found !== undefined) {
      for (let i = 0; i < found.length; i++) {
        const s = found[i]!;
        if (s.length === len && text.startsWith(s, start)) return s;
      }
    }
    const key = text.slice(start, end);
    if (found === undefined) table.set(hash, key);
    else if (typeof found === "string") table.set(hash, [found, key]);
    else if (found.length < MAX_SAME_HASH) found.push(key);
    return key;
  }

  /** `{ … }`, from the `{`. */
  private parseObject(): MObject {
    const open = this.pos;
    if (this.depth >= MAX_DEPTH) throw this.tooDeep(open);
    this.depth++;
    this.pos++;
    const obj = newObject(this.src.origin(open));
    this.parseBody(obj);
    if (this.code(this.pos) !== C_RBRACE) {
      if (this.pos >= this.n) {
        throw this.fail(
          this.pos,
          "Unexpected end of input",
          `'}' to close the object opened at ${this.where(open)}`,
        );
      }
      throw this.unexpected("'}'");
    }
    this.pos++;
    this.depth--;
    return obj;
  }

  // ---- lists --------------------------------------------------------------------------------

  /** `[ … ]`, from the `[`. Items are separated by commas and/or newlines. */
  private parseList(): MList {
    const open = this.pos;
    if (this.depth >= MAX_DEPTH) throw this.tooDeep(open);
    this.depth++;
    this.pos++;
    const items: MNode[] = [];
    const list: MList = { type: "list", items, origin: this.src.origin(open) };
    for (;;) {
      this.skipBlank(true);
      if (this.pos >= this.n) {
        throw this.fail(
          this.pos,
          "Unexpected end of input",
          `']' to close the list opened at ${this.where(open)}`,
        );
      }
      if (this.text.charCodeAt(this.pos) === C_RBRACKET) break;
      const before = this.pos;
      const item = this.parseValue();
      if (this.pos === before) throw this.unexpected("']'", "a value, a newline, ',' or ']'");
      // The real reader drops empty strings from lists (`[""]` is `[]`).
      if (item.type === "pending") item.listIndex = items.length;
      if (!(item.type === "scalar" && item.value === "")) items.push(item);
      this.skipSpaces();
      const c = this.code(this.pos);
      if (
        !(c === C_LF || c === C_CR || c === C_COMMA || c === C_RBRACKET || c < 0 ||
          this.isCommentAt(this.pos))
      ) {
        throw this.unexpected("']'");
      }
    }
    this.pos++;
    this.depth--;
    return list;
  }

  // ---- values -------------------------------------------------------------------------------

  /**
   * A value: one or more tokens side by side on the line, which concatenate. Ends at a newline,
   * `,`, a comment, `}`, `]` or anything that cannot start a token. No token gives "".
   */
  private parseValue(): MNode {
    return this.singleValue() ?? this.tokenValue();
  }

  /** True when the value ends at `p` (after spaces): a newline, `,`, a comment, `}`, `]` or the end. */
  private endsValue(p: number): boolean {
    const text = this.text;
    const n = this.n;
    let c = 0;
    while (p < n && ((c = text.charCodeAt(p)) === C_SPACE || c === C_TAB)) p++;
    if (p >= n) return true;
    return c === C_LF || c === C_CR || c === C_COMMA || c === C_HASH || c === C_RBRACE ||
      c === C_RBRACKET || (c === C_SLASH && text.charCodeAt(p + 1) === C_SLASH);
  }

  /**
   * The common value of one number, keyword, quoted or unquoted string alone on its line, read
   * without token objects; undefined (nothing consumed) for any other, which `tokenValue` reads.
   */
  private singleValue(): MNode | undefined {
    const text = this.text;
    const n = this.n;
    const start = this.skipSpacesFrom(this.pos);
    if (start >= n) return undefined;
    const c = text.charCodeAt(start);
    let end: number;
    let node: MNode;
    if (c === C_QUOTE) {
      if (text.charCodeAt(start + 1) === C_QUOTE) return undefined; // "" or """
      const close = this.quotedEnd(start);
      if (close < 0 || !this.endsValue(close + 1)) return undefined;
      const raw = text.slice(start + 1, close);
      node = scalarNode(this.quotedHasEscape ? unescape(raw) : raw, this.src.origin(start));
      end = close + 1;
    } else if (
      c < 256 && (CHAR_CLASS[c]! & UNQUOTED) !== 0 && c !== 105 && c !== 73 && // not `include`
      !(c === C_SLASH && text.charCodeAt(start + 1) === C_SLASH) // not a comment
    ) {
      const number = this.numberEnd(start);
      if (number > 0) {
        if (!this.endsValue(number)) return undefined; // `5 ${x}` concatenates
        node = this.numberNode(start, number);
        end = number;
      } else {
        const kw = this.keywordAt(start);
        if (kw !== undefined) {
          end = start + (kw === false ? 5 : 4);
          if (!this.endsValue(end)) return undefined;
          node = scalarNode(kw, this.src.origin(start));
        } else {
          end = this.unquotedEnd(start);
          if (this.unquotedEscaped || !this.endsValue(end)) return undefined;
          // without escapes, only spaces and tabs follow the last word: no trim of a slice
          node = scalarNode(text.slice(start, this.unquotedWordEnd), this.src.origin(start));
        }
      }
    } else {
      return undefined;
    }
    this.pos = this.skipSpacesFrom(end);
    this.valueEnd = this.pos;
    return node;
  }

  private tokenValue(): MNode {
    const text = this.text;
    const n = this.n;
    let first: Tok | undefined;
    let firstStart = this.pos;
    let more: Tok[] | undefined;
    let hasSub = false;
    for (;;) {
      this.skipSpaces();
      if (this.pos >= n) break;
      const start = this.pos;
      const c = text.charCodeAt(start);
      let tok: Tok;
      if (
        c === C_LF || c === C_CR || c === C_COMMA || c === C_HASH || c === C_RBRACE ||
        c === C_RBRACKET
      ) break;
      if (c === C_SLASH && text.charCodeAt(start + 1) === C_SLASH) break;
      if (c === C_DOLLAR) {
        if (text.charCodeAt(start + 1) !== C_LBRACE) break;
        tok = this.parseSubstitution();
        hasSub = true;
      } else if (c === C_LBRACE) {
        tok = { kind: "node", node: this.parseObject() };
      } else if (c === C_LBRACKET) {
        tok = { kind: "node", node: this.parseList() };
      } else if (c === C_QUOTE) {
        tok = this.parseQuoted();
      } else if (c === C_BACKSLASH && text.charCodeAt(start + 1) === C_LF) {
        // A backslash at the end of a line continues the value on the next line.
        this.pos += 2;
        while (this.pos < n && (CHAR_CLASS[text.charCodeAt(this.pos)]! & EOL) !== 0) this.pos++;
        continue;
      } else {
        if (includeStarts(text, start) && this.includeAhead(start)) {
          throw this.fail(
            start,
            "An include cannot be used as a value",
            "include at the start of an entry, where its keys merge into the object",
          );
        }
        const number = this.numberEnd(start);
        if (number > 0) {
          tok = { kind: "scalar", node: this.numberNode(start, number) };
          this.pos = number;
        } else {
          const kw = this.keywordAt(start);
          if (kw !== undefined) {
            tok = { kind: "scalar", node: scalarNode(kw, this.src.origin(start)) };
            this.pos = start + (kw === false ? 5 : 4);
          } else if (
            isUnquotedChar(c) ||
            (c === C_BACKSLASH && start + 1 < n && text.charCodeAt(start + 1) !== C_LF)
          ) {
            tok = this.parseUnquoted();
          } else {
            break;
          }
        }
      }
      if (first === undefined) {
        first = tok;
        firstStart = start;
      } else if (more === undefined) {
        more = [first, tok];
      } else {
        more.push(tok);
      }
    }
    if (first === undefined) {
      this.emptyValueAt = this.pos;
      return scalarNode("", this.src.origin(firstStart));
    }
    this.valueEnd = this.pos;
    if (more === undefined && first.kind !== "sub") {
      // One token, the common case.
      if (first.kind !== "text") return first.node;
      const text = first.unquoted ? trimSpacesEnd(first.text) : first.text;
      return scalarNode(text, this.src.origin(firstStart));
    }
    const tokens = more ?? [first];
    // The real reader strips the spaces after an unquoted string that ends the value.
    const last = tokens[tokens.length - 1]!;
    if (last.kind === "text" && last.unquoted) last.text = trimSpacesEnd(last.text);
    if (hasSub) {
      this.ctx.hasPending = true;
      return newPending(tokens, this.src, firstStart);
    }
    return this.concatAt(tokens as Exclude<Tok, { kind: "sub" }>[], firstStart);
  }

  /**
   * Values side by side from `start`, concatenated. A method of its own: the error callback would
   * make `tokenValue` keep its variables in a scope object allocated at every call.
   */
  private concatAt(tokens: Exclude<Tok, { kind: "sub" }>[], start: number): MNode {
    return concat(tokens, this.src.origin(start), mergeInto, (problem) => {
      throw this.fail(start, problem, "values of one kind side by side: strings, lists or objects");
    });
  }

  /** `${path}` or `${?path}`, from the `$`. */
  private parseSubstitution(): Tok {
    const start = this.pos;
    const close = this.text.indexOf("}", start + 2);
    if (close < 0) throw this.fail(start, "Unterminated substitution", "'}' to close '${'");
    if (close === start + 2) {
      throw this.fail(start, "Empty substitution ${}", "a key path inside ${ }");
    }
    let path = this.text.slice(start + 2, close);
    // `${?}` is the required variable `?` (the real reader's pattern needs a name after `?`).
    const optional = path.length > 1 && path.charCodeAt(0) === 63;
    if (optional) path = path.slice(1);
    this.pos = close + 1;
    const ws = this.skipSpaces();
    return { kind: "sub", path, optional, ws, src: this.src, offset: start };
  }

  /** `"…"` or `"""…"""`, from the first quote. */
  private parseQuoted(): Tok {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(start + 1) === C_QUOTE && text.charCodeAt(start + 2) === C_QUOTE) {
      const close = text.indexOf('"""', start + 3);
      if (close < 0) {
        throw this.fail(start, "Unterminated triple-quoted string", '\'"""\' to close it');
      }
      // Kept verbatim; quotes right before the closing ones belong to the string.
      let end = close + 3;
      while (end < this.n && text.charCodeAt(end) === C_QUOTE) end++;
      this.pos = end;
      return { kind: "text", text: text.slice(start + 3, end - 3), ws: "", unquoted: false };
    }
    const end = this.quotedEnd(start);
    if (end < 0) {
      throw this.fail(start, "Unterminated string", "a closing '\"' before the end of the line");
    }
    const raw = text.slice(start + 1, end);
    const value = this.quotedHasEscape ? unescape(raw) : raw;
    this.pos = end + 1;
    const ws = this.skipSpaces();
    return { kind: "text", text: value, ws, unquoted: false };
  }

  /**
   * An unquoted string, taking in the spaces between words, as long as the next word is a plain
   * word too (not a comment, a number or a keyword, which the real reader reads separately).
   */
  private parseUnquoted(): Tok {
    const start = this.pos;
    const i = this.unquotedEnd(start);
    this.pos = i;
    const raw = this.text.slice(start, i);
    return {
      kind: "text",
      text: this.unquotedEscaped ? unescape(raw) : raw,
      ws: "",
      unquoted: true,
    };
  }

  /** The end of the unquoted string at `start` (see `parseUnquoted`); sets `unquotedEscaped`. */
  private unquotedEnd(start: number): number {
    const text = this.text;
    const n = this.n;
    let i = start;
    let escaped = false;
    let wordEnd = i;
    for (;;) {
      for (;;) {
        if (i >= n) break;
        const c = text.charCodeAt(i);
        if (c < 256 ? (CHAR_CLASS[c]! & UNQUOTED) !== 0 : isUnquotedChar(c)) {
          i++;
        } else if (c === C_BACKSLASH && i + 1 < n && text.charCodeAt(i + 1) !== C_LF) {
          escaped = true;
          i += 2;
        } else {
          break;
        }
      }
      wordEnd = i;
      let c = 0;
      while (i < n && ((c = text.charCodeAt(i)) === C_SPACE || c === C_TAB)) i++;
      if (i === wordEnd || i >= n) break;
      const plain = isUnquotedChar(c) ||
        (c === C_BACKSLASH && i + 1 < n && text.charCodeAt(i + 1) !== C_LF);
      if (
        !plain || (c === C_SLASH && text.charCodeAt(i + 1) === C_SLASH) ||
        this.numberEnd(i) > 0 || this.keywordAt(i) !== undefined ||
        (includeStarts(text, i) && this.includeAhead(i))
      ) {
        break;
      }
    }
    this.unquotedEscaped = escaped;
    this.unquotedWordEnd = wordEnd;
    return i;
  }

  /**
   * The end of a number at `p`, or -1. The real reader takes `[+-]?(\d*\.\d+|\d+(\.\d+)?)` with
   * an optional exponent only when what follows (after spaces) is `$ } ] , #`, `//`, a newline,
   * or the very end of the text: `10GB`, `1.2.3` and `5 h` are strings.
   */
  private numberEnd(p: number): number {
    const text = this.text;
    const n = this.n;
    let i = p;
    let c = text.charCodeAt(i);
    if (c === C_PLUS || c === C_MINUS) c = text.charCodeAt(++i);
    let digits = 0;
    while (c >= 48 && c <= 57) {
      digits++;
      c = text.charCodeAt(++i);
    }
    if (c === C_DOT) {
      const d = text.charCodeAt(i + 1);
      if (d >= 48 && d <= 57) {
        i += 2;
        digits++;
        while ((c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
      }
    }
    if (digits === 0) return -1;
    c = text.charCodeAt(i);
    if (c === 101 || c === 69) {
      let j = i + 1;
      let d = text.charCodeAt(j);
      if (d === C_PLUS || d === C_MINUS) d = text.charCodeAt(++j);
      if (d >= 48 && d <= 57) {
        while ((d = text.charCodeAt(++j)) >= 48 && d <= 57);
        i = j;
      }
    }
    if (i >= n) return i;
    let j = i;
    while (j < n && ((c = text.charCodeAt(j)) === C_SPACE || c === C_TAB)) j++;
    if (j >= n) return -1;
    if (
      c === C_DOLLAR || c === C_RBRACE || c === C_RBRACKET || c === C_COMMA || c === C_HASH ||
      c === C_LF || c === C_CR || (c === C_SLASH && text.charCodeAt(j + 1) === C_SLASH)
    ) {
      return i;
    }
    return -1;
  }

  private numberNode(start: number, end: number): ScalarNode {
    const text = this.text;
    // the common number, a few digits without sign, fraction or exponent: read from the codes
    // (exact below 2^53), with no string cut out of the text for it
    if (end - start <= 15) {
      let value = 0;
      let i = start;
      for (; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c < 48 || c > 57) break;
        value = value * 10 + (c - 48);
      }
      if (i === end) return scalarNode(value, this.src.origin(start));
    }
    const raw = text.slice(start, end);
    const value = Number(raw);
    const origin = this.src.origin(start);
    let isFloat = false;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === C_DOT || c === 101 || c === 69) isFloat = true;
    }
    if (isFloat) return markFloat(scalarNode(value, origin));
    // Python's int("-0") is 0.
    return scalarNode(value === 0 ? 0 : value, origin);
  }

  /** `true`, `false` or `null` in any case, not followed by a letter, digit, `_` or `$`. */
  private keywordAt(p: number): boolean | null | undefined {
    const text = this.text;
    const c = text.charCodeAt(p) | 0x20;
    let word: string;
    let value: boolean | null;
    if (c === 116) {
      word = "true";
      value = true;
    } else if (c === 102) {
      word = "false";
      value = false;
    } else if (c === 110) {
      word = "null";
      value = null;
    } else return undefined;
    const end = p + word.length;
    if (end > this.n) return undefined;
    for (let i = 1; i < word.length; i++) {
      if ((text.charCodeAt(p + i) | 0x20) !== word.charCodeAt(i)) return undefined;
    }
    if (end < this.n) {
      const next = text.charCodeAt(end);
      if (next < 256 && (CHAR_CLASS[next]! & IDENT) !== 0) return undefined;
    }
    return value;
  }

  // ---- includes -----------------------------------------------------------------------------

  /** `include "f"`, `include file("f")`, `include required(…)`; false when `include` is a key. */
  private tryInclude(obj: MObject): boolean {
    const at = this.pos;
    if (!this.wordAt(at, "include", true)) return false;
    let p = this.skipSpacesFrom(at + 7);
    let required = false;
    let target: IncludeTarget | undefined;
    if (this.wordAt(p, "required", false)) {
      required = true;
      p = this.expectChar(this.skipSpacesFrom(p + 8), 40, "'(' after include required");
      target = this.includeTarget(this.skipSpacesFrom(p), true)!;
      p = this.expectChar(this.skipSpacesFrom(target.end), 41, "')' to close include required(");
    } else {
      target = this.includeTarget(p, false);
      if (target === undefined) return false;
      p = target.end;
    }
    this.pos = p;
    this.include(obj, target, required, at);
    return true;
  }

  /** True when an include directive starts at `p`. */
  private includeAhead(p: number): boolean {
    if (!this.wordAt(p, "include", true)) return false;
    const q = this.skipSpacesFrom(p + 7);
    const c = this.code(q);
    return c === C_QUOTE || this.wordAt(q, "required", false) || this.wordAt(q, "file", false) ||
      this.wordAt(q, "url", false) || this.wordAt(q, "classpath", false);
  }

  /** `"f"`, `file("f")`, `url("f")` or `classpath("f")` at `p`. */
  private includeTarget(p: number, committed: boolean): IncludeTarget | undefined {
    if (this.code(p) === C_QUOTE) {
      const { value, end } = this.includeName(p);
      const kind = /^(https?|file):\/\//.test(value) ? "url" : "file";
      return { kind, path: value, end };
    }
    for (const kind of ["file", "url", "classpath"] as const) {
      if (!this.wordAt(p, kind, false)) continue;
      const q = this.skipSpacesFrom(p + kind.length);
      if (kind === "classpath" && this.code(q) !== 40 && !committed) return undefined;
      const open = this.expectChar(q, 40, `'(' after ${kind}`);
      const start = this.skipSpacesFrom(open);
      if (this.code(start) !== C_QUOTE) {
        throw this.fail(
          start,
          `Unexpected ${describeChar(this.text, start)} in ${kind}( )`,
          "a quoted path",
        );
      }
      const { value, end } = this.includeName(start);
      const close = this.expectChar(this.skipSpacesFrom(end), 41, `')' to close ${kind}(`);
      return { kind, path: value, end: close };
    }
    if (committed) {
      throw this.fail(
        p,
        `Unexpected ${describeChar(this.text, p)} in an include`,
        'a quoted path, file("…") or url("…")',
      );
    }
    return undefined;
  }

  private includeName(p: number): { value: string; end: number } {
    const end = this.quotedEnd(p);
    if (end < 0) {
      throw this.fail(p, "Unterminated string", "a closing '\"' before the end of the line");
    }
    const raw = this.text.slice(p + 1, end);
    return { value: this.quotedHasEscape ? unescape(raw) : raw, end: this.skipSpacesFrom(end + 1) };
  }

  /** Read the included file and merge its root object here, key by key. */
  private include(obj: MObject, target: IncludeTarget, required: boolean, at: number): void {
    if (target.kind !== "file") {
      throw this.fail(
        at,
        `${
          target.kind === "url" ? "URL" : "Classpath"
        } includes are not supported (${target.path})`,
        'include "file" or include file("…") with a local path',
      );
    }
    const found = this.ctx.readInclude?.(target.path, this.src.file);
    if (found === undefined) {
      if (!required) return;
      throw this.fail(
        at,
        `Cannot read the required include ${JSON.stringify(target.path)}`,
        "the file to exist",
      );
    }
    const stack = this.ctx.includeStack;
    if (stack.includes(found.file)) {
      throw this.fail(
        at,
        `Include cycle: ${[...stack, found.file].join(" -> ")}`,
        "files that do not include each other",
      );
    }
    if (stack.length > MAX_INCLUDE_DEPTH) {
      throw this.fail(
        at,
        `Includes nested deeper than ${MAX_INCLUDE_DEPTH} files`,
        "fewer nested includes",
      );
    }
    stack.push(found.file);
    let inner: MObject;
    try {
      inner = parseDocument(
        new Source(found.file, found.text, this.src.tracksOrigins),
        this.ctx,
        this.depth,
      );
    } finally {
      stack.pop();
    }
    for (const [key, value] of inner.entries) {
      const site = { src: this.src, keyText: key, keyOffset: at, valueOffset: at };
      if (assign(obj, key, value, "=", site)) this.ctx.hasPending = true;
    }
  }

  // ---- scanning helpers ---------------------------------------------------------------------

  private code(p: number): number {
    return p < this.n ? this.text.charCodeAt(p) : -1;
  }

  /** Skip spaces and tabs; returns them. */
  private skipSpaces(): string {
    const start = this.pos;
    this.pos = this.skipSpacesFrom(start);
    return this.pos === start ? "" : this.text.slice(start, this.pos);
  }

  private skipSpacesFrom(p: number): number {
    const text = this.text;
    let c: number;
    while (p < this.n && ((c = text.charCodeAt(p)) === C_SPACE || c === C_TAB)) p++;
    return p;
  }

  /** Skip spaces, newlines and comments (and commas when `commas`). */
  private skipBlank(commas: boolean): void {
    const text = this.text;
    while (this.pos < this.n) {
      const c = text.charCodeAt(this.pos);
      if (c < 256 && (CHAR_CLASS[c]! & (WS | EOL)) !== 0) this.pos++;
      else if (commas && c === C_COMMA) this.pos++;
      // isCommentAt written out: this ends every skip, twice per entry
      else if (c === C_HASH || (c === C_SLASH && text.charCodeAt(this.pos + 1) === C_SLASH)) {
        this.skipComment();
      } else break;
    }
  }

  private isCommentAt(p: number): boolean {
    const c = this.code(p);
    return c === C_HASH || (c === C_SLASH && this.code(p + 1) === C_SLASH);
  }

  /** A comment runs to the end of the line. */
  private skipComment(): void {
    const text = this.text;
    if (this.noCR) {
      // the end of the line is the next `\n`, which the runtime finds faster than a loop
      const lf = text.indexOf("\n", this.pos);
      this.pos = lf < 0 ? this.n : lf;
      return;
    }
    let p = this.pos;
    let c: number;
    while (p < this.n && (c = text.charCodeAt(p)) !== C_LF && c !== C_CR) p++;
    this.pos = p;
  }

  /** The closing quote of a one-line `"…"` string at `p`, or -1. Sets `quotedHasEscape`. */
  private quotedEnd(p: number): number {
    const text = this.text;
    const n = this.n;
    let escaped = false;
    for (let i = p + 1; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === C_QUOTE) {
        this.quotedHasEscape = escaped;
        return i;
      }
      if (c === C_BACKSLASH) {
        // A backslash escapes any character but a newline.
        if (i + 1 >= n || text.charCodeAt(i + 1) === C_LF) return -1;
        escaped = true;
        i++;
      } else if (c === C_LF) {
        return -1;
      }
    }
    return -1;
  }

  /** The end of a quoted key (after its closing quote), or -1: no newline inside. */
  private quotedKeyEnd(p: number): number {
    const text = this.text;
    for (let i = p + 1; i < this.n; i++) {
      const c = text.charCodeAt(i);
      if (c === C_QUOTE) return i + 1;
      if (c === C_LF || c === C_CR) return -1;
      if (c === C_BACKSLASH) i++;
    }
    return -1;
  }

  /** `word` at `p` as a keyword: not followed by a letter, digit, `_` or `$`. */
  private wordAt(p: number, word: string, caseless: boolean): boolean {
    const end = p + word.length;
    if (end > this.n) return false;
    const text = this.text;
    for (let i = 0; i < word.length; i++) {
      let c = text.charCodeAt(p + i);
      if (caseless) c |= 0x20;
      if (c !== word.charCodeAt(i)) return false;
    }
    if (end === this.n) return true;
    const next = text.charCodeAt(end);
    return !(next < 256 && (CHAR_CLASS[next]! & IDENT) !== 0);
  }

  private expectChar(p: number, c: number, what: string): number {
    if (this.code(p) !== c) throw this.fail(p, `Unexpected ${describeChar(this.text, p)}`, what);
    return p + 1;
  }

  // ---- errors -------------------------------------------------------------------------------

  private fail(offset: number, problem: string, expected: string): HoconError {
    return this.src.error(offset, problem, expected);
  }

  private where(offset: number): string {
    const { line, col } = this.src.position(offset);
    return `${line}:${col}`;
  }

  private tooDeep(offset: number): HoconError {
    return this.fail(
      offset,
      `Nesting deeper than ${MAX_DEPTH} levels`,
      `at most ${MAX_DEPTH} nested objects and lists`,
    );
  }

  /** The character at `pos` cannot continue; `closer` is what would end the enclosing block. */
  private unexpected(closer: string, expected?: string): HoconError {
    const p = this.pos;
    const what = describeChar(this.text, p);
    if (p < this.n && (p === this.valueEnd || p === this.emptyValueAt)) {
      const c = this.text.charCodeAt(p);
      const hint = c >= 0x20 && c < 256 && (CHAR_CLASS[c]! & (UNQUOTED | WS | EOL)) === 0
        ? ` (a string containing ${what} must be in double quotes)`
        : "";
      if (p === this.emptyValueAt) {
        return this.fail(
          p,
          `Unexpected ${what} where a value should start`,
          `a value or ${closer}${hint}`,
        );
      }
      return this.fail(p, `Unexpected ${what} after a value`, `a newline, ',' or ${closer}${hint}`);
    }
    return this.fail(
      p,
      p >= this.n ? "Unexpected end of input" : `Unexpected ${what}`,
      expected ?? `a key, a newline, ',' or ${closer}`,
    );
  }
}

/**
 * `inc` in any case at `p`: whether `include` may start there. Rules out most words before the
 * full check (`wordAt`), which a word that merely starts with an `i` (`images`, `INFO`) would
 * otherwise cost.
 */
function includeStarts(text: string, p: number): boolean {
  return (text.charCodeAt(p) | 0x20) === 105 && (text.charCodeAt(p + 1) | 0x20) === 110 &&
    (text.charCodeAt(p + 2) | 0x20) === 99;
}

function trimSpacesEnd(s: string): string {
  let end = s.length;
  let c: number;
  while (end > 0 && ((c = s.charCodeAt(end - 1)) === C_SPACE || c === C_TAB)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** The functions a parse of a large text spends its time in (for `keepOutOfFtl`). */
export function parserHotPath(): unknown[] {
  const out: unknown[] = [
    assign,
    assignKey,
    mergeInto,
    concat,
    newObject,
    newPending,
    scalarNode,
    markFloat,
    unescape,
    parseKeyPath,
    trimSpacesEnd,
    includeStarts,
    Source.prototype.origin,
  ];
  for (const name of Object.getOwnPropertyNames(Parser.prototype)) {
    out.push(Object.getOwnPropertyDescriptor(Parser.prototype, name)?.value);
  }
  return out;
}
