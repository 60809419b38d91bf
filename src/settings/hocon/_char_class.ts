/**
 * Character classes of the real reader's grammar (the pyhocon copy vendored in the ClearML SDK),
 * as flags in a table for codes below 256.
 */

/** Space or tab: the only whitespace skipped between tokens. */
export const WS = 1;
/** `\n` or `\r`: ends an entry. */
export const EOL = 2;
/** May appear in an unquoted string (the backslash escape is handled apart). */
export const UNQUOTED = 4;
/** May appear in an unquoted key: ASCII letters and digits, Latin-1 letters, `._- /`. */
export const KEY = 8;
/** Letters, digits, `_` and `$`: a keyword (`true`, `include`) must not be followed by one. */
export const IDENT = 16;

// Not allowed in an unquoted string by the real reader (`:` and `/` are allowed, unlike HOCON).
const FORBIDDEN_UNQUOTED = '^`+?!@*&"[{]}#,=$\\';

/** The flags of the character with code `c` (below 256): the rules the table is made of. */
export function charClassOf(c: number): number {
  const ch = String.fromCharCode(c);
  let flags = 0;
  if (c === 32 || c === 9) flags |= WS;
  if (c === 10 || c === 13) flags |= EOL;
  // Python's `\s` (str patterns) ends an unquoted string; so do control characters, which the
  // real reader would keep but which in a config file mean a binary or corrupted file.
  const pySpace = (c >= 9 && c <= 13) || c === 32 || (c >= 0x1c && c <= 0x1f) || c === 0x85 ||
    c === 0xa0;
  const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
  if (!pySpace && !control && !FORBIDDEN_UNQUOTED.includes(ch)) flags |= UNQUOTED;
  const asciiAlnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const latin1Letter = c >= 0xc0 && c !== 0xd7 && c !== 0xf7;
  if (asciiAlnum || latin1Letter || "._- /".includes(ch)) flags |= KEY;
  if (asciiAlnum || c === 95 || c === 36) flags |= IDENT;
  return flags;
}

/**
 * `charClassOf(c)` for every code below 256, written out: computing it costs every command that
 * loads the parser a third of a millisecond at start, before the JIT (tests/settings/hocon
 * checks each entry against the rules). Written as a string, one character per code, `` ` `` (96)
 * plus the flags, and copied into the table at load: a `Uint8Array` of a 256-number literal made
 * the literal a 2,672-byte constant cell, a 16 KB heap block of its own at every start of a command
 * that loads the parser (`env`, `config show`), whether it parses or not. The parser reads the
 * table, not the string: a typed array is the quicker of the two in its loops.
 */
const CHAR_CLASS_TEXT = "`````````ab``b``````````````````i```pd`ddd```lll||||||||||ddd`d`" +
  "`||||||||||||||||||||||||||````|`||||||||||||||||||||||||||`d`d`" +
  "`````````````````````````````````ddddddddddddddddddddddddddddddd" +
  "llllllllllllllllllllllldllllllllllllllllllllllllllllllldllllllll";

export const CHAR_CLASS: Uint8Array = new Uint8Array(256);
for (let c = 0; c < 256; c++) CHAR_CLASS[c] = CHAR_CLASS_TEXT.charCodeAt(c) - 96;

/** Whitespace beyond Latin-1 that Python's `\s` matches: it ends an unquoted string. */
export function isWideSpace(c: number): boolean {
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000;
}

/** True when the character may appear in an unquoted string. */
export function isUnquotedChar(c: number): boolean {
  return c < 256 ? (CHAR_CLASS[c]! & UNQUOTED) !== 0 : !isWideSpace(c);
}

/** A readable name of the character at `offset`, for messages. */
export function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return "end of input";
  const cp = text.codePointAt(offset)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `control character ${hex}`;
  if (cp === 0xfeff) return `byte order mark ${hex}`;
  if (cp === 0xa0 || isWideSpace(cp)) return `non-ASCII space ${hex}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `unpaired surrogate ${hex}`;
  return `'${String.fromCodePoint(cp)}'`;
}
